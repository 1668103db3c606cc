// The platform layer seen from outside: keys, ownership, validation, limits, headers, cache, ops endpoints.
import { e2eMode } from './support/e2e-mode';
import { ApiClient, uniqueName } from './support/api-client';
import { postRaw } from './support/raw-http';
import { RunningServer, startServer } from './support/server-process';

describe('foundation', () => {
  let server: RunningServer;
  let anonymous: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer();
    anonymous = new ApiClient(server.url);
    admin = anonymous.as(server.adminKey);
  });

  afterAll(() => server?.dispose());

  describe('users and API keys', () => {
    it('registers a user whose key authenticates, shown once and stored hashed', async () => {
      const alice = await anonymous.register(uniqueName('alice'));
      const [, secret] = /^tp_[0-9a-f]{16}_([A-Za-z0-9_-]{43})$/.exec(alice.apiKey!) ?? [];
      expect(secret).toBeDefined();
      const me = await alice.get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: alice.userId, role: 'user', telegramLinked: false });
      const keys = await alice.get('/api/v1/me/api-keys');
      // the whole secret (it may itself hold '_', so not the key's last '_'-separated piece)
      expect(JSON.stringify(keys.body)).not.toContain(secret);
    });

    it('answers clients registered and calling at the same moment each with their own account', async () => {
      for (let round = 0; round < 5; round++) {
        // each client calls as soon as its own registration is answered, so that the lookups of their keys overlap
        const answers = await Promise.all(
          Array.from({ length: 6 }, async () => {
            const user = await anonymous.register(uniqueName('burst'));
            return { user, me: await user.get('/api/v1/me'), keys: await user.get('/api/v1/me/api-keys') };
          }),
        );
        for (const { user, me, keys } of answers) {
          expect({ status: me.status, id: me.body.id }).toEqual({ status: 200, id: user.userId });
          expect(keys.body.items.map((key: { id: string }) => key.id)).toEqual([user.apiKey!.split('_')[1]]);
        }
      }
    });

    it('answers 409 for a taken username and 400 for a malformed one', async () => {
      const name = uniqueName('bob');
      await anonymous.register(name);
      const taken = await anonymous.post('/api/v1/auth/register', { username: name });
      expect(taken.status).toBe(409);
      expect(taken.body.message).toContain('username');
      // one account per name whatever its case: "Bob" could otherwise pass for "bob"
      expect((await anonymous.post('/api/v1/auth/register', { username: name.toUpperCase() })).status).toBe(409);
      const bad = await anonymous.post('/api/v1/auth/register', { username: 'a b' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(bad.body.message).toContain('username');
    });

    it('answers 401 without a key, with a wrong key and with a revoked key', async () => {
      expect((await anonymous.get('/api/v1/me')).status).toBe(401);
      expect((await anonymous.as('tp_0123456789abcdef_' + 'A'.repeat(43)).get('/api/v1/me')).status).toBe(401);
      expect((await anonymous.as('not-a-key').get('/api/v1/me')).status).toBe(401);
      const carol = await anonymous.register(uniqueName('carol'));
      const second = await carol.post('/api/v1/me/api-keys', { label: 'laptop' });
      expect(second.status).toBe(201);
      const laptop = carol.as(second.body.apiKey);
      expect((await laptop.get('/api/v1/me')).status).toBe(200);
      // the second read is a cache hit, served before Nest's guard: the key is still checked there
      expect((await laptop.get('/api/v1/me')).headers.get('x-cache')).toBe('HIT');
      const forged = laptop.as(`tp_${second.body.id}_${'B'.repeat(43)}`);
      expect((await forged.get('/api/v1/me')).status).toBe(401);
      expect((await carol.delete(`/api/v1/me/api-keys/${second.body.id}`)).status).toBe(204);
      const revoked = await laptop.get('/api/v1/me');
      expect(revoked.status).toBe(401);
      expect(revoked.body.message).toContain('revoked');
    });

    it('accepts the key in X-API-Key too', async () => {
      const dan = await anonymous.register(uniqueName('dan'));
      const answer = await anonymous.get('/api/v1/me', { 'x-api-key': dan.apiKey! });
      expect(answer.status).toBe(200);
    });

    it("answers 404 for another user's key id, exactly like a missing id, and changes nothing", async () => {
      const erin = await anonymous.register(uniqueName('erin'));
      const frank = await anonymous.register(uniqueName('frank'));
      const frankKey = (await frank.get('/api/v1/me/api-keys')).body.items[0].id;
      const foreign = await erin.delete(`/api/v1/me/api-keys/${frankKey}`);
      const missing = await erin.delete('/api/v1/me/api-keys/ffffffffffffffff');
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(foreign.body.message.replace(frankKey, 'X')).toBe(missing.body.message.replace('ffffffffffffffff', 'X'));
      expect((await frank.get('/api/v1/me')).status).toBe(200);
    });

    it('keeps admin routes for admins: 403 for a user key', async () => {
      const gina = await anonymous.register(uniqueName('gina'));
      expect((await gina.get('/admin/api/profile')).status).toBe(403);
      expect((await admin.get('/admin/api/profile')).status).toBe(200);
    });
  });

  describe('the cross-cutting layer', () => {
    it('rejects unknown body fields with 400 naming the field', async () => {
      const answer = await anonymous.post('/api/v1/auth/register', { username: uniqueName('h'), isAdmin: true });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain('isAdmin');
    });

    it('answers 413 for a 1.5 MiB body in the contract error shape', async () => {
      const answer = await postRaw(`${server.url}/api/v1/auth/register`, JSON.stringify({ username: 'x'.repeat(1.5 * 1024 * 1024) }));
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });

    it('puts X-Response-Time and X-Request-Id on every answer, errors included', async () => {
      for (const answer of [await anonymous.get('/health/live'), await anonymous.get('/api/v1/me'), await anonymous.get('/api/v1/nowhere'), await admin.get('/api/v1/me')]) {
        expect(answer.headers.get('x-response-time')).toMatch(/^\d+(\.\d+)?ms$/);
        expect(answer.headers.get('x-request-id')).toBeTruthy();
      }
      const echoed = await anonymous.get('/health/live', { 'x-request-id': 'trace-123' });
      expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    });

    it('answers a cached GET from the cache the second time and fresh after a write', async () => {
      const ivan = await anonymous.register(uniqueName('ivan'));
      const first = await ivan.get('/api/v1/me/api-keys');
      const second = await ivan.get('/api/v1/me/api-keys');
      expect(first.headers.get('x-cache')).toBe('MISS');
      expect(second.headers.get('x-cache')).toBe('HIT');
      expect(second.body).toEqual(first.body);
      const notModified = await ivan.get('/api/v1/me/api-keys', { 'if-none-match': second.headers.get('etag')! });
      expect(notModified.status).toBe(304);
      await ivan.post('/api/v1/me/api-keys', { label: 'phone' });
      const third = await ivan.get('/api/v1/me/api-keys');
      expect(third.headers.get('x-cache')).toBe('MISS');
      expect(third.body.items).toHaveLength(2);
    });

    it("never serves one user's cached answer to another", async () => {
      const judy = await anonymous.register(uniqueName('judy'));
      const kim = await anonymous.register(uniqueName('kim'));
      await judy.get('/api/v1/me');
      const kimMe = await kim.get('/api/v1/me');
      expect(kimMe.body.id).toBe(kim.userId);
    });

    it('compresses answers over 1 KiB for clients that accept gzip or br', async () => {
      const response = await fetch(`${server.url}/docs-json`, { headers: { 'accept-encoding': 'br' } });
      expect(response.headers.get('content-encoding')).toBe('br');
      const small = await fetch(`${server.url}/health/live`, { headers: { 'accept-encoding': 'gzip' } });
      expect(small.headers.get('content-encoding')).toBeNull();
    });

    it('compresses cached answers too, the same body in every encoding', async () => {
      const lena = await anonymous.register(uniqueName('lena'));
      for (let i = 0; i < 12; i++) await lena.post('/api/v1/me/api-keys', { label: `device number ${i}` });
      const read = (encoding: string) => fetch(`${server.url}/api/v1/me/api-keys`, { headers: { authorization: `Bearer ${lena.apiKey}`, 'accept-encoding': encoding } });
      const miss = await read('identity');
      expect(miss.headers.get('x-cache')).toBe('MISS');
      const plain = await miss.text();
      expect(plain.length).toBeGreaterThan(1024);
      for (const encoding of ['br', 'gzip', 'br', 'gzip;q=0.5, br;q=0']) {
        const hit = await read(encoding);
        expect(hit.headers.get('x-cache')).toBe('HIT');
        expect(hit.headers.get('content-encoding')).toBe(encoding.startsWith('gzip') ? 'gzip' : encoding);
        expect(hit.headers.get('vary')).toMatch(/accept-encoding/i);
        expect(await hit.text()).toBe(plain);
      }
      const identity = await read('identity');
      expect(identity.headers.get('content-encoding')).toBeNull();
      expect(await identity.text()).toBe(plain);
    });
  });

  describe('operations', () => {
    it('reports ready with the database up', async () => {
      const ready = await anonymous.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.database.status).toBe('up');
    });

    it('serves Prometheus metrics with the HTTP histogram by route template', async () => {
      await anonymous.get('/health/live');
      const metrics = await anonymous.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('tradepulse_http_request_duration_seconds_bucket');
      expect(metrics.text).toMatch(/route="\/api\/v1\/me\/api-keys\/:id"|route="\/health\/live"/);
      expect(metrics.text).toContain('tradepulse_profile_info{profile="balanced"} 1');
    });

    it('serves the JSON metrics summary to admins', async () => {
      const summary = await admin.get('/api/metrics');
      expect(summary.status).toBe(200);
      expect(summary.body.system).toEqual(expect.objectContaining({ memoryMb: expect.any(Number), eventLoopLagMs: expect.any(Number) }));
      expect(summary.body.routes['GET /health/live']).toEqual(expect.objectContaining({ count: expect.any(Number), p95Ms: expect.any(Number) }));
      // the in-process cache counts its entries; Redis is shared and not scanned for a count
      const entries = e2eMode() === 'services' ? null : expect.any(Number);
      expect(summary.body.cache).toEqual({ hits: expect.any(Number), misses: expect.any(Number), hitRate: expect.any(Number), entries });
      if (entries !== null) expect(summary.body.cache.entries).toBeGreaterThan(0);
      expect(summary.body.system).toMatchObject({ memoryBudgetMb: 512, overMemoryBudget: summary.body.system.memoryMb > 512 });
    });

    it('reports a process over its memory budget in /api/metrics and to Prometheus', async () => {
      const small = await startServer({ env: { TP__MEMORY__BUDGET_MB: '32' } });
      try {
        const summary = await new ApiClient(small.url, small.adminKey).get('/api/metrics');
        expect(summary.body.system).toMatchObject({ memoryBudgetMb: 32, overMemoryBudget: true });
        const metrics = (await new ApiClient(small.url).get('/metrics')).text;
        expect(metrics).toContain(`tradepulse_memory_budget_bytes ${32 * 1024 * 1024}`);
        expect(metrics).toContain('tradepulse_memory_over_budget 1');
      } finally {
        await small.dispose();
      }
    });

    it('publishes a valid OpenAPI document that lists the contract routes', async () => {
      const SwaggerParser = require('@apidevtools/swagger-parser');
      const doc = (await anonymous.get('/docs-json')).body;
      await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/register', '/api/v1/me', '/api/v1/me/api-keys', '/health/ready', '/admin/api/profile']));
      expect((await anonymous.get('/docs')).status).toBe(200);
    });
  });
});

