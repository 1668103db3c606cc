// The bench's source of notification events: outbox rows inserted straight into the server's database at a
// fixed rate, the way a plugin's transaction commits them (one multi-row INSERT per commit). Each row carries
// its event time twice: in occurred_at (the server's own latency histogram) and in data.sentAt (epoch ms, read
// by the swarm on receipt), so latency = receipt − event on one machine clock.
import { Client } from 'pg';

export interface ProducerRun {
  /** tag in data.phase; the swarm groups receipts by it */
  phase: string;
  ratePerSec: number;
  durationMs: number;
  priority: 'critical' | 'high' | 'normal' | 'low';
  /** ends the run early (the bench saw a backlog that proves the rate is not sustained) */
  signal?: AbortSignal;
}

export interface ProducerFigures {
  inserted: number;
  /** epoch ms of the first and after the last INSERT */
  startedAt: number;
  endedAt: number;
  /** rows actually offered per second (below the target when the INSERTs could not keep up) */
  offeredPerSec: number;
  aborted: boolean;
  inserts: number;
  insertMs: number[];
}

/** How often the producer looks at the schedule: a commit every 10 ms, as a busy alert engine would. */
const TICK_MS = 10;
/** A producer that fell behind catches up in INSERTs of at most this many rows. */
const MAX_ROWS_PER_INSERT = 2_000;

// One statement per commit; the rows' users come as one uuid[] so the statement text never changes.
// The payload is the size of a real alert notification (libs/alerts/src/alert-firing.writer.ts).
const INSERT = `
  insert into outbox (event_key, user_id, category, priority, title, body, data, occurred_at)
  select $1::text || (t.o + $2::bigint), t.u, 'alert', $3::text, 'BTC/USDT rose to or above 60000', 'BTC/USDT is at 60000.5.',
         jsonb_build_object('sentAt', $4::bigint, 'phase', $5::text, 'symbol', 'BTC/USDT', 'condition', 'above',
                            'threshold', '60000', 'percent', null, 'price', '60000.5', 'late', false),
         to_timestamp($4::bigint / 1000.0)
  from unnest($6::uuid[]) with ordinality as t(u, o)`;

export class OutboxProducer {
  /** rows produced so far, over every run: spreads users round-robin and keeps event keys unique */
  private produced = 0;
  private runStartedAt = 0;
  private runInserted = 0;

  private constructor(
    private readonly client: Client,
    private readonly userIds: readonly string[],
    private readonly keyPrefix: string,
  ) {}

  static async connect(databaseUrl: string, userIds: readonly string[]): Promise<OutboxProducer> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return new OutboxProducer(client, userIds, `bench:${Date.now().toString(36)}:`);
  }

  /** Rows committed by the current (or last) run so far, and when it started (epoch ms). */
  get progress(): { startedAt: number; inserted: number } {
    return { startedAt: this.runStartedAt, inserted: this.runInserted };
  }

  /** Offers `ratePerSec` rows for `durationMs`: open loop, rows due since the start are inserted at each tick. */
  async run({ phase, ratePerSec, durationMs, priority, signal }: ProducerRun): Promise<ProducerFigures> {
    const insertMs: number[] = [];
    const startedAt = (this.runStartedAt = Date.now());
    const endAt = startedAt + durationMs;
    this.runInserted = 0;
    for (let now = startedAt; now < endAt && !signal?.aborted; now = Date.now()) {
      const due = Math.min(Math.floor(((now - startedAt) * ratePerSec) / 1000) - this.runInserted, MAX_ROWS_PER_INSERT);
      if (due <= 0) {
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
        continue;
      }
      await this.insert(phase, priority, due, now);
      insertMs.push(Date.now() - now);
      this.runInserted += due;
    }
    const endedAt = Date.now();
    const inserted = this.runInserted;
    const offeredPerSec = Math.round((inserted * 1000) / Math.max(1, endedAt - startedAt));
    return { inserted, startedAt, endedAt, offeredPerSec, aborted: Boolean(signal?.aborted), inserts: insertMs.length, insertMs };
  }

  /**
   * Work the pipeline still holds: outbox rows not relayed, notifications not dispatched, and deliveries claimed
   * but not yet recorded (a client can have its notification while the server still records the outcome).
   */
  async workInProgress(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      `select (select count(*) from outbox)
            + (select count(*) from undispatched_notifications)
            + (select count(*) from deliveries where status = 'claimed') as n`,
    );
    return Number(rows[0].n);
  }

  /**
   * VACUUMs the database when its server runs without autovacuum (this machine's PostgreSQL has it off), as
   * autovacuum would between phases of a production server: each phase leaves 10⁵–10⁶ dead rows in the queue tables
   * (outbox, undispatched_notifications, deliveries), and without it every phase would pay for all earlier ones.
   * Returns whether it vacuumed.
   */
  async standInForAutovacuum(): Promise<boolean> {
    const { rows } = await this.client.query<{ autovacuum: string }>('show autovacuum');
    if (rows[0].autovacuum === 'on') return false;
    await this.client.query('vacuum');
    return true;
  }

  close(): Promise<void> {
    return this.client.end();
  }

  private async insert(phase: string, priority: string, count: number, sentAt: number): Promise<void> {
    const users = Array.from({ length: count }, (_, i) => this.userIds[(this.produced + i) % this.userIds.length]);
    await this.client.query(INSERT, [this.keyPrefix, this.produced, priority, sentAt, phase, users]);
    this.produced += count;
  }
}
