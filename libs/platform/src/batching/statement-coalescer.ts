// Coalesces the requests of one event-loop turn into one call (one SQL statement, one transaction): every
// caller adds its rows, and the rows go out together once the turn ends. While `maxInFlight` calls are
// running, new rows keep collecting, so under load the statements grow instead of multiplying (group commit).
// No timer: a lone request goes out on the next turn. (DataLoader batches per tick too, but sends a new batch
// every tick whatever is still running.) Used for alert creates, API-key lookups, notification claims and
// outcomes, and channel targets.

/** Runs one call for the rows of many requests; answers one result per row, in the rows' order. */
export type CoalescedCall<Row, Result> = (rows: Row[]) => Promise<Result[]>;

export interface CoalescerOptions {
  /** calls running at once; rows that arrive meanwhile wait for the next call */
  maxInFlight: number;
  /** most rows one call carries, read at every call (a profile switch applies to the next one); more wait */
  maxRows: number | (() => number);
}

/** When the collected rows go out; setImmediate: after the I/O callbacks of the current turn. */
export type TurnScheduler = (callback: () => void) => void;

interface Request<Row, Result> {
  rows: Row[];
  resolve(results: Result[]): void;
  reject(error: unknown): void;
}

export class StatementCoalescer<Row, Result> {
  private pending: Array<Request<Row, Result>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly call: CoalescedCall<Row, Result>,
    private readonly options: CoalescerOptions,
    private readonly schedule: TurnScheduler = (callback) => setImmediate(callback),
  ) {}

  /** Resolves with one result per row once the call carrying them has answered. */
  submit(rows: Row[]): Promise<Result[]> {
    if (!rows.length) return Promise.resolve([]);
    return new Promise<Result[]>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.wake();
    });
  }

  private wake(): void {
    if (this.scheduled || !this.pending.length || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.options.maxInFlight) return;
    const requests = this.take();
    if (!requests.length) return;
    this.inFlight++;
    this.wake();
    try {
      const rows = requests.flatMap((request) => request.rows);
      const results = await this.call(rows);
      if (results.length !== rows.length) throw new Error(`a coalesced call answered ${results.length} results for ${rows.length} rows`);
      let offset = 0;
      for (const request of requests) {
        request.resolve(results.slice(offset, offset + request.rows.length));
        offset += request.rows.length;
      }
    } catch (error) {
      for (const request of requests) request.reject(error);
    } finally {
      this.inFlight--;
      this.wake();
    }
  }

  /** Whole requests up to maxRows (always at least one, so an oversized request still goes out alone). */
  private take(): Array<Request<Row, Result>> {
    const maxRows = typeof this.options.maxRows === 'function' ? this.options.maxRows() : this.options.maxRows;
    let rows = 0;
    let count = 0;
    while (count < this.pending.length && (count === 0 || rows + this.pending[count].rows.length <= maxRows)) {
      rows += this.pending[count].rows.length;
      count++;
    }
    const taken = this.pending.slice(0, count);
    this.pending = this.pending.slice(count);
    return taken;
  }
}
