import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isISO8601, IsDate, IsIn, IsInt, IsNumber, IsPositive, IsString, Max, MaxDate, MaxLength, Min, MinDate, ValidateIf } from 'class-validator';
import { MayBeOmitted, PageQueryDto } from '@tradepulse/platform';
import type { AlertCondition, AlertFrequency } from '../engine';

export const ALERT_CONDITIONS: AlertCondition[] = ['above', 'below', 'crosses_up', 'crosses_down', 'crosses', 'pct_up', 'pct_down'];
export const PRICE_CONDITIONS: AlertCondition[] = ['above', 'below', 'crosses_up', 'crosses_down', 'crosses'];
const FREQUENCIES: AlertFrequency[] = ['once', 'every_time'];
const STATUSES = ['active', 'triggered', 'expired', 'cancelled'];
const finite = { allowNaN: false, allowInfinity: false };
const MAX_WINDOW_SEC = 7 * 24 * 3600;
/** what the integer column holds: past it the row would fail in the database, and with it its whole create batch */
const MAX_COOLDOWN_SEC = 2_147_483_647;
/** what numeric(38, 18) holds: 20 integer digits, 18 decimals (1e20 - 1 would round to 1e20 as a double) */
export const MIN_PRICE = 1e-18;
export const MAX_PRICE = 99_999_999_999_999_980_000;
/** JavaScript dates reach year 275760; PostgreSQL takes only four-digit years as ISO text */
const LATEST_EXPIRY = new Date('9999-12-31T23:59:59.999Z');
/** expiresAt's transform and rules; class-validator runs the first listed first, so the type is checked before the range. */
function ExpiryRules(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => strictIsoDate(value)),
    IsDate({ message: 'expiresAt: must be an ISO 8601 date-time that exists (e.g. 2030-02-28T12:00:00Z)' }),
    MinDate(() => new Date(), { message: 'expiresAt: must be in the future' }),
    MaxDate(LATEST_EXPIRY, { message: `expiresAt: must be before ${LATEST_EXPIRY.toISOString()}` }),
  );
}

/** note's rules, the type first. NUL characters and unpaired surrogates are refused for every field by StorableTextPipe. */
function NoteRules(): PropertyDecorator {
  return applyDecorators(IsString({ message: 'note: must be a string' }), MaxLength(500, { message: 'note: must be at most 500 characters' }));
}

/** A Date for an ISO 8601 string naming a real moment (2030-02-31 is refused, not rolled over to March); anything else as is, for IsDate to refuse. */
function strictIsoDate(value: unknown): unknown {
  return typeof value === 'string' && isISO8601(value, { strict: true, strictSeparator: true }) ? new Date(value) : value;
}
const priceRange = { message: `price: must be between ${MIN_PRICE} and ${MAX_PRICE}` };

export class CreateAlertDto {
  @ApiProperty({ example: 'BTC/USDT' })
  @IsString()
  symbol!: string;

  @ApiProperty({ enum: ALERT_CONDITIONS })
  @IsIn(ALERT_CONDITIONS, { message: `condition: must be one of ${ALERT_CONDITIONS.join(', ')}` })
  condition!: AlertCondition;

  @ApiPropertyOptional({ example: 70000, description: 'needed by above, below and crosses*; JSON number > 0' })
  @MayBeOmitted()
  @Max(MAX_PRICE, priceRange)
  @Min(MIN_PRICE, priceRange)
  @IsPositive({ message: 'price: must be > 0' })
  @IsNumber(finite, { message: 'price: must be a finite number' })
  price?: number;

  @ApiPropertyOptional({ example: 5, description: 'needed by pct_up/pct_down; 0 < percent <= 1000' })
  @MayBeOmitted()
  @Max(1000, { message: 'percent: must be <= 1000' })
  @Min(0.0001, { message: 'percent: must be >= 0.0001' })
  @IsPositive({ message: 'percent: must be > 0' })
  @IsNumber(finite, { message: 'percent: must be a finite number' })
  percent?: number;

  @ApiPropertyOptional({ example: 3600, description: 'needed by pct_up/pct_down' })
  @MayBeOmitted()
  @Max(MAX_WINDOW_SEC, { message: `windowSec: must be <= ${MAX_WINDOW_SEC}` })
  @Min(1, { message: 'windowSec: must be >= 1' })
  @IsInt({ message: 'windowSec: must be an integer' })
  windowSec?: number;

  @ApiPropertyOptional({ enum: FREQUENCIES, default: 'once' })
  @MayBeOmitted()
  @IsIn(FREQUENCIES, { message: 'frequency: must be once or every_time' })
  frequency?: AlertFrequency;

  @ApiPropertyOptional({ description: 'every_time: seconds between firings; default from the profile' })
  @MayBeOmitted()
  @Max(MAX_COOLDOWN_SEC, { message: `cooldownSec: must be <= ${MAX_COOLDOWN_SEC}` })
  @Min(0, { message: 'cooldownSec: must be >= 0' })
  @IsInt({ message: 'cooldownSec: must be an integer' })
  cooldownSec?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @MayBeOmitted()
  @ExpiryRules()
  expiresAt?: Date;

  @ApiPropertyOptional({ maxLength: 500 })
  @MayBeOmitted()
  @NoteRules()
  note?: string;
}

/**
 * PATCH: the same rules as on create, for the fields that can change. Not PartialType: it adds @IsOptional to
 * every field, which let `price: null` through to the database. null means something only for the two fields that
 * can be removed: `expiresAt` (the alert no longer expires) and `note`.
 */
export class UpdateAlertDto extends PickType(CreateAlertDto, ['price', 'frequency'] as const) {
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null: the alert no longer expires' })
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @ExpiryRules()
  expiresAt?: Date | null;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, description: 'null removes the note' })
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @NoteRules()
  note?: string | null;
}

export class ListAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @MayBeOmitted()
  @IsIn(STATUSES, { message: `status: must be one of ${STATUSES.join(', ')}` })
  status?: 'active' | 'triggered' | 'expired' | 'cancelled';

  @ApiPropertyOptional({ example: 'BTC/USDT' })
  @MayBeOmitted()
  @IsString()
  symbol?: string;
}

export class AlertView {
  @ApiProperty() id!: string;
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ALERT_CONDITIONS }) condition!: string;
  @ApiProperty({ nullable: true, type: String, description: 'exact decimal string' }) price!: string | null;
  @ApiProperty({ nullable: true, type: String }) percent!: string | null;
  @ApiProperty({ nullable: true, type: Number }) windowSec!: number | null;
  @ApiProperty({ enum: FREQUENCIES }) frequency!: string;
  @ApiProperty() cooldownSec!: number;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: Date }) expiresAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastTriggeredAt!: Date | null;
  @ApiProperty() triggerCount!: number;
  @ApiProperty() createdAt!: Date;
}

export class AlertTriggerView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'tick price, exact decimal string' }) price!: string;
  @ApiProperty() triggeredAt!: Date;
  @ApiProperty({ description: 'fired by the first tick after a restart: the crossing happened while the server was down' }) late!: boolean;
}
