import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PROFILE_NAMES } from '@tradepulse/config';
import type { ProfileName } from '@tradepulse/config';

export class SwitchProfileDto {
  @ApiProperty({ enum: PROFILE_NAMES })
  @IsIn(PROFILE_NAMES, { message: `profile: must be one of ${PROFILE_NAMES.join(', ')}` })
  profile!: ProfileName;
}

export class ProfileOverrideView {
  @ApiProperty({ example: 'notifications.batchSize' }) key!: string;
  @ApiProperty({ example: 'TP__NOTIFICATIONS__BATCH_SIZE' }) envVar!: string;
  @ApiProperty() value!: unknown;
}

export class ProfileView {
  @ApiProperty({ enum: PROFILE_NAMES }) profile!: string;
  @ApiProperty({ description: 'every effective value after TP__ overrides, by section' }) effective!: Record<string, Record<string, unknown>>;
  @ApiProperty({ type: [ProfileOverrideView] }) overrides!: ProfileOverrideView[];
  @ApiProperty({ type: [String], description: 'keys whose current value waits for a restart' }) restartRequired!: string[];
}

export class ProfileSwitchView extends ProfileView {
  @ApiProperty({ enum: PROFILE_NAMES }) from!: string;
  @ApiProperty({ type: [String], description: 'keys whose new value took effect now' }) applied!: string[];
  @ApiProperty({ type: [String], description: 'keys the new profile would change but a TP__ override keeps' }) keptByOverride!: string[];
}

export class ProfileHistoryItem {
  @ApiProperty() id!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() by!: string;
  @ApiProperty() at!: Date;
}
