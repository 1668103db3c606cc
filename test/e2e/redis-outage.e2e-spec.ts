// A Redis outage degrades cleanly: requests still answer quickly from the source, readiness names Redis.
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';
import { waitUntil } from './support/wait-until';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept connections') && resolve(child));
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
}

describe('Redis outage', () => {
  let redis: ChildProcess;
  let server: RunningServer;
  let user: ApiClient;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    server = await startServer({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    user = await new ApiClient(server.url).register(uniqueName('redisfan'));
  });

  afterAll(async () => {
    redis?.kill('SIGKILL');
    await server?.dispose();
  });

  it('keeps answering requests within the cache timeout and reports Redis down in readiness', async () => {
    expect((await user.get('/api/v1/me')).status).toBe(200);
    expect((await user.get('/health/ready')).status).toBe(200);
    redis.kill('SIGKILL');
    await waitUntil(async () => (await user.get('/health/ready')).status === 503, 10_000);
    const ready = await user.get('/health/ready');
    expect(ready.body.error.redis.status).toBe('down');
    const started = Date.now();
    const me = await user.get('/api/v1/me');
    const keys = await user.post('/api/v1/me/api-keys', { label: 'during-outage' });
    expect(me.status).toBe(200);
    expect(keys.status).toBe(201);
    // bounded by the cache timeout (200 ms per call) plus the database, never hanging
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('is ready again once Redis is back, without a restart, and caches again', async () => {
    redis = await startRedis(port);
    await waitUntil(async () => (await user.get('/health/ready')).status === 200, 15_000);
    expect((await user.get('/health/ready')).body.details.redis.status).toBe('up');
    await waitUntil(async () => (await user.get('/api/v1/me')).headers.get('x-cache') === 'HIT', 10_000);
  });
});
