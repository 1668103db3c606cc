// Group commit: concurrent submissions are coalesced into one write, with one write in flight at a time; whatever
// arrives while it runs forms the next batch. No timer: a lone submission is written on the next event-loop turn,
// and under load batches grow by themselves to what arrived during the previous write.

/** Writes a batch in one transaction and returns one outcome per item, in order; throws if nothing was stored. */
export type BatchWrite<Item, Outcome> = (items: Item[]) => Promise<Outcome[]>;

interface Waiting<Item, Outcome> {
  item: Item;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

export class GroupCommit<Item, Outcome> {
  private waiting: Waiting<Item, Outcome>[] = [];
  private writing = false;
  private scheduled = false;

  /** `maxBatch()` is read at every write, so a profile change applies to the next batch. */
  constructor(
    private readonly write: BatchWrite<Item, Outcome>,
    private readonly maxBatch: () => number,
  ) {}

  /** Resolves with this item's outcome once its batch committed; rejects with the batch's error if it failed. */
  submit(item: Item): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.writeNextBatch();
    });
  }

  private async writeNextBatch(): Promise<void> {
    const batch = this.waiting.splice(0, Math.max(1, this.maxBatch()));
    if (!batch.length) return;
    this.writing = true;
    try {
      const outcomes = await this.write(batch.map((w) => w.item));
      if (outcomes.length !== batch.length) throw new Error(`batch write returned ${outcomes.length} outcomes for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(outcomes[i]));
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.writing = false;
      if (this.waiting.length) this.schedule();
    }
  }
}
