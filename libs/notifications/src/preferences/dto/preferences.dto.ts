import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MayBeOmitted, type NotificationCategory } from '@tradepulse/platform';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { NOTIFICATION_CATEGORIES } from '../../notification';

export class ChannelSwitchesDto {
  @ApiPropertyOptional() @MayBeOmitted() @IsBoolean() websocket?: boolean;
  @ApiPropertyOptional() @MayBeOmitted() @IsBoolean() telegram?: boolean;
  @ApiPropertyOptional() @MayBeOmitted() @IsBoolean() webhook?: boolean;
}

export class DigestDto {
  @ApiPropertyOptional({ description: 'batch this user\'s notifications over windowSec instead of the profile\'s window' })
  @MayBeOmitted()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ minimum: 10, maximum: 86_400, description: 'seconds' })
  @MayBeOmitted()
  @IsInt()
  @Min(10)
  @Max(86_400)
  windowSec?: number;
}

/** PUT body: the fields sent replace the stored ones; fields left out keep their value. */
export class UpdatePreferencesDto {
  @ApiPropertyOptional({ type: ChannelSwitchesDto })
  @MayBeOmitted()
  @ValidateNested()
  @Type(() => ChannelSwitchesDto)
  channels?: ChannelSwitchesDto;

  @ApiPropertyOptional({ enum: NOTIFICATION_CATEGORIES, isArray: true, description: 'stored but not delivered' })
  @MayBeOmitted()
  // the bottom decorator runs first: a string is told it is not an array, not that it is too long
  @IsIn(NOTIFICATION_CATEGORIES, { each: true })
  @ArrayMaxSize(NOTIFICATION_CATEGORIES.length)
  @IsArray({ message: 'mutedCategories: must be an array of categories' })
  mutedCategories?: NotificationCategory[];

  @ApiPropertyOptional({ type: DigestDto })
  @MayBeOmitted()
  @ValidateNested()
  @Type(() => DigestDto)
  digest?: DigestDto;
}

class ChannelSwitchesView {
  @ApiProperty() websocket!: boolean;
  @ApiProperty() telegram!: boolean;
  @ApiProperty() webhook!: boolean;
}

class DigestView {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'seconds' }) windowSec!: number;
}

export class PreferencesView {
  @ApiProperty({ type: ChannelSwitchesView }) channels!: ChannelSwitchesView;
  @ApiProperty({ enum: NOTIFICATION_CATEGORIES, isArray: true }) mutedCategories!: NotificationCategory[];
  @ApiProperty({ type: DigestView }) digest!: DigestView;
}
