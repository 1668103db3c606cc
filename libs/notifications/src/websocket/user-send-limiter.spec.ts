import { UserSendLimiter } from './user-send-limiter';

describe('UserSendLimiter', () => {
  it('lets a burst through at once, then holds the next send until the bucket refills', async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 2, sendBurst: 3 });
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => limiter.schedule('u1', () => times.push(Date.now() - started))));
    expect(times.slice(0, 3).every((t) => t < 200)).toBe(true);
    expect(times[3]).toBeGreaterThanOrEqual(800);
    await limiter.stop();
  });

  it('keeps users apart: one user\'s empty bucket does not hold another\'s sends', async () => {
    const limiter = new UserSendLimiter({ sendRatePerSec: 1, sendBurst: 1 });
    await limiter.schedule('busy', () => undefined);
    const started = Date.now();
    await limiter.schedule('other', () => undefined);
    expect(Date.now() - started).toBeLessThan(200);
    await limiter.stop();
  });
});
