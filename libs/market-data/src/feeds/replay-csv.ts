// Reads the OHLCV CSV of the replay feed: `symbol,timestamp,open,high,low,close,volume`, one bar per line.
import { ConfigError } from '@tradepulse/config';

export interface OhlcvRow {
  symbol: string;
  /** epoch milliseconds of the bar's open */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const REPLAY_COLUMNS = ['symbol', 'timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
const PRICE_COLUMNS = ['open', 'high', 'low', 'close'] as const;

/**
 * Parses the whole file, or throws a ConfigError naming the first bad line: a replay of half a file
 * would look like a market that stopped. Columns are found by header name, so their order is free.
 * Rows come back sorted by time (stable), so per-symbol files can simply be concatenated.
 */
export function parseOhlcvCsv(text: string, source: string): OhlcvRow[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) throw new ConfigError(`${source}: empty file; expected the header ${REPLAY_COLUMNS.join(',')}`);
  const column = columnIndexes(lines[headerIndex], source);
  const rows: OhlcvRow[] = [];
  const seen = new Set<string>();
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const row = parseRow(lines[i].split(',').map((cell) => cell.trim()), column, `${source} line ${i + 1}`);
    const key = `${row.symbol}|${row.ts}`;
    if (seen.has(key)) throw new ConfigError(`${source} line ${i + 1}: a second ${row.symbol} bar at timestamp ${row.ts}`);
    seen.add(key);
    rows.push(row);
  }
  if (rows.length === 0) throw new ConfigError(`${source}: no rows after the header`);
  return rows.sort((a, b) => a.ts - b.ts);
}

function columnIndexes(header: string, source: string): Record<(typeof REPLAY_COLUMNS)[number], number> {
  const names = header.split(',').map((name) => name.trim().toLowerCase());
  const missing = REPLAY_COLUMNS.filter((name) => !names.includes(name));
  if (missing.length) {
    throw new ConfigError(`${source}: the header lacks ${missing.join(', ')}; expected ${REPLAY_COLUMNS.join(',')} (got "${header.trim()}")`);
  }
  return Object.fromEntries(REPLAY_COLUMNS.map((name) => [name, names.indexOf(name)])) as Record<(typeof REPLAY_COLUMNS)[number], number>;
}

function parseRow(cells: string[], column: Record<(typeof REPLAY_COLUMNS)[number], number>, where: string): OhlcvRow {
  const symbol = cells[column.symbol] ?? '';
  if (!/^[A-Z0-9]+\/[A-Z0-9]+$/.test(symbol)) throw new ConfigError(`${where}: symbol "${symbol}" is not BASE/QUOTE`);
  const ts = Number(cells[column.timestamp] || Number.NaN);
  if (!Number.isSafeInteger(ts) || ts < 0) throw new ConfigError(`${where}: timestamp "${cells[column.timestamp] ?? ''}" is not epoch milliseconds`);
  const row: OhlcvRow = { symbol, ts, open: 0, high: 0, low: 0, close: 0, volume: Number(cells[column.volume]) };
  for (const name of PRICE_COLUMNS) {
    const raw = cells[column[name]] ?? '';
    row[name] = Number(raw);
    if (raw === '' || !Number.isFinite(row[name]) || row[name] <= 0) throw new ConfigError(`${where}: ${name} "${raw}" is not a price > 0`);
  }
  if (!Number.isFinite(row.volume) || row.volume < 0 || cells[column.volume] === '') {
    throw new ConfigError(`${where}: volume "${cells[column.volume] ?? ''}" is not a number ≥ 0`);
  }
  if (row.low > Math.min(row.open, row.close) || row.high < Math.max(row.open, row.close)) {
    throw new ConfigError(`${where}: low ${row.low} / high ${row.high} do not bound open ${row.open} and close ${row.close}`);
  }
  return row;
}
