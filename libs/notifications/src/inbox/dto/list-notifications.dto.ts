import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NotificationCategory, NotificationPriority } from '@tradepulse/platform';
import { MayBeOmitted, PageQueryDto } from '@tradepulse/platform';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn } from 'class-validator';
import { NOTIFICATION_CATEGORIES, NOTIFICATION_PRIORITIES } from '../../notification';

export class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true: only unread; false: only read; absent: all' })
  @MayBeOmitted()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'unread: must be true or false' })
  unread?: boolean;

  @ApiPropertyOptional({ enum: NOTIFICATION_CATEGORIES })
  @MayBeOmitted()
  @IsIn(NOTIFICATION_CATEGORIES)
  category?: NotificationCategory;
}

export class NotificationItemView {
  @ApiProperty({ description: 'increasing decimal string; WebSocket clients replay from the last one they saw' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_CATEGORIES }) category!: NotificationCategory;
  @ApiProperty({ enum: NOTIFICATION_PRIORITIES }) priority!: NotificationPriority;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class NotificationPageView {
  @ApiProperty({ type: [NotificationItemView] }) items!: NotificationItemView[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;
}
