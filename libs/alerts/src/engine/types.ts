// The trigger index's view of an alert: plain data, prices as floats (the database keeps exact decimals).

export type AlertCondition =
  | 'above'
  | 'below'
  | 'crosses_up'
  | 'crosses_down'
  | 'crosses'
  | 'pct_up'
  | 'pct_down';

export type AlertFrequency = 'once' | 'every_time';

export interface IndexedAlert {
  /** uuid, 36 chars */
  id: string;
  symbol: string;
  condition: AlertCondition;
  /** Threshold for above/below/crosses*. */
  price?: number;
  /** Move size for pct_up/pct_down, in percent (> 0). */
  percent?: number;
  /** Look-back window for pct_up/pct_down, in seconds (> 0). */
  windowSec?: number;
  frequency: AlertFrequency;
  /** every_time only: a firing within this many ms of the last one is suppressed. */
  cooldownMs: number;
  lastFiredAtMs?: number;
  /**
   * every_time above/below: start disarmed when the last price is in the alert's region, as after a restart of
   * one that has fired (it fired in a region the price may still be in). Otherwise a new alert is armed.
   */
  placeByLastPrice?: boolean;
  /**
   * every_time price conditions reloaded after a restart whose last firing is newer than the symbol's persisted
   * price (the process stopped before persisting the price it fired at): the price is on the far side of the
   * threshold, so the alert is placed as at the threshold itself (every leg waits to re-arm), not by the older
   * persisted price (which would fire it again for the same crossing).
   */
  firedAfterLastPrice?: boolean;
}

export interface FiredAlert {
  id: string;
  symbol: string;
  /** The tick's price. */
  price: number;
  atMs: number;
}
