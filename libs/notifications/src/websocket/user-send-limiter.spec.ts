import { SendLimiterStopped, UserSendLimiter } from './user-send-limiter';

// The buckets refill from performance.now() and wait on setTimeout: fake timers drive both.
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Schedules `count` sends for the user and records how many have run. */
function sends(limiter: UserSendLimiter, userId: string, count: number) {
  const ran: number[] = [];
  const all = Promise.all(Array.from({ length: count }, (_, n) => limiter.schedule(userId, () => ran.push(n))));
  return { ran, all };
}

describe('UserSendLimiter', () => {
  it('lets a burst through at once, then holds the next send until the bucket refills by one token', async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 2, sendBurst: 3 });
    const { ran, all } = sends(limiter, 'u1', 4);
    expect(ran).toEqual([0, 1, 2]);
    await jest.advanceTimersByTimeAsync(400);
    expect(ran).toEqual([0, 1, 2]);
    await jest.advanceTimersByTimeAsync(200);
    expect(ran).toEqual([0, 1, 2, 3]);
    await all;
    await limiter.stop();
  });

  it("keeps users apart: one user's empty bucket does not hold another's sends", async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 1, sendBurst: 1 });
    const busy = sends(limiter, 'busy', 2);
    const other = sends(limiter, 'other', 1);
    expect(busy.ran).toEqual([0]);
    expect(other.ran).toEqual([0]);
    await limiter.stop();
    await expect(busy.all).rejects.toBeInstanceOf(SendLimiterStopped);
  });

  it("keeps one user's order: a send made while others wait for a token goes after them", async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 20, sendBurst: 1 });
    const { ran, all } = sends(limiter, 'u1', 4);
    await jest.advanceTimersByTimeAsync(1000);
    await all;
    expect(ran).toEqual([0, 1, 2, 3]);
    await limiter.stop();
  });

  it('runs a send in the same turn while the bucket holds a token', async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 1, sendBurst: 2 });
    const { ran } = sends(limiter, 'u1', 1);
    expect(ran).toEqual([0]);
    await limiter.stop();
  });

  it('turns away the sends still waiting when it stops', async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 1, sendBurst: 1 });
    await limiter.schedule('u1', () => undefined);
    const waiting = limiter.schedule('u1', () => undefined);
    await limiter.stop();
    await expect(waiting).rejects.toBeInstanceOf(SendLimiterStopped);
  });

  it('turns away every send after it stops, even one a full bucket could take (the socket server is closing)', async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 1, sendBurst: 5 });
    await limiter.stop();
    const ran: number[] = [];
    await expect(limiter.schedule('u1', () => ran.push(1))).rejects.toBeInstanceOf(SendLimiterStopped);
    expect(ran).toEqual([]);
  });

  it('applies a new rate to an open bucket', async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 1, sendBurst: 1 });
    await limiter.schedule('u1', () => undefined);
    limiter.setRate({ sendRatePerSec: 100, sendBurst: 100 });
    const { ran } = sends(limiter, 'u1', 1);
    await jest.advanceTimersByTimeAsync(20);
    expect(ran).toEqual([0]);
    await limiter.stop();
  });
});
