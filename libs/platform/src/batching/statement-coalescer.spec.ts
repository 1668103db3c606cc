import { StatementCoalescer } from './statement-coalescer';

/** A call whose answers the test releases by hand, recording the rows of each call. */
function recordingCall() {
  const calls: Array<{ rows: number[]; answer(): void; fail(error: Error): void }> = [];
  const call = (rows: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ rows, answer: () => resolve(rows.map((row) => `r${row}`)), fail: reject });
    });
  return { calls, call };
}

/** A scheduler that runs the turn's callbacks only when the test says the turn ended. */
function manualTurns() {
  const queued: Array<() => void> = [];
  return {
    schedule: (callback: () => void) => queued.push(callback),
    endTurn: () => queued.splice(0).forEach((callback) => callback()),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementCoalescer', () => {
  it('sends the rows of every request made in one turn as one call and answers each request with its own results', async () => {
    const { calls, call } = recordingCall();
    const turns = manualTurns();
    const coalescer = new StatementCoalescer(call, { maxInFlight: 1, maxRows: 100 }, turns.schedule);
    const first = coalescer.submit([1, 2]);
    const second = coalescer.submit([3]);
    turns.endTurn();
    expect(calls.map((c) => c.rows)).toEqual([[1, 2, 3]]);
    calls[0].answer();
    await expect(first).resolves.toEqual(['r1', 'r2']);
    await expect(second).resolves.toEqual(['r3']);
  });

  it('collects the rows that arrive while a call runs and sends them together once it answered', async () => {
    const { calls, call } = recordingCall();
    const turns = manualTurns();
    const coalescer = new StatementCoalescer(call, { maxInFlight: 1, maxRows: 100 }, turns.schedule);
    const first = coalescer.submit([1]);
    turns.endTurn();
    const later = [coalescer.submit([2]), coalescer.submit([3])];
    turns.endTurn();
    coalescer.submit([4]);
    turns.endTurn();
    expect(calls.map((c) => c.rows)).toEqual([[1]]);
    calls[0].answer();
    await first;
    turns.endTurn();
    expect(calls.map((c) => c.rows)).toEqual([[1], [2, 3, 4]]);
    calls[1].answer();
    await expect(Promise.all(later)).resolves.toEqual([['r2'], ['r3']]);
  });

  it('runs up to maxInFlight calls at once', () => {
    const { calls, call } = recordingCall();
    const turns = manualTurns();
    const coalescer = new StatementCoalescer(call, { maxInFlight: 2, maxRows: 100 }, turns.schedule);
    coalescer.submit([1]);
    turns.endTurn();
    coalescer.submit([2]);
    turns.endTurn();
    coalescer.submit([3]);
    turns.endTurn();
    expect(calls.map((c) => c.rows)).toEqual([[1], [2]]);
  });

  it('splits at maxRows by whole requests, sending an oversized request alone', async () => {
    const { calls, call } = recordingCall();
    const turns = manualTurns();
    const coalescer = new StatementCoalescer(call, { maxInFlight: 1, maxRows: 3 }, turns.schedule);
    coalescer.submit([1, 2]);
    coalescer.submit([3, 4]);
    coalescer.submit([5, 6, 7, 8]);
    turns.endTurn();
    for (let i = 0; i < 3; i++) {
      calls[i].answer();
      await settle();
      turns.endTurn();
    }
    expect(calls.map((c) => c.rows)).toEqual([[1, 2], [3, 4], [5, 6, 7, 8]]);
  });

  it('rejects every request of a failed call and still serves the next ones', async () => {
    const { calls, call } = recordingCall();
    const turns = manualTurns();
    const coalescer = new StatementCoalescer(call, { maxInFlight: 1, maxRows: 100 }, turns.schedule);
    const failed = [coalescer.submit([1]), coalescer.submit([2])];
    turns.endTurn();
    calls[0].fail(new Error('connection lost'));
    for (const request of failed) await expect(request).rejects.toThrow('connection lost');
    const next = coalescer.submit([3]);
    turns.endTurn();
    calls[1].answer();
    await expect(next).resolves.toEqual(['r3']);
  });

  it('answers an empty request at once without a call', async () => {
    const { calls, call } = recordingCall();
    const coalescer = new StatementCoalescer(call, { maxInFlight: 1, maxRows: 100 }, manualTurns().schedule);
    await expect(coalescer.submit([])).resolves.toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('reads maxRows at every call, so a changed limit applies to the next call', async () => {
    const { calls, call } = recordingCall();
    const turns = manualTurns();
    let maxRows = 2;
    const coalescer = new StatementCoalescer(call, { maxInFlight: 1, maxRows: () => maxRows }, turns.schedule);
    const requests = [1, 2, 3, 4, 5].map((row) => coalescer.submit([row]));
    turns.endTurn();
    maxRows = 3;
    calls[0].answer();
    await settle();
    turns.endTurn();
    calls[1].answer();
    await Promise.all(requests);
    expect(calls.map((c) => c.rows)).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('fails every request of a call that answers a wrong number of results', async () => {
    const coalescer = new StatementCoalescer(async (rows: number[]) => rows.slice(1), { maxInFlight: 1, maxRows: 100 });
    const requests = [coalescer.submit([1]), coalescer.submit([2])];
    for (const request of requests) await expect(request).rejects.toThrow('answered 1 results for 2 rows');
  });
});
