import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsNumber, IsPositive, IsString, Max, Min, ValidateNested } from 'class-validator';
import { CANDLE_INTERVALS } from '../candle-book';
import { MayBeOmitted } from '@tradepulse/platform';

export class TickDto {
  @ApiProperty({ example: 'BTC/USDT' })
  @IsString()
  symbol!: string;

  @ApiProperty({ example: 65000.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'price: must be a finite number' })
  @IsPositive({ message: 'price: must be > 0' })
  @Min(1e-18, { message: 'price: must be >= 1e-18' })
  @Max(1e20 - 1, { message: 'price: must be < 1e20' })
  price!: number;

  @ApiPropertyOptional({ description: 'epoch milliseconds, at most 5 s ahead of the server clock; default now' })
  @MayBeOmitted()
  @IsInt()
  @Min(0)
  ts?: number;
}

export class InjectTicksDto {
  @ApiProperty({ type: [TickDto] })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
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
