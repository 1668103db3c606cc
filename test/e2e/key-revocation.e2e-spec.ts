// A key revoked through one process closes the WebSocket connections it opened on another, including one admitted
// there after the revocation while that process still remembered the key.
import { ApiClient, uniqueName } from './support/api-client';
import { NotificationSocket } from './support/notification-socket';
import { RunningServer, startServer } from './support/server-process';
import { SharedDatabase, sharedDatabase } from './support/shared-database';

const REVOKED = { reason: 'unauthorized: the API key of this connection was revoked' };
/** the balanced profile's apiKeyTtlSec (5 s) plus one sweep (5 s), and a margin */
const SEEN_WITHIN_MS = 20_000;

describe('revoking an API key across processes', () => {
  let database: SharedDatabase;
  let first: RunningServer;
  let second: RunningServer;
  const sockets: NotificationSocket[] = [];

  beforeAll(async () => {
    database = await sharedDatabase();
    first = await startServer({ env: database.env });
    second = await startServer({ reuse: first, env: database.env });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await second?.stop();
    await first?.dispose();
    database?.stop();
  });

  it("closes the key's sockets on the other process, also one admitted there after the revocation", async () => {
    const owner = await new ApiClient(first.url).register(uniqueName('revoker'));
    const phone = (await owner.post('/api/v1/me/api-keys', { label: 'phone' })).body;
    const before = await NotificationSocket.open(second.url, { token: phone.apiKey });
    sockets.push(before);
    expect((await owner.delete(`/api/v1/me/api-keys/${phone.id}`)).status).toBe(204);
    // the second process verified the key a moment ago and still remembers it: this handshake is admitted
    const after = await NotificationSocket.open(second.url, { token: phone.apiKey });
    sockets.push(after);
    const kept = await NotificationSocket.open(second.url, { token: owner.apiKey });
    sockets.push(kept);

    expect(await before.waitForDisconnect(SEEN_WITHIN_MS)).toBe('io server disconnect');
    expect(await after.waitForDisconnect(SEEN_WITHIN_MS)).toBe('io server disconnect');
    expect(after.errors).toEqual([REVOKED]);
    expect(kept.socket.connected).toBe(true);
    // and the key is refused by both processes from now on
    for (const server of [first, second]) expect((await new ApiClient(server.url, phone.apiKey).get('/api/v1/me')).status).toBe(401);
  }, 60_000);
});
