// The outbox relay counts each source event once: outbox rows are written here straight into the server's database,
// as a producer's transaction writes them, and an event whose key is written twice (a replayed event) becomes one
// notification, delivered once.
import { Client } from 'pg';
import { ApiClient, uniqueName } from './support/api-client';
import { NotificationSocket } from './support/notification-socket';
import { RunningServer, startServer } from './support/server-process';
import { databaseUrlOf, SharedDatabase, sharedDatabase } from './support/shared-database';
import { waitFor } from './support/wait-for';

interface OutboxRow {
  eventKey: string;
  userId: string;
  title: string;
}

describe('outbox relay', () => {
  let database: SharedDatabase;
  let server: RunningServer;
  let anonymous: ApiClient;
  let db: Client;
  const sockets: NotificationSocket[] = [];

  beforeAll(async () => {
    database = await sharedDatabase();
    server = await startServer({ env: database.env });
    anonymous = new ApiClient(server.url);
    db = new Client({ connectionString: databaseUrlOf(server, database) });
    await db.connect();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await db?.end();
    await server?.dispose();
    database?.stop();
  });

  /** One commit of outbox rows; critical, so their delivery skips the batch window. */
  const append = (...rows: OutboxRow[]) =>
    db.query(
      `insert into outbox (event_key, user_id, category, priority, title, body, data, occurred_at)
       select event_key, user_id, 'system', 'critical', title, 'written by the e2e test', '{}'::jsonb, now()
       from unnest($1::text[], $2::uuid[], $3::text[]) as r(event_key, user_id, title)`,
      [rows.map((row) => row.eventKey), rows.map((row) => row.userId), rows.map((row) => row.title)],
    );
  const pending = async (eventKey: string) => (await db.query<{ n: number }>('select count(*)::int as n from outbox where event_key = $1', [eventKey])).rows[0].n;
  const event = (userId: string, title: string): OutboxRow => ({ eventKey: `e2e:${uniqueName('event')}`, userId, title });
  const listen = async (apiKey: string) => {
    const socket = await NotificationSocket.open(server.url, { token: apiKey });
    sockets.push(socket);
    return socket;
  };
  /** Appends a later event and waits for it on `socket`: whatever the relay sent before has arrived by then. */
  const settle = async (socket: NotificationSocket, userId: string) => {
    const sentinel = event(userId, 'sentinel');
    await append(sentinel);
    await socket.waitForBatch((item) => item.title === sentinel.title);
  };

  it('creates one notification, delivered once, for an event written twice in one commit', async () => {
    const user = await anonymous.register(uniqueName('twice'));
    const socket = await listen(user.apiKey!);
    const twice = event(user.userId, 'written twice');
    await append(twice, twice);
    await waitFor(async () => (await pending(twice.eventKey)) === 0);
    await settle(socket, user.userId);

    const inbox = await user.get('/api/v1/notifications');
    expect(inbox.body.items.map((item: { title: string }) => item.title)).toEqual(['sentinel', 'written twice']);
    expect(socket.items.map((item) => item.title)).toEqual(['written twice', 'sentinel']);
  });

  it('creates nothing for an event written again after its notification was relayed', async () => {
    const user = await anonymous.register(uniqueName('replayed'));
    const socket = await listen(user.apiKey!);
    const original = event(user.userId, 'relayed once');
    await append(original);
    await socket.waitForBatch((item) => item.title === original.title);
    await append(original);
    await waitFor(async () => (await pending(original.eventKey)) === 0);
    await settle(socket, user.userId);

    const inbox = await user.get('/api/v1/notifications');
    expect(inbox.body).toMatchObject({ total: 2 });
    expect(inbox.body.items.map((item: { title: string }) => item.title)).toEqual(['sentinel', 'relayed once']);
    expect(socket.items.map((item) => item.title)).toEqual(['relayed once', 'sentinel']);
  });
});
