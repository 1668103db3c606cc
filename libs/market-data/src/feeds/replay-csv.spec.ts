import { ConfigError } from '@tradepulse/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOhlcvCsv } from './replay-csv';

const HEADER = 'symbol,timestamp,open,high,low,close,volume';

function parse(...lines: string[]) {
  return parseOhlcvCsv(lines.join('\n'), 'test.csv');
}

function parseError(...lines: string[]): string {
  try {
    parse(...lines);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseOhlcvCsv', () => {
  it('reads every column as a number and the symbol as text', () => {
    expect(parse(HEADER, 'BTC/USDT,60000,100,110,90,105,12.5')).toEqual([{ symbol: 'BTC/USDT', ts: 60000, open: 100, high: 110, low: 90, close: 105, volume: 12.5 }]);
  });

  it('finds columns by header name, ignores blank lines and CRLF, and sorts rows by time, stable', () => {
    const rows = parse('close,volume,symbol,timestamp,open,high,low\r', '', '2,1,ETH/USDT,120000,2,2,2\r', '1,1,BTC/USDT,60000,1,1,1', '3,1,BTC/USDT,120000,3,3,3', '');
    expect(rows.map((r) => `${r.symbol}@${r.ts}=${r.close}`)).toEqual(['BTC/USDT@60000=1', 'ETH/USDT@120000=2', 'BTC/USDT@120000=3']);
  });

  it('names the missing header columns', () => {
    expect(parseError('timestamp,open,high,low,close,volume', '0,1,1,1,1,1')).toContain('the header lacks symbol');
  });

  it.each([
    ['BTCUSDT,0,1,1,1,1,1', 'symbol "BTCUSDT" is not BASE/QUOTE'],
    ['BTC/USDT,1.5,1,1,1,1,1', 'timestamp "1.5" is not epoch milliseconds'],
    ['BTC/USDT,,1,1,1,1,1', 'timestamp "" is not epoch milliseconds'],
    ['BTC/USDT,0,0,1,0,1,1', 'open "0" is not a price > 0'],
    ['BTC/USDT,0,1,1,1,abc,1', 'close "abc" is not a price > 0'],
    ['BTC/USDT,0,1,1,1,1', 'volume "" is not a number ≥ 0'],
    ['BTC/USDT,0,1,1,1,1,-2', 'volume "-2" is not a number ≥ 0'],
    ['BTC/USDT,0,10,11,9,12,1', 'low 9 / high 11 do not bound open 10 and close 12'],
  ])('rejects %s naming the line and the field', (line, message) => {
    expect(parseError(HEADER, 'BTC/USDT,999,1,1,1,1,1', line)).toBe(`test.csv line 3: ${message}`);
  });

  it('rejects a second bar of one symbol at one time', () => {
    expect(parseError(HEADER, 'BTC/USDT,0,1,1,1,1,1', 'BTC/USDT,0,1,1,1,1,1')).toBe('test.csv line 3: a second BTC/USDT bar at timestamp 0');
  });

  it('rejects an empty file and a header without rows', () => {
    expect(parseError('')).toContain('empty file');
    expect(parseError(HEADER)).toContain('no rows after the header');
  });

  it('accepts the shipped sample: a few hundred bars of each default symbol (BTC/USDT, ETH/USDT, SOL/USDT)', () => {
    const file = join(__dirname, '../../../../config/replay/sample.csv');
    const rows = parseOhlcvCsv(readFileSync(file, 'utf8'), file);
    expect(rows.length).toBeGreaterThanOrEqual(200);
    expect(new Set(rows.map((r) => r.symbol))).toEqual(new Set(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']));
  });
});
