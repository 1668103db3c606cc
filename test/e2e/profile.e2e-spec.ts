// Run-time profile switching (issue 12): the admin API, live effect, overrides, history, restarts, metrics.
import { ApiClient, uniqueName } from './support/api-client';
import { e2eMode } from './support/e2e-mode';
import { RunningServer, startServer } from './support/server-process';
import { waitUntil } from './support/wait-until';

/** The start-up log line arrives shortly after the server listens (logs are flushed asynchronously). */
function expectLogged(server: RunningServer, text: string): Promise<void> {
  return waitUntil(() => server.output().includes(text), 10_000, `"${text}" in the server's log`);
}

/** Registration is on by default only in embedded mode; services mode (DATABASE_URL set) needs it explicitly. */
const OPEN_REGISTRATION = { ALLOW_REGISTRATION: 'true' };
/** a restart test starts the server two or three times; each start takes seconds (PGlite), more on a busy machine */
const RESTART_TEST_TIMEOUT_MS = 150_000;
const PROFILES = ['conservative', 'balanced', 'aggressive', 'maximum'];

function expectProfileView(body: any, profile: string): void {
  expect(body).toEqual(
    expect.objectContaining({
      profile,
      effective: expect.any(Object),
      overrides: expect.any(Array),
      restartRequired: expect.any(Array),
    }),
  );
  // every section is a flat { key: value } map
  for (const section of ['http', 'cache', 'database', 'memory', 'notifications']) {
    expect(body.effective[section]).toEqual(expect.any(Object));
    for (const value of Object.values(body.effective[section])) expect(['number', 'boolean', 'string']).toContain(typeof value);
  }
}

function maxAge(cacheControl: string | null): number | undefined {
  const match = /^private, max-age=(\d+)$/.exec(cacheControl ?? '');
  return match ? Number(match[1]) : undefined;
}

