// /health/live and /health/ready from outside, including a database that disappears under a running server.
import { ApiClient } from './support/api-client';
import { e2eMode } from './support/e2e-mode';
import { RunningServer, startServer } from './support/server-process';
import { StandaloneDatabase, STANDALONE_START_TIMEOUT_MS, startStandaloneDatabase } from './support/standalone-database';
import { waitFor } from './support/wait-for';

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
      await database?.dispose();
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
