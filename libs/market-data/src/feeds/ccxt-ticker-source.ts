// Latest prices from a real exchange through ccxt: one fetchTickers request for every symbol.
// ccxt is required lazily, only when MARKET_FEED=ccxt: its CommonJS build loads the ESM-only @noble/curves,
// which Jest cannot load on Node 20, and no other feed needs its 60 MB.
import { Logger } from '@nestjs/common';
import { ConfigError } from '@tradepulse/config';
import type { Exchange } from 'ccxt';
import type { TickerSource } from './ccxt-feed';

type CcxtModule = typeof import('ccxt');

export class CcxtTickerSource implements TickerSource {
  private readonly logger = new Logger('CcxtFeed');
  /** the configured symbols the exchange lists, known once its markets are loaded */
  private listed?: string[];

  constructor(private readonly exchange: Exchange) {}

  /** `apiUrl` replaces the scheme and host of every API base URL of the exchange (a local fake, a proxy). */
  static create(exchangeId: string, apiUrl?: string): CcxtTickerSource {
    const ccxt = require('ccxt') as CcxtModule;
    // `exchanges` is typed as a dictionary of classes but is the list of ids at run time
    const known = ccxt.exchanges as unknown as readonly string[];
    const ExchangeClass = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[exchangeId];
    if (!known.includes(exchangeId) || typeof ExchangeClass !== 'function') {
      throw new ConfigError(`MARKET_EXCHANGE=${exchangeId} is not an exchange ccxt ${ccxt.version} knows (e.g. binance, kraken, coinbase)`);
    }
    // enableRateLimit: ccxt spaces our requests by the exchange's own rateLimit
    const exchange = new ExchangeClass({ enableRateLimit: true });
    if (!exchange.has['fetchTickers']) throw new ConfigError(`MARKET_EXCHANGE=${exchangeId}: ccxt cannot fetch its tickers in one request (no fetchTickers)`);
    restrictToSpot(exchange);
    if (apiUrl) exchange.urls.api = pointApiAt(exchange.urls.api, apiUrl);
    return new CcxtTickerSource(exchange);
  }

  get id(): string {
    return this.exchange.id;
  }

  get rateLimitMs(): number {
    return this.exchange.rateLimit ?? 0;
  }

  async fetchPrices(symbols: readonly string[]): Promise<Map<string, number>> {
    const listed = await this.listedSymbols(symbols);
    const tickers = await this.exchange.fetchTickers(listed);
    const prices = new Map<string, number>();
    for (const symbol of listed) {
      const price = tickers[symbol]?.last ?? tickers[symbol]?.close;
      if (typeof price === 'number' && Number.isFinite(price) && price > 0) prices.set(symbol, price);
    }
    return prices;
  }

  /** Loads the markets once; a symbol the exchange does not list is named once and left out (it goes stale). */
  private async listedSymbols(symbols: readonly string[]): Promise<string[]> {
    if (this.listed) return this.listed;
    const markets = await this.exchange.loadMarkets();
    const listed = symbols.filter((symbol) => markets[symbol]);
    const missing = symbols.filter((symbol) => !markets[symbol]);
    if (listed.length === 0) throw new Error(`${this.exchange.id} lists none of ${symbols.join(', ')}`);
    if (missing.length) this.logger.warn(`${this.exchange.id} does not list ${missing.join(', ')}: they will have no price and be reported stale`);
    this.listed = listed;
    return listed;
  }
}

/**
 * Our symbols are spot pairs (BASE/QUOTE): load spot markets only, where the exchange lets us choose
 * (binance would otherwise also load its futures markets, two more requests and two more ways to fail).
 */
function restrictToSpot(exchange: Exchange): void {
  const option = exchange.options['fetchMarkets'];
  if (Array.isArray(option) && option.includes('spot')) exchange.options['fetchMarkets'] = ['spot'];
  else if (option && Array.isArray(option.types) && option.types.includes('spot')) exchange.options['fetchMarkets'] = { ...option, types: ['spot'] };
  exchange.options['defaultType'] = 'spot';
}

/**
 * `urls.api` is a tree of base URLs per API section (binance: public, private, sapi, fapiPublic...). Every
 * http(s) URL in it keeps its path and gets `apiUrl`'s scheme and host, so whichever section a call uses,
 * it reaches `apiUrl` with the path the real exchange would see (`/api/v3/ticker/24hr`).
 */
export function pointApiAt<T>(api: T, apiUrl: string): T {
  const base = apiUrl.replace(/\/+$/, '');
  if (typeof api === 'string') return (/^https?:\/\//i.test(api) ? api.replace(/^https?:\/\/[^/]+/i, base) : api) as T;
  if (Array.isArray(api)) return api.map((entry) => pointApiAt(entry, base)) as T;
  if (api && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([key, value]) => [key, pointApiAt(value, base)])) as T;
  return api;
}
