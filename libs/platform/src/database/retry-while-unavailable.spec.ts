import { retryWhileDatabaseUnavailable, stopDatabaseRetries } from './retry-while-unavailable';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const uniqueViolation = () => Object.assign(new Error('duplicate key'), { code: '23505' });

/** Fails with the given errors in turn, then answers 'done'; counts its calls. */
function failing(...errors: Array<() => Error>) {
  const work = jest.fn(async () => {
    const next = errors.shift();
    if (next) throw next();
    return 'done';
  });
  return work;
}

describe('retryWhileDatabaseUnavailable', () => {
  it('retries for as long as the database is unreachable, then answers', async () => {
    const work = failing(refused, refused, refused);
    const retried: number[] = [];
    await expect(retryWhileDatabaseUnavailable(work, { onRetry: (error) => retried.push(error.attemptNumber) })).resolves.toBe('done');
    expect(work).toHaveBeenCalledTimes(4);
    expect(retried).toEqual([1, 2, 3]);
  });

  it('throws any other error at once by default', async () => {
    const work = failing(uniqueViolation);
    await expect(retryWhileDatabaseUnavailable(work)).rejects.toThrow('duplicate key');
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('stops at the attempts allowed for other errors', async () => {
    const work = failing(uniqueViolation, uniqueViolation, uniqueViolation, uniqueViolation);
    await expect(retryWhileDatabaseUnavailable(work, { otherErrorAttempts: 3 })).rejects.toThrow('duplicate key');
    expect(work).toHaveBeenCalledTimes(3);
  });

  // last: stopping is for the life of the process
  it('gives up on an unreachable database once the process stops', async () => {
    stopDatabaseRetries();
    const work = failing(refused, refused);
    await expect(retryWhileDatabaseUnavailable(work)).rejects.toThrow('ECONNREFUSED');
    expect(work).toHaveBeenCalledTimes(1);
  });
});
