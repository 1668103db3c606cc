// The process seen by an operator: start-up validation, first start, restarts, graceful shutdown and rate limits.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtTemplate } from '../../libs/platform/src/database/embedded-database-template';
import { ApiClient, uniqueName } from './support/api-client';
import { copyBuild } from './support/build-copy';
import { describeOnlyIn } from './support/e2e-mode';
import { ROOT, RunningServer, runServerExpectingExit, startServer } from './support/server-process';
import { waitUntil } from './support/wait-until';

/** Registration is on by default only in embedded mode; services mode (DATABASE_URL set) needs it explicitly. */
const OPEN_REGISTRATION = { ALLOW_REGISTRATION: 'true' };
/** a restart test starts the server two or three times; each start takes seconds (PGlite), more on a busy machine */
const RESTART_TEST_TIMEOUT_MS = 150_000;

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** PostgreSQL's system identifier, which initdb draws at random: the first 8 bytes of global/pg_control. */
function systemIdentifier(pgdata: string): string {
  return readFileSync(join(pgdata, 'global', 'pg_control')).subarray(0, 8).toString('hex');
}

/** Resolves once `text` is in the server's log (Nest writes what it logged while starting after "listening"). */
function expectLogged(server: RunningServer, text: string): Promise<void> {
  return waitUntil(() => server.output().includes(text), 10_000, `"${text}" in the server's log`);
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

    it('exits 1 on a Telegram webhook URL without its secret: the webhook would refuse every update', async () => {
      const { code, output } = await runServerExpectingExit({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg/hook' });
      expect(code).toBe(1);
      expect(nonEmptyLines(output)).toEqual([
        'Invalid configuration TELEGRAM_WEBHOOK_SECRET=(unset): required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every update)',
      ]);
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

  // the services run has no DATA_DIR database
  describeOnlyIn('embedded', 'first start on an empty DATA_DIR', () => {
    const servers: RunningServer[] = [];
    const disposals: (() => unknown)[] = [];
    const template = builtTemplate(join(ROOT, 'dist/embedded-database-template'));

    afterAll(async () => {
      for (const server of servers) await server.stop();
      await servers[0]?.dispose();
      for (const dispose of disposals.reverse()) await dispose();
    });

    it("copies the build's database template, runs the migrations on it and keeps its data across a restart", async () => {
      expect(template).toBeDefined();
      const first = await startServer({ env: { ...OPEN_REGISTRATION, LOG_LEVEL: 'debug' } });
      servers.push(first);
      const pgdata = join(first.env.DATA_DIR, 'pgdata');
      expect(systemIdentifier(pgdata)).toBe(systemIdentifier(template!));
      await expectLogged(first, "created the embedded database from the build's template");
      const name = uniqueName('templated');
      const user = await new ApiClient(first.url).register(name);
      expect(await first.stop()).toBe(0);

      const second = await startServer({ reuse: first, env: { ...OPEN_REGISTRATION, LOG_LEVEL: 'debug' } });
      servers.push(second);
      await expectLogged(second, 'listening on http://');
      expect(second.output()).not.toContain('created the embedded database');
      const me = await new ApiClient(second.url, user.apiKey).get('/api/v1/me');
      expect(me.body).toMatchObject({ id: user.userId, username: name });
    }, RESTART_TEST_TIMEOUT_MS);

    it.each(['missing', 'uncopyable'] as const)('creates the database with initdb when the template is %s, and serves', async (state) => {
      const build = copyBuild(state, template!);
      disposals.push(build.dispose);
      const server = await startServer({ main: build.main, env: { ...OPEN_REGISTRATION, LOG_LEVEL: 'debug' } });
      disposals.push(server.dispose);
      await expectLogged(server, 'created the embedded database with initdb');
      if (state === 'uncopyable') expect(server.output()).toContain('copying the embedded database template');
      expect(readdirSync(server.env.DATA_DIR)).not.toContain('pgdata.partial');
      expect(systemIdentifier(join(server.env.DATA_DIR, 'pgdata'))).not.toBe(systemIdentifier(template!));
      const user = await new ApiClient(server.url).register(uniqueName('initdb'));
      expect((await user.get('/api/v1/me')).status).toBe(200);
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
