// The behaviour every JobQueue adapter promises, as a Jest suite that each adapter's spec runs.
import { JobQueue } from './job-queue';

export function describeJobQueueContract(name: string, create: (queueName: string) => JobQueue<{ n: number }>): void {
  describe(`${name} JobQueue`, () => {
    const queues: JobQueue<{ n: number }>[] = [];
    const make = (suffix: string) => {
      const queue = create(`contract-${suffix}-${Math.random().toString(36).slice(2, 8)}`);
      queues.push(queue);
      return queue;
    };
    afterAll(async () => {
      await Promise.all(queues.map((q) => q.close()));
    });

    it('runs waiting jobs by priority: high before normal before low', async () => {
      const queue = make('priority');
      const order: number[] = [];
      await queue.add({ n: 3 }, { priority: 'low' });
      await queue.add({ n: 2 }, { priority: 'normal' });
      await queue.add({ n: 1 }, { priority: 'high' });
      const done = new Promise<void>((resolve) =>
        queue.process(async ({ n }) => {
          order.push(n);
          if (order.length === 3) resolve();
        }),
      );
      await done;
      expect(order).toEqual([1, 2, 3]);
    });

    it('retries a failing job with backoff until it succeeds', async () => {
      const queue = make('retry');
      const attempts: number[] = [];
      const done = new Promise<void>((resolve) =>
        queue.process(async (_data, job) => {
          attempts.push(Date.now());
          if (job.attempt < 3) throw new Error(`flaky ${job.attempt}`);
          resolve();
        }),
      );
      await queue.add({ n: 1 }, { attempts: 3, backoffMs: 100 });
      await done;
      expect(attempts).toHaveLength(3);
      expect(attempts[2] - attempts[0]).toBeGreaterThanOrEqual(100);
    });

    it('runs at most `concurrency` jobs at once, and all of them', async () => {
      const queue = make('concurrency');
      for (let n = 0; n < 8; n++) await queue.add({ n });
      let running = 0;
      let most = 0;
      let finished = 0;
      await new Promise<void>((resolve) =>
        queue.process(
          async () => {
            most = Math.max(most, ++running);
            await new Promise((wait) => setTimeout(wait, 50));
            running--;
            if (++finished === 8) resolve();
          },
          { concurrency: 3 },
        ),
      );
      expect(most).toBe(3);
    });

    it('runs other jobs while a failed one waits for its retry (a backoff holds no concurrency slot)', async () => {
      const queue = make('backoff-slot');
      const order: string[] = [];
      const done = new Promise<void>((resolve) =>
        queue.process(
          async ({ n }, job) => {
            order.push(`${n}.${job.attempt}`);
            if (n === 1 && job.attempt === 1) throw new Error('first try fails');
            if (order.length === 3) resolve();
          },
          { concurrency: 1 },
        ),
      );
      await queue.add({ n: 1 }, { attempts: 2, backoffMs: 1_000 });
      await waitFor(() => order.length === 1);
      await queue.add({ n: 2 });
      await done;
      expect(order).toEqual(['1.1', '2.1', '1.2']);
    });

    it('runs other jobs while one is deferred (a deferral holds no concurrency slot), then the deferred one as the same attempt', async () => {
      const queue = make('defer-slot');
      const runs: string[] = [];
      const done = new Promise<void>((resolve) =>
        queue.process(
          async ({ n }, job) => {
            runs.push(`${n}.${job.attempt}`);
            // job 1 waits for job 2: with one slot, only a deferral that gives the slot back lets job 2 run
            if (n === 1 && !runs.includes('2.1')) return job.defer(20);
            if (n === 1) resolve();
          },
          { concurrency: 1 },
        ),
      );
      await queue.add({ n: 1 }, { attempts: 1 });
      await waitFor(() => runs.length === 1);
      await queue.add({ n: 2 });
      await done;
      expect(runs.filter((run) => run !== '1.1')).toEqual(['2.1']);
      expect(runs.at(-1)).toBe('1.1');
    });

    it('counts no attempt for a deferral: a job deferred twice, then failing once, still gets its retry', async () => {
      const queue = make('defer-attempts');
      const attempts: number[] = [];
      const done = new Promise<void>((resolve) =>
        queue.process(async (_data, job) => {
          attempts.push(job.attempt);
          if (attempts.length <= 2) return job.defer(20);
          if (attempts.length === 3) throw new Error('fails once');
          resolve();
        }),
      );
      await queue.add({ n: 1 }, { attempts: 2, backoffMs: 20 });
      await done;
      expect(attempts).toEqual([1, 1, 1, 2]);
    });

    it('closes without waiting for a deferred job, and runs it no more', async () => {
      const queue = make('defer-close');
      const attempts: number[] = [];
      queue.process(async (_data, job) => {
        attempts.push(job.attempt);
        return job.defer(60_000);
      });
      await queue.add({ n: 1 });
      await waitFor(() => attempts.length === 1);
      const started = Date.now();
      await queue.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(attempts).toEqual([1]);
    });

    it('closes without waiting for a retry backoff, and runs nothing after', async () => {
      const queue = make('close');
      const attempts: number[] = [];
      queue.process(async (_data, job) => {
        attempts.push(job.attempt);
        throw new Error('always fails');
      });
      await queue.add({ n: 1 }, { attempts: 3, backoffMs: 60_000 });
      await waitFor(() => attempts.length === 1);
      const started = Date.now();
      await queue.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(attempts).toEqual([1]);
    });

    it('stops processing: waits for the running attempt, starts no other, and still takes adds', async () => {
      const queue = make('stop');
      const started: number[] = [];
      let finishRunning!: () => void;
      queue.process(async ({ n }) => {
        started.push(n);
        if (n === 1) await new Promise<void>((resolve) => (finishRunning = resolve));
      });
      await queue.add({ n: 1 });
      await waitFor(() => started.length === 1);
      await queue.add({ n: 2 });
      let stopped = false;
      const stopping = queue.stopProcessing().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false);
      finishRunning();
      await stopping;
      await queue.add({ n: 3 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(started).toEqual([1]);
    });

    it('ignores a second add with the id of a job that is still waiting', async () => {
      const queue = make('dedupe');
      const first = await queue.add({ n: 1 }, { jobId: 'report-42' });
      const second = await queue.add({ n: 2 }, { jobId: 'report-42' });
      expect(first.deduplicated).toBe(false);
      expect(second).toEqual({ id: 'report-42', deduplicated: true });
      const seen: number[] = [];
      const done = new Promise<void>((resolve) => queue.process(async ({ n }) => void (seen.push(n), resolve())));
      await done;
      await queue.add({ n: 3 }, { jobId: 'other' });
      await waitFor(() => seen.length === 2);
      expect(seen).toEqual([1, 3]);
    });

    it('counts waiting jobs before a processor starts', async () => {
      const queue = make('counts');
      await queue.add({ n: 1 });
      await queue.add({ n: 2 });
      expect((await queue.counts()).waiting).toBe(2);
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