describe('profile', () => {
  describe('switching at run time', () => {
    let server: RunningServer;
    let anonymous: ApiClient;
    let admin: ApiClient;

    beforeAll(async () => {
      server = await startServer({ env: OPEN_REGISTRATION });
      anonymous = new ApiClient(server.url);
      admin = anonymous.as(server.adminKey);
    });

    afterAll(() => server?.dispose());

    describe('before any switch', () => {
      it('GET /admin/api/profile shows balanced with its effective values, no overrides and nothing pending', async () => {
        const answer = await admin.get('/admin/api/profile');
        expect(answer.status).toBe(200);
        expectProfileView(answer.body, 'balanced');
        expect(answer.body.overrides).toEqual([]);
        expect(answer.body.restartRequired).toEqual([]);
        expect(answer.body.effective.http.cacheTtlSec).toBe(30);
        expect(answer.body.effective.database.poolMax).toBe(5);
        expect(answer.body.effective.notifications.batchSize).toBe(25);
      });

      it('answers 403 to a non-admin GET and PUT, and the PUT changes nothing', async () => {
        const user = await anonymous.register(uniqueName('nonadmin'));
        const historyBefore = (await admin.get('/admin/api/profile/history')).body.total;
        expect((await user.get('/admin/api/profile')).status).toBe(403);
        const put = await user.put('/admin/api/profile', { profile: 'aggressive' });
        expect(put.status).toBe(403);
        expect(put.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        expect((await user.get('/admin/api/profile/history')).status).toBe(403);
        expect((await admin.get('/admin/api/profile')).body.profile).toBe('balanced');
        expect((await admin.get('/admin/api/profile/history')).body.total).toBe(historyBefore);
        expect((await anonymous.put('/admin/api/profile', { profile: 'aggressive' })).status).toBe(401);
      });

      it('answers 400 naming the allowed profiles for an unknown profile, and changes nothing', async () => {
        const answer = await admin.put('/admin/api/profile', { profile: 'turbo' });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect(answer.body.message).toContain('profile');
        for (const name of PROFILES) expect(answer.body.message).toContain(name);
        expect((await admin.put('/admin/api/profile', { profile: 'aggressive', force: true })).status).toBe(400);
        expect((await admin.put('/admin/api/profile', {})).status).toBe(400);
        expect((await admin.get('/admin/api/profile')).body.profile).toBe('balanced');
      });

      it('sends Cache-Control max-age=30 on GET /api/v1/me under balanced', async () => {
        const user = await anonymous.register(uniqueName('ttl30'));
        const me = await user.get('/api/v1/me');
        expect(me.status).toBe(200);
        expect(maxAge(me.headers.get('cache-control'))).toBe(30);
      });

      it('shows tradepulse_profile_info for balanced in /metrics', async () => {
        const metrics = await anonymous.get('/metrics');
        expect(metrics.text).toContain('tradepulse_profile_info{profile="balanced"} 1');
      });
    });

    describe('after switching balanced → aggressive', () => {
      let switched: any;

      beforeAll(async () => {
        const answer = await admin.put('/admin/api/profile', { profile: 'aggressive' });
        expect(answer.status).toBe(200);
        switched = answer.body;
      });

      it('answers the profile view plus from, applied (http.cacheTtlSec) and restartRequired (database.poolMax)', () => {
        expectProfileView(switched, 'aggressive');
        expect(switched.from).toBe('balanced');
        expect(switched.applied).toEqual(expect.arrayContaining(['http.cacheTtlSec', 'notifications.batchSize', 'http.rateLimitPerIpPerMin']));
        expect(switched.applied).not.toContain('database.poolMax');
        expect(switched.restartRequired).toEqual(expect.arrayContaining(['database.poolMax', 'cache.maxEntries']));
        expect(switched.restartRequired).not.toContain('http.cacheTtlSec');
        expect(switched.keptByOverride).toEqual([]);
        expect(switched.effective.http.cacheTtlSec).toBe(15);
        expect(switched.effective.database.poolMax).toBe(10);
        expect(switched.effective.notifications.batchSize).toBe(50);
      });

      it('GET /admin/api/profile shows aggressive and still lists what waits for a restart', async () => {
        const answer = await admin.get('/admin/api/profile');
        expectProfileView(answer.body, 'aggressive');
        expect(answer.body.restartRequired).toEqual(expect.arrayContaining(['database.poolMax']));
      });

      it('changes the HTTP cache TTL live: Cache-Control max-age=15 on GET /api/v1/me', async () => {
        const user = await anonymous.register(uniqueName('ttl15'));
        const me = await user.get('/api/v1/me');
        expect(me.status).toBe(200);
        expect(me.headers.get('x-cache')).toBe('MISS');
        expect(maxAge(me.headers.get('cache-control'))).toBe(15);
      });

      it('lists the switch in GET /admin/api/profile/history with who, when, from and to (paged)', async () => {
        const history = await admin.get('/admin/api/profile/history?page=1&pageSize=10');
        expect(history.status).toBe(200);
        expect(history.body).toMatchObject({ page: 1, pageSize: 10, total: 1 });
        expect(history.body.items).toHaveLength(1);
        const [entry] = history.body.items;
        expect(entry).toMatchObject({ from: 'balanced', to: 'aggressive', by: 'admin' });
        expect(typeof entry.id).toBe('string');
        expect(Date.now() - Date.parse(entry.at)).toBeLessThan(5 * 60_000);
        expect((await admin.get('/admin/api/profile/history?pageSize=0')).status).toBe(400);
      });

      it('shows tradepulse_profile_info{profile="aggressive"} 1 in /metrics and no longer balanced', async () => {
        const metrics = await anonymous.get('/metrics');
        expect(metrics.status).toBe(200);
        expect(metrics.text).toContain('tradepulse_profile_info{profile="aggressive"} 1');
        expect(metrics.text).not.toContain('tradepulse_profile_info{profile="balanced"} 1');
      });

      it('lists newest switches first across pages', async () => {
        expect((await admin.put('/admin/api/profile', { profile: 'maximum' })).status).toBe(200);
        expect((await admin.put('/admin/api/profile', { profile: 'aggressive' })).status).toBe(200);
        const firstPage = await admin.get('/admin/api/profile/history?page=1&pageSize=2');
        expect(firstPage.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
        expect(firstPage.body.items.map((i: any) => [i.from, i.to])).toEqual([
          ['maximum', 'aggressive'],
          ['aggressive', 'maximum'],
        ]);
        const secondPage = await admin.get('/admin/api/profile/history?page=2&pageSize=2');
        expect(secondPage.body.items.map((i: any) => [i.from, i.to])).toEqual([['balanced', 'aggressive']]);
      });

      it('records switches sent at once as a chain: each one from where the one before it left', async () => {
        const targets = ['conservative', 'maximum', 'balanced', 'aggressive'];
        const answers = await Promise.all(targets.map((profile) => admin.put('/admin/api/profile', { profile })));
        expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
        const history = (await admin.get(`/admin/api/profile/history?pageSize=${targets.length + 1}`)).body.items.reverse();
        const chain = history.map((item: any) => [item.from, item.to]);
        // the first of the burst leaves the profile the earlier test ended on; each later one leaves its predecessor's
        for (let i = 1; i < chain.length; i++) expect(chain[i][0]).toBe(chain[i - 1][1]);
        expect(answers.map((answer) => [answer.body.from, answer.body.profile]).sort()).toEqual(chain.slice(1).sort());
        const last = chain[chain.length - 1][1];
        expect((await admin.get('/admin/api/profile')).body.profile).toBe(last);
      });
    });
  });

  describe('with TP__HTTP__CACHE_TTL_SEC=7', () => {
    let server: RunningServer;
    let admin: ApiClient;

    beforeAll(async () => {
      server = await startServer({ env: { ...OPEN_REGISTRATION, TP__HTTP__CACHE_TTL_SEC: '7' } });
      admin = new ApiClient(server.url, server.adminKey);
    });

    afterAll(() => server?.dispose());

    it('lists the override and keeps it winning over a switch (effective stays 7, listed in keptByOverride)', async () => {
      const before = await admin.get('/admin/api/profile');
      expect(before.body.effective.http.cacheTtlSec).toBe(7);
      expect(before.body.overrides).toEqual([{ key: 'http.cacheTtlSec', envVar: 'TP__HTTP__CACHE_TTL_SEC', value: 7 }]);

      const switched = await admin.put('/admin/api/profile', { profile: 'aggressive' });
      expect(switched.status).toBe(200);
      expect(switched.body.effective.http.cacheTtlSec).toBe(7);
      expect(switched.body.keptByOverride).toEqual(['http.cacheTtlSec']);
      expect(switched.body.applied).not.toContain('http.cacheTtlSec');
      expect(switched.body.overrides).toEqual([{ key: 'http.cacheTtlSec', envVar: 'TP__HTTP__CACHE_TTL_SEC', value: 7 }]);
      // the rest of the section follows the profile
      expect(switched.body.effective.http.rateLimitPerIpPerMin).toBe(1200);

      const after = await admin.get('/admin/api/profile');
      expect(after.body.effective.http.cacheTtlSec).toBe(7);
      const user = await new ApiClient(server.url).register(uniqueName('ttl7'));
      expect(maxAge((await user.get('/api/v1/me')).headers.get('cache-control'))).toBe(7);
    });
  });

  describe('across restarts', () => {
    let server: RunningServer | undefined;

    afterAll(() => server?.dispose());

    it('comes back with the switched profile after a restart, unless PROFILE is set explicitly', async () => {
      const first = await startServer();
      server = first;
      const switched = await new ApiClient(first.url, first.adminKey).put('/admin/api/profile', { profile: 'aggressive' });
      expect(switched.status).toBe(200);
      expect(await first.stop('SIGTERM')).toBe(0);

      const restored = await startServer({ reuse: first, env: { LOG_LEVEL: 'info' } });
      server = restored;
      // the embedded database's own setting follows the switch too (64 MB is aggressive's shared_buffers)
      if (e2eMode() === 'embedded') await expectLogged(restored, 'profile aggressive, embedded database, shared_buffers 64 MB');
      const restoredAdmin = new ApiClient(restored.url, restored.adminKey);
      const view = await restoredAdmin.get('/admin/api/profile');
      expect(view.body.profile).toBe('aggressive');
      expect(view.body.effective.database.poolMax).toBe(10);
      // the pool was built with the restored profile: nothing waits for a restart any more
      expect(view.body.restartRequired).toEqual([]);
      expect((await new ApiClient(restored.url).get('/metrics')).text).toContain('tradepulse_profile_info{profile="aggressive"} 1');
      expect(await restored.stop('SIGTERM')).toBe(0);

      const explicit = await startServer({ reuse: first, env: { PROFILE: 'conservative', LOG_LEVEL: 'info' } });
      server = explicit;
      if (e2eMode() === 'embedded') await expectLogged(explicit, 'profile conservative, embedded database, shared_buffers 8 MB');
      const explicitView = await new ApiClient(explicit.url, explicit.adminKey).get('/admin/api/profile');
      expect(explicitView.body.profile).toBe('conservative');
      expect(explicitView.body.effective.notifications.batchSize).toBe(10);
      expect(explicitView.body.restartRequired).toEqual([]);
    }, RESTART_TEST_TIMEOUT_MS);
  });
});
