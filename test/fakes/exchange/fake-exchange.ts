// A local stand-in for Binance's spot REST API: the endpoints ccxt calls to load markets and fetch tickers,
// with prices the test sets, failures on demand (500 or 429) and a log of every request with its time.
// The real ccxt client is pointed at it with MARKET_EXCHANGE_URL; tests drive it through this class or,
// from another process, through the /__control/ routes on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { binanceError, exchangeInfo, SymbolState, symbolState, ticker24hr, tickerPrice } from './binance-payloads';

export interface FakeExchangeOptions {
  /** unified symbols (BTC/USDT) the exchange lists */
  symbols: string[];
  /** starting prices; 100 for a symbol not named */
  prices?: Record<string, number>;
}

export interface RecordedRequest {
  seq: number;
  /** epoch ms when the request arrived */
  at: number;
  method: string;
  /** e.g. /api/v3/ticker/24hr */
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FailureMode {
  status: 500 | 429;
  /** answer this many API requests with the failure, then recover; unset: until recover() */
  count?: number;
}

const CONTROL_PREFIX = '/__control/';

export class FakeExchange {
  private readonly server: Server;
  private readonly states = new Map<string, SymbolState>();
  private readonly log: RecordedRequest[] = [];
  private failure?: FailureMode;
  private seq = 0;

  constructor(options: FakeExchangeOptions) {
    for (const symbol of options.symbols) this.states.set(symbol, symbolState(symbol, options.prices?.[symbol] ?? 100, Date.now()));
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => send(res, 500, { error: error.message }));
    });
    // longer than Node's client keep-alive, so the client closes idle sockets first (no ECONNRESET races)
    this.server.keepAliveTimeout = 65_000;
  }

  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return this.port;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** the value for MARKET_EXCHANGE_URL */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setPrice(symbol: string, price: number): void {
    const state = this.states.get(symbol);
    if (!state) throw new Error(`the fake exchange does not list ${symbol}`);
    if (!(price > 0) || !Number.isFinite(price)) throw new Error(`price must be a finite number > 0, got ${price}`);
    state.last = price;
    state.high = Math.max(state.high, price);
    state.low = Math.min(state.low, price);
  }

  price(symbol: string): number | undefined {
    return this.states.get(symbol)?.last;
  }

  /** API requests (not control ones) answer with `status` from now on */
  fail(mode: FailureMode): void {
    this.failure = { ...mode };
  }

  recover(): void {
    this.failure = undefined;
  }

  /** recorded API requests, optionally only those whose path ends with `pathSuffix` */
  requests(pathSuffix?: string): RecordedRequest[] {
    return this.log.filter((r) => !pathSuffix || r.path.endsWith(pathSuffix)).map((r) => ({ ...r, query: { ...r.query } }));
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      // a bad control request is the test's mistake: 400 with the reason
      return this.control(req, res, url.pathname.slice(CONTROL_PREFIX.length)).catch((error: Error) => send(res, 400, { error: error.message }));
    }
    const record: RecordedRequest = { seq: ++this.seq, at: Date.now(), method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    this.log.push(record);
    const [status, body, headers] = this.answer(record, url);
    record.status = status;
    send(res, status, body, headers);
  }

  private answer(record: RecordedRequest, url: URL): [number, unknown, Record<string, string>?] {
    if (this.failure) {
      const { status } = this.failure;
      if (this.failure.count !== undefined && --this.failure.count <= 0) this.failure = undefined;
      return status === 429
        ? [429, binanceError(-1003, 'Too many requests; current limit of IP is 6000 requests per minute.'), { 'retry-after': '1' }]
        : [500, binanceError(-1000, 'An unknown error occured while processing the request.')];
    }
    const now = Date.now();
    switch (`${record.method} ${url.pathname}`) {
      case 'GET /api/v3/ping':
        return [200, {}];
      case 'GET /api/v3/time':
        return [200, { serverTime: now }];
      case 'GET /api/v3/exchangeInfo':
        return [200, exchangeInfo([...this.states.values()], now)];
      case 'GET /api/v3/ticker/24hr':
      case 'GET /api/v3/ticker/price': {
        const selected = this.select(url.searchParams);
        if (!selected) return [400, binanceError(-1121, 'Invalid symbol.')];
        const entries = selected.map((s) => (url.pathname.endsWith('24hr') ? ticker24hr(s, now) : tickerPrice(s)));
        // with `symbol` Binance answers one object, with `symbols` or nothing a list
        return [200, url.searchParams.has('symbol') ? entries[0] : entries];
      }
      default:
        return [404, binanceError(-1, `the fake exchange does not serve ${record.method} ${url.pathname}`)];
    }
  }

  /** `symbols=["BTCUSDT","ETHUSDT"]`, `symbol=BTCUSDT`, or all; undefined when one is unknown */
  private select(params: URLSearchParams): SymbolState[] | undefined {
    const all = [...this.states.values()];
    const single = params.get('symbol');
    const list = params.get('symbols');
    const ids: string[] = single ? [single] : list ? (JSON.parse(list) as string[]) : all.map((s) => s.id);
    const selected = ids.map((id) => all.find((s) => s.id === id));
    return selected.every(Boolean) ? (selected as SymbolState[]) : undefined;
  }

  /** POST price {symbol, price} · POST fail {status, count?} · POST recover · GET requests?path= · POST reset-requests */
  private async control(req: IncomingMessage, res: ServerResponse, route: string): Promise<void> {
    const body = req.method === 'POST' ? await readJson(req) : {};
    switch (`${req.method} ${route}`) {
      case 'POST price':
        this.setPrice(String(body.symbol), Number(body.price));
        return send(res, 200, { symbol: body.symbol, price: this.price(String(body.symbol)) });
      case 'POST fail':
        if (body.status !== 500 && body.status !== 429) return send(res, 400, { error: 'status must be 500 or 429' });
        this.fail({ status: body.status, count: body.count === undefined ? undefined : Number(body.count) });
        return send(res, 200, { ok: true });
      case 'POST recover':
        this.recover();
        return send(res, 200, { ok: true });
      case 'GET requests':
        return send(res, 200, { requests: this.requests(new URL(req.url ?? '/', 'http://fake').searchParams.get('path') ?? undefined) });
      case 'POST reset-requests':
        this.clearRequests();
        return send(res, 200, { ok: true });
      default:
        return send(res, 404, { error: `unknown control route ${req.method} ${route}` });
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, any>) : {};
}
