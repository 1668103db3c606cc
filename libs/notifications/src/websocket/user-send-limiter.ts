// Per-user send rate of the websocket channel: a token bucket per user (limiter's TokenBucket) holding
// `sendBurst` tokens, refilled at `sendRatePerSec`. A batch waits for its token, in order; none is dropped.
// The bucket refills lazily (computed from the time since its last use), so a send that finds a token runs at
// once with no timer, no queue and no promise of its own: this runs once per websocket message. Only a user who
// emptied the bucket waits, on one timer for that user's whole backlog (Bottleneck, used before, set a timer
// and an async job chain per send, ~15% of the server's CPU at 1,500 messages/s).
import { TokenBucket } from 'limiter';

export interface SendRate {
  sendRatePerSec: number;
  sendBurst: number;
}

/**
 * A user's bucket is forgotten after this long without sends: by then it is full again (the slowest profile
 * refills its burst in 20 s), so a new bucket is the same bucket.
 */
const IDLE_BUCKET_MS = 5 * 60_000;

interface UserBucket {
  bucket: TokenBucket;
  /** sends waiting for a token: while any wait, a new send queues behind them, so the user's order holds */
  waiting: number;
  lastSendAt: number;
}

export class SendLimiterStopped extends Error {
  constructor() {
    super('the websocket send limiter stopped (the process is shutting down)');
    this.name = 'SendLimiterStopped';
  }
}

export class UserSendLimiter {
  private readonly users = new Map<string, UserBucket>();
  /** how to turn away each send still waiting for a token, when the limiter stops */
  private readonly waiters = new Set<(error: Error) => void>();
  private readonly sweep: NodeJS.Timeout;
  private stopped = false;

  constructor(private rate: SendRate) {
    this.sweep = setInterval(() => this.forgetIdle(), IDLE_BUCKET_MS);
    this.sweep.unref();
  }

  /** Runs `send` when the user has a token: at once while the bucket holds one. */
  schedule<T>(userId: string, send: () => T): Promise<T> {
    if (this.stopped) return Promise.reject(new SendLimiterStopped());
    const user = this.users.get(userId) ?? this.open(userId);
    user.lastSendAt = Date.now();
    if (user.waiting === 0 && user.bucket.tryRemoveTokens(1)) {
      try {
        return Promise.resolve(send());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.wait(user, send);
  }

  /** A profile switch: applies to every bucket, open or future. */
  setRate(rate: SendRate): void {
    this.rate = rate;
    for (const { bucket } of this.users.values()) {
      bucket.bucketSize = rate.sendBurst;
      bucket.tokensPerInterval = rate.sendRatePerSec;
      bucket.content = Math.min(bucket.content, rate.sendBurst);
    }
  }

  /** Sends still waiting for a token, and every later one, are rejected (SendLimiterStopped), as on shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    for (const turnAway of [...this.waiters]) turnAway(new SendLimiterStopped());
  }

  private wait<T>(user: UserBucket, send: () => T): Promise<T> {
    user.waiting++;
    return new Promise<T>((resolve, reject) => {
      const turnAway = (error: Error) => {
        this.waiters.delete(turnAway);
        user.waiting--;
        reject(error);
      };
      this.waiters.add(turnAway);
      user.bucket.removeTokens(1).then(
        () => {
          if (!this.waiters.delete(turnAway)) return;
          user.waiting--;
          try {
            resolve(send());
          } catch (error) {
            reject(error);
          }
        },
        (error: Error) => this.waiters.has(turnAway) && turnAway(error),
      );
    });
  }

  private open(userId: string): UserBucket {
    const bucket = new TokenBucket({ bucketSize: this.rate.sendBurst, tokensPerInterval: this.rate.sendRatePerSec, interval: 'second' });
    bucket.content = this.rate.sendBurst;
    const user: UserBucket = { bucket, waiting: 0, lastSendAt: 0 };
    this.users.set(userId, user);
    return user;
  }

  private forgetIdle(): void {
    const before = Date.now() - IDLE_BUCKET_MS;
    for (const [userId, user] of this.users) if (user.waiting === 0 && user.lastSendAt < before) this.users.delete(userId);
  }
}
