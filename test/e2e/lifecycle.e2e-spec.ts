// The process seen by an operator: start-up validation, restarts, graceful shutdown and rate limits.
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer, runServerExpectingExit, startServer } from './support/server-process';

/** Registration is on by default only in embedded mode; services mode (DATABASE_URL set) needs it explicitly. */
const OPEN_REGISTRATION = { ALLOW_REGISTRATION: 'true' };
/** a restart test starts the server two or three times; each start takes seconds (PGlite), more on a busy machine */
const RESTART_TEST_TIMEOUT_MS = 150_000;

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('lifecycle', () => {
  describe('start-up validation', () => {
    it('exits 1 on PROFILE=turbo with a single line naming PROFILE, the value and the allowed profiles', async () => {
      const { code, output } = await runServerExpectingExit({ PROFILE: 'turbo' });
      expect(code).toBe(1);
      const lines = nonEmptyLines(output);
      // the line the README shows
      expect(lines).toEqual(['Invalid configuration PROFILE="turbo": not one of the allowed values; allowed: conservative, balanced, aggressive, maximum']);
    });

    it('exits 1 on TP__NOTIFICATIONS__BATCH_SIZE=abc with a single line naming the key and the value', async () => {
      const { code, output } = await runServerExpectingExit({ TP__NOTIFICATIONS__BATCH_SIZE: 'abc' });
      expect(code).toBe(1);
      const lines = nonEmptyLines(output);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('TP__NOTIFICATIONS__BATCH_SIZE');
      expect(lines[0]).toContain('abc');
      expect(lines[0]).toMatch(/number/i);
      expect(lines[0]).not.toMatch(/^\s+at /);
    });
  });

  describe('restart and shutdown', () => {
    let first: RunningServer | undefined;
    let second: RunningServer | undefined;

    afterAll(async () => {
      // both share one data directory / database; the last one to run cleans it up
      await first?.stop();
      await (second ?? first)?.dispose();
    });

    it('exits 0 within 10 s of SIGTERM, and keeps a registered user across the restart', async () => {
      first = await startServer({ env: OPEN_REGISTRATION });
      const name = uniqueName('keeper');
      const user = await new ApiClient(first.url).register(name);
      expect((await user.get('/api/v1/me')).status).toBe(200);

      const stoppedAt = Date.now();
      const code = await first.stop('SIGTERM');
      const stopMs = Date.now() - stoppedAt;
      expect(code).toBe(0);
      expect(stopMs).toBeLessThan(10_000);

      second = await startServer({ reuse: first, env: OPEN_REGISTRATION });
      const me = await new ApiClient(second.url, user.apiKey).get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.userId, username: name });
      // the admin key from the environment keeps working too
      expect((await new ApiClient(second.url, second.adminKey).get('/admin/api/profile')).status).toBe(200);
    }, RESTART_TEST_TIMEOUT_MS);
  });

  describe('rate limits', () => {
    let server: RunningServer;

    beforeAll(async () => {
      server = await startServer({ env: { ...OPEN_REGISTRATION, TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '20' } });
    });

    afterAll(() => server?.dispose());

    it('answers a burst over the per-IP limit with 429, Retry-After and the contract error shape', async () => {
      const user = await new ApiClient(server.url).register(uniqueName('burst'));
      const answers = await Promise.all(Array.from({ length: 30 }, () => user.get('/api/v1/me')));
      const statuses = answers.map((a) => a.status);
      // the registration used one of the 20; at most 19 more pass
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(19);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(11);
      for (const answer of limited) {
        const retryAfter = Number(answer.headers.get('retry-after'));
        expect(Number.isInteger(retryAfter)).toBe(true);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(answer.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('rate limit') });
        expect(answer.headers.get('x-request-id')).toBeTruthy();
      }
    });
  });
});
