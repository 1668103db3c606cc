// Replays an OHLCV CSV file as live ticks, `speed` times faster than the file's own clock, once.
// At the end it stops: prices then go stale, which is how /health/ready learns that the replay is over.
import { Logger } from '@nestjs/common';
import { ConfigError } from '@tradepulse/config';
import { readFileSync } from 'node:fs';
import { FeedClock, systemClock } from './feed-clock';
import { FeedStatus, MarketFeed, TickSink } from './market-feed';
import { OhlcvRow, parseOhlcvCsv } from './replay-csv';
import { planReplay, ReplayPlanOptions, ReplayStep } from './replay-plan';

/** at very high speeds many steps fall due at once; emit at most this many before yielding to the event loop */
const MAX_STEPS_PER_WAKE = 500;
/**
 * How far tick times may run ahead of the clock when more steps fall due than there are milliseconds (a very high
 * speed): past it, steps share a millisecond. Well inside the tick check's allowance (MAX_TICK_CLOCK_SKEW_MS).
 */
const MAX_LEAD_MS = 1_000;

export interface ReplayFeedOptions extends ReplayPlanOptions {
  clock?: FeedClock;
  /** names the replay in logs and status, e.g. the file path */
  source?: string;
}

export class ReplayFeed implements MarketFeed {
  readonly name = 'replay';
  readonly automatic = true;
  private readonly logger = new Logger('ReplayFeed');
  private readonly clock: FeedClock;
  private readonly steps: ReplayStep[];
  private readonly source: string;
  private timer?: unknown;
  private sink?: TickSink;
  private startedAt = 0;
  private next = 0;
  private lastTs = 0;
  private finishedAt?: number;

  constructor(
    rows: readonly OhlcvRow[],
    private readonly speed: number,
    options: ReplayFeedOptions = {},
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`replay speed must be a finite number > 0, got ${speed}`);
    this.clock = options.clock ?? systemClock;
    this.source = options.source ?? 'replay';
    this.steps = planReplay(rows, options);
  }

  /**
   * Reads and checks the file at start-up (a bad file stops the process with the line at fault) and keeps the
   * rows of the configured symbols; symbols the file lacks are named here and will be reported stale.
   */
  static fromFile(file: string, symbols: readonly string[], speed: number, options: Omit<ReplayFeedOptions, 'source'> = {}): ReplayFeed {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`MARKET_REPLAY_FILE=${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const rows = parseOhlcvCsv(text, file);
    const inFile = new Set(rows.map((row) => row.symbol));
    const wanted = new Set(symbols);
    const kept = rows.filter((row) => wanted.has(row.symbol));
    if (kept.length === 0) throw new ConfigError(`MARKET_REPLAY_FILE=${file} has no rows for MARKET_SYMBOLS (${symbols.join(', ')}); it has ${[...inFile].join(', ')}`);
    const logger = new Logger('ReplayFeed');
    const ignored = [...inFile].filter((s) => !wanted.has(s));
    const absent = symbols.filter((s) => !inFile.has(s));
    if (ignored.length) logger.warn(`${file}: ignoring symbols not in MARKET_SYMBOLS: ${ignored.join(', ')}`);
    if (absent.length) logger.warn(`${file} has no rows for ${absent.join(', ')}: they will have no price and be reported stale`);
    return new ReplayFeed(kept, speed, { ...options, source: file });
  }

  /** Starts from the file's first bar; `lastPrices` do not matter, the file says where prices are. */
  start(sink: TickSink): void {
    this.stop();
    this.sink = sink;
    this.startedAt = this.clock.now();
    this.next = 0;
    this.finishedAt = undefined;
    this.logger.log(`replaying ${this.steps.length} steps of ${this.source} at ${this.speed}× (${Math.round(this.durationMs / 1000)} s)`);
    this.scheduleNext();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  get finished(): boolean {
    return this.finishedAt !== undefined;
  }

  /** wall-clock length of the whole replay */
  get durationMs(): number {
    return this.steps.length ? this.steps[this.steps.length - 1].offsetMs / this.speed : 0;
  }

  status(): FeedStatus {
    return {
      source: this.source,
      speed: this.speed,
      stepsTotal: this.steps.length,
      stepsEmitted: this.next,
      finished: this.finished,
      ...(this.finishedAt !== undefined && { finishedAt: new Date(this.finishedAt).toISOString() }),
    };
  }

  private dueAt(step: ReplayStep): number {
    return this.startedAt + step.offsetMs / this.speed;
  }

  private scheduleNext(): void {
    if (this.next >= this.steps.length) return this.finish();
    const delayMs = Math.max(0, this.dueAt(this.steps[this.next]) - this.clock.now());
    this.timer = this.clock.setTimeout(() => this.emitDue(), delayMs);
  }

  /** Emits every step that is due, each as its own batch, in file order. */
  private emitDue(): void {
    const now = this.clock.now();
    for (let emitted = 0; emitted < MAX_STEPS_PER_WAKE && this.next < this.steps.length; emitted++) {
      const step = this.steps[this.next];
      if (this.dueAt(step) > now) break;
      this.next++;
      // strictly increasing times: two steps emitted in one millisecond stay two moments for candles and alerts,
      // unless that would run more than MAX_LEAD_MS ahead of the clock
      const ts = (this.lastTs = Math.min(Math.max(now, this.lastTs + 1), now + MAX_LEAD_MS));
      this.sink?.(step.prices.map((p) => ({ symbol: p.symbol, price: p.price, ts })));
    }
    this.scheduleNext();
  }

  private finish(): void {
    this.timer = undefined;
    if (this.finishedAt !== undefined) return;
    this.finishedAt = this.clock.now();
    this.logger.warn(`replay of ${this.source} finished after ${this.steps.length} steps; no more prices will come from it`);
  }
}
