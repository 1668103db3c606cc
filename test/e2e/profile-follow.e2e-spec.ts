// Processes over one database follow each other's run-time profile switches; an explicit PROFILE still wins
// at start-up over switches made before.
import { ApiClient } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';
import { SharedDatabase, sharedDatabase } from './support/shared-database';
import { waitUntil } from './support/wait-until';

describe('a profile switch reaches every process on the database', () => {
  let database: SharedDatabase;
  let first: RunningServer;
  let second: RunningServer;
  let admin1: ApiClient;
  let admin2: ApiClient;

  beforeAll(async () => {
    database = await sharedDatabase();
    first = await startServer({ env: database.env });
    admin1 = new ApiClient(first.url, first.adminKey);
    // recorded before the second process starts, which is told PROFILE=conservative explicitly
    expect((await admin1.put('/admin/api/profile', { profile: 'maximum' })).status).toBe(200);
    second = await startServer({ reuse: first, env: { ...database.env, PROFILE: 'conservative' } });
    admin2 = new ApiClient(second.url, first.adminKey);
  });

  afterAll(async () => {
    await second?.stop();
    await first?.dispose();
    database?.stop();
  });

  const profileOf = async (admin: ApiClient) => (await admin.get('/admin/api/profile')).body;

  it('keeps the explicit PROFILE over a switch recorded before the process started', async () => {
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // longer than one follow check
    expect((await profileOf(admin2)).profile).toBe('conservative');
    expect((await profileOf(admin1)).profile).toBe('maximum');
  });

  it('applies a switch made through one process in the other, values and behaviour', async () => {
    expect((await admin1.put('/admin/api/profile', { profile: 'aggressive' })).status).toBe(200);
    await waitUntil(async () => (await profileOf(admin2)).profile === 'aggressive', 15_000, 'the second process follows the switch');
    const followed = await profileOf(admin2);
    expect(followed.effective.http.cacheTtlSec).toBe(15);
    const user = await admin2.register(`follower_${Date.now()}`);
    expect((await user.get('/api/v1/me')).headers.get('cache-control')).toBe('private, max-age=15');
    // and back, the other way round
    expect((await admin2.put('/admin/api/profile', { profile: 'balanced' })).status).toBe(200);
    await waitUntil(async () => (await profileOf(admin1)).profile === 'balanced', 15_000, 'the first process follows the switch back');
  });
});