describe('foundation: who a client is', () => {
  /** every request its own client address (TEST-NET-3), as a proxy in front of the server would say */
  let nextAddress = 0;
  const forwardedFor = (address = `203.0.113.${++nextAddress}`) => ({ 'x-forwarded-for': address });
  const statusesOf = (answers: Array<{ status: number }>) => answers.map((answer) => answer.status);

  describe('reached directly, with registration off', () => {
    let server: RunningServer;

    beforeAll(async () => {
      server = await startServer({ env: { ALLOW_REGISTRATION: 'false', TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '10' } });
    });

    afterAll(() => server?.dispose());

    it('answers 403 to a registration, in the contract error shape', async () => {
      const answer = await new ApiClient(server.url).post('/api/v1/auth/register', { username: uniqueName('closed') });
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('registration') });
    });

    it('ignores X-Forwarded-For: requests naming 15 client addresses share the per-IP limit of the connection', async () => {
      const admin = new ApiClient(server.url, server.adminKey);
      const answers = await Promise.all(Array.from({ length: 15 }, () => admin.get('/api/v1/me', forwardedFor())));
      // the limit is 10 a minute; the registration above may have used one
      expect(statusesOf(answers).filter((status) => status === 200).length).toBeLessThanOrEqual(10);
      expect(statusesOf(answers).filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('behind a trusted proxy (http.trustProxy)', () => {
    let server: RunningServer;
    let anonymous: ApiClient;

    beforeAll(async () => {
      server = await startServer({ env: { TP__HTTP__TRUST_PROXY: 'true', TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '10', TP__HTTP__RATE_LIMIT_PER_KEY_PER_MIN: '5' } });
      anonymous = new ApiClient(server.url);
    });

    afterAll(() => server?.dispose());

    const register = async (headers: Record<string, string>) => anonymous.post('/api/v1/auth/register', { username: uniqueName('proxied') }, headers);

    it('counts each client named by X-Forwarded-For against its own per-IP limit', async () => {
      const apart = await Promise.all(Array.from({ length: 12 }, () => register(forwardedFor())));
      expect(statusesOf(apart)).toEqual(Array(12).fill(201));
      const together = await Promise.all(Array.from({ length: 12 }, () => register(forwardedFor('198.51.100.7'))));
      expect(statusesOf(together).sort()).toEqual([...Array(10).fill(201), 429, 429]);
    });

    it('answers 429 with Retry-After once one API key passes its per-key limit, while another key goes on', async () => {
      const registered = await register(forwardedFor());
      const owner = new ApiClient(server.url, registered.body.apiKey);
      const second = await owner.post('/api/v1/me/api-keys', { label: 'second' }, forwardedFor());
      expect(second.status).toBe(201);
      // each request from its own address, so only the key's bucket fills: 5 a minute, the new key took one
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await owner.get('/api/v1/me', forwardedFor()));
      expect(statusesOf(answers)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
      expect(answers[0].headers.get('x-ratelimit-limit-key')).toBe('5');
      for (const limited of answers.slice(4)) {
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60).toBe(true);
        expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('rate limit: at most 5 requests per 60 s') });
      }
      expect((await owner.as(second.body.apiKey).get('/api/v1/me', forwardedFor())).status).toBe(200);
    });
  });
});
