import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MayBeOmitted } from '@tradepulse/platform';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsPositive, IsString, Max, Min, ValidateNested } from 'class-validator';
import { CANDLE_INTERVALS } from '../candle-book';

export class TickDto {
  @ApiProperty({ example: 'BTC/USDT' })
  @IsString()
  symbol!: string;

  // class-validator runs the bottom rule first: the type is checked before the range
  @ApiProperty({ example: 65000.5 })
  @Max(1e20 - 1, { message: 'price: must be < 1e20' })
  @Min(1e-18, { message: 'price: must be >= 1e-18' })
  @IsPositive({ message: 'price: must be > 0' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'price: must be a finite number' })
  price!: number;

  @ApiPropertyOptional({ description: 'epoch milliseconds, at most 5 s ahead of the server clock; default now' })
  @MayBeOmitted()
  @Min(0, { message: 'ts: must be >= 0' })
  @IsInt({ message: 'ts: must be an integer (epoch milliseconds)' })
  ts?: number;
}

export class InjectTicksDto {
  @ApiProperty({ type: [TickDto] })
  @ValidateNested({ each: true })
  @ArrayMaxSize(10_000, { message: 'ticks: at most 10000 per request' })
  @ArrayMinSize(1, { message: 'ticks: at least one tick' })
  @IsArray({ message: 'ticks: must be an array of { symbol, price, ts? }' })
  @Type(() => TickDto)
  ticks!: TickDto[];
}

export class CandlesQueryDto {
  @ApiProperty({ example: 'BTC/USDT' })
  @IsString()
  symbol!: string;

  @ApiPropertyOptional({ enum: Object.keys(CANDLE_INTERVALS), default: '1m' })
  @MayBeOmitted()
  @IsIn(Object.keys(CANDLE_INTERVALS))
  interval: keyof typeof CANDLE_INTERVALS = '1m';

  @ApiPropertyOptional({ default: 200, maximum: 1000 })
  @MayBeOmitted()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 200;
}

export class PricesQueryDto {
  @ApiPropertyOptional({ example: 'BTC/USDT,ETH/USDT', description: 'comma list; default all' })
  @MayBeOmitted()
  @IsString()
  symbols?: string;
}

export class PriceView {
  @ApiProperty() symbol!: string;
  @ApiProperty({ description: 'latest price (JSON number)' }) price!: number;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'older than the profile market.priceCacheTtlSec' }) stale!: boolean;
}
