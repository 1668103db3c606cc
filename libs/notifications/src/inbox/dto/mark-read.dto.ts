import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MayBeOmitted } from '@tradepulse/platform';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, Equals, IsArray, Matches } from 'class-validator';

export const MAX_READ_IDS = 1000;

/** Exactly one of `ids` or `all: true`. */
export class MarkReadDto {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_READ_IDS, example: ['41', '42'], description: 'notification ids (numbers accepted too)' })
  @MayBeOmitted()
  @Transform(({ value }) => (Array.isArray(value) ? value.map((id) => (typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id)) : value))
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_READ_IDS)
  @Matches(/^[1-9][0-9]{0,17}$/, { each: true, message: 'ids: each must be a notification id (a positive integer)' })
  ids?: string[];

  @ApiPropertyOptional({ enum: [true], description: 'mark every unread notification read' })
  @MayBeOmitted()
  @Equals(true, { message: 'all: must be true when sent' })
  all?: true;
}

export class MarkReadView {
  @ApiProperty({ description: 'notifications that were unread and are read now' }) updated!: number;
}
