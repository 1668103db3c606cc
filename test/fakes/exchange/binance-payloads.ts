// Answers in the shapes of Binance's spot REST API, as much of them as ccxt's binance class reads.

export interface SymbolState {
  /** unified symbol, e.g. BTC/USDT */
  symbol: string;
  base: string;
  quote: string;
  /** exchange id, e.g. BTCUSDT */
  id: string;
  open: number;
  high: number;
  low: number;
  last: number;
  openTime: number;
}

export function symbolState(symbol: string, price: number, now: number): SymbolState {
  const [base, quote] = symbol.split('/');
  if (!base || !quote) throw new Error(`symbol "${symbol}" is not BASE/QUOTE`);
  return { symbol, base, quote, id: `${base}${quote}`, open: price, high: price, low: price, last: price, openTime: now };
}

const decimal = (value: number, digits = 8): string => value.toFixed(digits);

/** GET /api/v3/exchangeInfo */
export function exchangeInfo(states: SymbolState[], now: number): unknown {
  return {
    timezone: 'UTC',
    serverTime: now,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    ],
    exchangeFilters: [],
    symbols: states.map((s) => ({
      symbol: s.id,
      status: 'TRADING',
      baseAsset: s.base,
      baseAssetPrecision: 8,
      quoteAsset: s.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true,
      ocoAllowed: true,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '0.00000100', maxPrice: '1000000.00000000', tickSize: '0.00000100' },
        { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
        { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    })),
  };
}

/** one entry of GET /api/v3/ticker/24hr */
export function ticker24hr(s: SymbolState, now: number): unknown {
  const change = s.last - s.open;
  return {
    symbol: s.id,
    priceChange: decimal(change),
    priceChangePercent: decimal((change / s.open) * 100, 3),
    weightedAvgPrice: decimal((s.high + s.low + s.last) / 3),
    prevClosePrice: decimal(s.open),
    lastPrice: decimal(s.last),
    lastQty: '0.01000000',
    bidPrice: decimal(s.last),
    bidQty: '1.00000000',
    askPrice: decimal(s.last),
    askQty: '1.00000000',
    openPrice: decimal(s.open),
    highPrice: decimal(s.high),
    lowPrice: decimal(s.low),
    volume: '1000.00000000',
    quoteVolume: decimal(1000 * s.last),
    openTime: s.openTime,
    closeTime: now,
    firstId: 1,
    lastId: 1000,
    count: 1000,
  };
}

/** one entry of GET /api/v3/ticker/price */
export function tickerPrice(s: SymbolState): unknown {
  return { symbol: s.id, price: decimal(s.last) };
}

/** Binance's error body: `code` is what ccxt maps to its error classes */
export function binanceError(code: number, msg: string): unknown {
  return { code, msg };
}
