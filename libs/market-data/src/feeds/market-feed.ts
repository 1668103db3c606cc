import { Tick } from '../tick';

export const MARKET_FEED = Symbol('MarketFeed');

export type TickSink = (ticks: Tick[]) => void;

/** What a feed knows about itself beyond its prices: a replay that has ended, polls that keep failing. */
export type FeedStatus = Record<string, unknown>;

/** A source of prices. `manual` has none of its own: only admin-injected ticks. */
export interface MarketFeed {
  readonly name: string;
  /** true for feeds that produce ticks by themselves, so silence means trouble */
  readonly automatic: boolean;
  /** `lastPrices`: where each symbol was when the process stopped, so a simulation continues from there */
  start(sink: TickSink, lastPrices: Map<string, number>): void;
  stop(): void;
  /** a profile switch changed market.tickIntervalMs */
  setIntervalMs?(intervalMs: number): void;
  /** details for health checks and operators; prices going stale stays the signal that the feed is down */
  status?(): FeedStatus;
}

export class ManualFeed implements MarketFeed {
  readonly name = 'manual';
  readonly automatic = false;
  start(): void {}
  stop(): void {}
}
