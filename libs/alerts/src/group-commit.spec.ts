import { GroupCommit } from './group-commit';

/** A write the test completes by hand, recording every batch it was given. */
function controlledWrite() {
  const batches: number[][] = [];
  const finish: Array<(error?: Error) => void> = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      finish.push((error) => (error ? reject(error) : resolve(items.map((i) => `stored ${i}`))));
    });
  return { batches, finish, write };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes submissions of one event-loop turn as one batch and answers each with its own outcome', async () => {
    const { batches, finish, write } = controlledWrite();
    const commit = new GroupCommit(write, () => 100);
    const answers = [1, 2, 3].map((i) => commit.submit(i));
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3]]);
    finish[0]();
    await expect(Promise.all(answers)).resolves.toEqual(['stored 1', 'stored 2', 'stored 3']);
  });

  it('keeps one write in flight and makes the next batch of everything that arrived meanwhile', async () => {
    const { batches, finish, write } = controlledWrite();
    const commit = new GroupCommit(write, () => 100);
    const first = commit.submit(1);
    await nextTurn();
    const later = [2, 3, 4].map((i) => commit.submit(i));
    await nextTurn();
    expect(batches).toEqual([[1]]);
    finish[0]();
    await first;
    await nextTurn();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    finish[1]();
    await expect(Promise.all(later)).resolves.toEqual(['stored 2', 'stored 3', 'stored 4']);
  });

  it('splits what is waiting into batches of at most maxBatch, in arrival order', async () => {
    const { batches, finish, write } = controlledWrite();
    const commit = new GroupCommit(write, () => 2);
    const answers = [1, 2, 3, 4, 5].map((i) => commit.submit(i));
    for (let i = 0; i < 3; i++) {
      await nextTurn();
      finish[i]();
      await nextTurn();
    }
    await Promise.all(answers);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('answers every submission of a failed batch with its error, and writes the next batch normally', async () => {
    const { batches, finish, write } = controlledWrite();
    const commit = new GroupCommit(write, () => 100);
    const failing = [1, 2].map((i) => commit.submit(i));
    await nextTurn();
    const next = commit.submit(3);
    finish[0](new Error('connection lost'));
    for (const answer of failing) await expect(answer).rejects.toThrow('connection lost');
    await nextTurn();
    expect(batches).toEqual([[1, 2], [3]]);
    finish[1]();
    await expect(next).resolves.toBe('stored 3');
  });

  it('fails the whole batch when the write returns a wrong number of outcomes', async () => {
    const commit = new GroupCommit(async (items: number[]) => items.slice(1).map(String), () => 100);
    const answers = [1, 2].map((i) => commit.submit(i));
    for (const answer of answers) await expect(answer).rejects.toThrow('1 outcomes for 2 items');
  });
});
