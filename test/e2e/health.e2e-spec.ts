// /health/live and /health/ready from outside, including a database that disappears under a running server.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ApiClient } from './support/api-client';
import { e2eMode } from './support/e2e-mode';
import { ROOT, RunningServer, startServer } from './support/server-process';
import { waitFor } from './support/wait-for';

const PGLITE_SERVER = join(ROOT, 'dist/test/fakes/pglite-server.js');
const STANDALONE_START_TIMEOUT_MS = 60_000;

interface StandaloneDatabase {
  url: string;
  process: ChildProcess;
  kill(): Promise<void>;
}

/** The standalone PGlite server from test/fakes, which the test can kill like a crashed database. */
async function startStandaloneDatabase(): Promise<StandaloneDatabase> {
  const child = spawn(process.execPath, [PGLITE_SERVER], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // PGlite runs initdb in WebAssembly at every start: seconds, more on a busy machine
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pglite-server did not listen within ${STANDALONE_START_TIMEOUT_MS} ms: ${output}`));
    }, STANDALONE_START_TIMEOUT_MS);
    child.stdout!.on('data', () => {
      const match = /\{"port":(\d+)\}/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolvePort(Number(match[1]));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pglite-server exited with ${code} before listening: ${output}`));
    });
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    process: child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('health', () => {
  describe('with the database up', () => {
    let server: RunningServer;
    let anonymous: ApiClient;

    beforeAll(async () => {
      server = await startServer();
      anonymous = new ApiClient(server.url);
    });

    afterAll(() => server?.dispose());

    it('answers /health/live with 200 without a key', async () => {
      const live = await anonymous.get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
    });

    it('answers /health/ready with 200 in the Terminus format, naming the database as up', async () => {
      const ready = await anonymous.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } });
    });

    if (e2eMode() === 'services') {
      it('names Redis in the details of /health/ready', async () => {
        const ready = await waitFor(async () => {
          const answer = await anonymous.get('/health/ready');
          return answer.body?.details?.redis ? answer : undefined;
        }, 10_000);
        expect(ready.status).toBe(200);
        expect(ready.body.details.redis).toMatchObject({ status: 'up' });
        expect(ready.body.info.redis).toMatchObject({ status: 'up' });
      });
    }
  });

  describe('when the database goes away', () => {
    let database: StandaloneDatabase | undefined;
    let server: RunningServer | undefined;
    let anonymous: ApiClient;

    beforeAll(async () => {
      database = await startStandaloneDatabase();
      // in services mode the environment keeps REDIS_URL; only the database is the killable one
      server = await startServer({ env: { DATABASE_URL: database.url } });
      anonymous = new ApiClient(server.url);
    }, 2 * STANDALONE_START_TIMEOUT_MS);

    afterAll(async () => {
      await server?.dispose();
      await database?.kill();
    });

    it('answers ready 200 first, then 503 naming the database under "error" once it is killed', async () => {
      const before = await anonymous.get('/health/ready');
      expect(before.status).toBe(200);
      expect(before.body.details.database.status).toBe('up');

      await database!.kill();

      const after = await waitFor(async () => {
        const answer = await anonymous.get('/health/ready');
        return answer.status === 503 ? answer : undefined;
      }, 15_000);
      expect(after.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } }, details: { database: { status: 'down' } } });
      expect(after.body.info?.database).toBeUndefined();
      // the process itself stays up: liveness is not readiness
      expect((await anonymous.get('/health/live')).status).toBe(200);
      expect(server!.process.exitCode).toBeNull();
    });
  });
});
