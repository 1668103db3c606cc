// Per-user send rate of the websocket channel: a token bucket per user (Bottleneck reservoir) holding
// `sendBurst` tokens, refilled by `sendRatePerSec` each second. A batch waits for its token; none is dropped.
import Bottleneck from 'bottleneck';

export interface SendRate {
  sendRatePerSec: number;
  sendBurst: number;
}

/** Refilled once a second: one timer per active user, not ten. */
const REFILL_INTERVAL_MS = 1000;
/** A user's bucket is forgotten after this long without sends (Bottleneck.Group's timeout). */
const IDLE_BUCKET_MS = 5 * 60_000;

export class UserSendLimiter {
  private readonly group: Bottleneck.Group;

  constructor(rate: SendRate) {
    this.group = new Bottleneck.Group({ ...settings(rate), timeout: IDLE_BUCKET_MS });
  }

  /** Runs `send` when the user has a token. */
  schedule<T>(userId: string, send: () => T): Promise<T> {
    return this.group.key(userId).schedule(() => Promise.resolve(send()));
  }

  /** A profile switch: applies to every bucket, open or future. */
  setRate(rate: SendRate): void {
    this.group.updateSettings({ ...settings(rate), timeout: IDLE_BUCKET_MS });
    const { reservoirIncreaseAmount, reservoirIncreaseMaximum } = settings(rate);
    for (const { limiter } of this.group.limiters()) void limiter.updateSettings({ reservoirIncreaseAmount, reservoirIncreaseMaximum });
  }

  async stop(): Promise<void> {
    await Promise.all(this.group.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: true })));
  }
}

function settings({ sendRatePerSec, sendBurst }: SendRate): Bottleneck.ConstructorOptions {
  return {
    reservoir: sendBurst,
    reservoirIncreaseAmount: sendRatePerSec,
    reservoirIncreaseInterval: REFILL_INTERVAL_MS,
    reservoirIncreaseMaximum: sendBurst,
  };
}
