import { EndOfTurnWrites } from './end-of-turn-writes';

/** A scheduler that runs the turn's callbacks only when the test says the turn ended. */
function manualTurns() {
  const queued: Array<() => void> = [];
  return {
    schedule: (callback: () => void) => queued.push(callback),
    scheduled: () => queued.length,
    endTurn: () => queued.splice(0).forEach((callback) => callback()),
  };
}

describe('EndOfTurnWrites', () => {
  it('writes nothing during the turn, then every queued answer in the order queued, scheduling one flush', () => {
    const turns = manualTurns();
    const writes = new EndOfTurnWrites(() => undefined, turns.schedule);
    const written: number[] = [];
    writes.add(() => written.push(1));
    writes.add(() => written.push(2));
    writes.add(() => written.push(3));
    expect(written).toEqual([]);
    expect(turns.scheduled()).toBe(1);
    turns.endTurn();
    expect(written).toEqual([1, 2, 3]);
  });

  it('keeps writing the others when one write throws, and reports the failure', () => {
    const turns = manualTurns();
    const failures: unknown[] = [];
    const writes = new EndOfTurnWrites((error) => failures.push(error), turns.schedule);
    const written: number[] = [];
    writes.add(() => written.push(1));
    writes.add(() => {
      throw new Error('socket gone');
    });
    writes.add(() => written.push(3));
    turns.endTurn();
    expect(written).toEqual([1, 3]);
    expect(failures).toEqual([new Error('socket gone')]);
  });

  it('flushes what is queued after a flush in the next turn', () => {
    const turns = manualTurns();
    const writes = new EndOfTurnWrites(() => undefined, turns.schedule);
    const written: number[] = [];
    writes.add(() => {
      written.push(1);
      writes.add(() => written.push(2));
    });
    turns.endTurn();
    expect(written).toEqual([1]);
    turns.endTurn();
    expect(written).toEqual([1, 2]);
  });

  it('flushes on the real event loop by default', async () => {
    const writes = new EndOfTurnWrites(() => undefined);
    const written: number[] = [];
    writes.add(() => written.push(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([1]);
  });
});
