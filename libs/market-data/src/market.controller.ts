import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProfileService } from '@tradepulse/config';
import { invalid, Roles } from '@tradepulse/platform';
import { Candle } from './candle-book';
import { CandlesQueryDto, InjectTicksDto, PricesQueryDto, PriceView } from './dto/market.dto';
import { MarketDataService } from './market-data.service';
import { PriceEntry } from './price-book';

@ApiTags('market')
@ApiBearerAuth()
@Controller()
export class MarketController {
  /** prices older than this are flagged `stale` (profile market.priceCacheTtlSec, live) */
  private priceTtlMs: number;

  constructor(
    private readonly market: MarketDataService,
    profiles: ProfileService,
  ) {
    this.priceTtlMs = profiles.section('market').priceCacheTtlSec * 1000;
    profiles.onChange('market', (next) => (this.priceTtlMs = next.priceCacheTtlSec * 1000));
  }

  @Get('market/symbols')
  symbols(): { items: Array<PriceView | { symbol: string; price: null; updatedAt: null }> } {
    return {
      items: this.market.prices.symbols.map((s) => {
        const entry = this.market.prices.get(s);
        return entry ? this.view(entry) : { symbol: s, price: null, updatedAt: null };
      }),
    };
  }

  @Get('market/prices')
  prices(@Query() query: PricesQueryDto): { items: PriceView[] } {
    const wanted = query.symbols ? query.symbols.split(',').map((s) => s.trim()).filter(Boolean) : [...this.market.prices.symbols];
    for (const symbol of wanted) if (!this.market.prices.has(symbol)) throw invalid(`symbols: unknown symbol "${symbol}"`);
    return { items: wanted.map((s) => this.market.prices.get(s)).filter((e): e is PriceEntry => Boolean(e)).map((e) => this.view(e)) };
  }

  @Get('market/candles')
  candles(@Query() query: CandlesQueryDto): { symbol: string; interval: string; items: Candle[] } {
    if (!this.market.prices.has(query.symbol)) throw invalid(`symbol: unknown symbol "${query.symbol}"`);
    return { symbol: query.symbol, interval: query.interval, items: this.market.candles.get(query.symbol, query.interval, query.limit) };
  }

  @Post('admin/market/ticks')
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'the ticks entered the pipeline (alerts, orders, signals react to them); `outOfOrder` counts ticks left out for being older than their symbol\'s latest price' })
  inject(@Body() body: InjectTicksDto): { accepted: number; outOfOrder: number } {
    const now = Date.now();
    const ticks = this.market.ingest(body.ticks.map((t) => ({ symbol: t.symbol, price: t.price, ts: t.ts ?? now })), 'admin');
    // a tick older than its symbol's latest price is left out, so that prices, candles and alerts see one path
    return { accepted: ticks.length, outOfOrder: body.ticks.length - ticks.length };
  }

  private view(entry: PriceEntry): PriceView {
    return { symbol: entry.symbol, price: entry.price, updatedAt: new Date(entry.updatedAt).toISOString(), stale: Date.now() - entry.updatedAt > this.priceTtlMs };
  }
}
