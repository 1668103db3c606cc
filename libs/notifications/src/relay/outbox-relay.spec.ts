import type { AppConfig, ProfileService } from '@tradepulse/config';
import { EventBus, OutboxWriter } from '@tradepulse/platform';
import type { NotificationDispatcher } from '../dispatch/notification-dispatcher';
import type { StoredNotification } from '../notification';
import { NotificationsShutdown } from '../notifications-shutdown';
import type { NotificationsRepository } from '../store/notifications.repository';
import { OutboxRelay } from './outbox-relay';

const BATCH_SIZE = 2;

/** An outbox the test appends to; a relay pass takes up to `limit` rows out of it. */
class FakeOutbox {
  readonly rows: string[] = [];
  passes = 0;
  onPass = () => {};

  async relayOutbox(limit: number): Promise<{ picked: number; created: StoredNotification[] }> {
    this.passes++;
    this.onPass();
    const picked = this.rows.splice(0, limit);
    return { picked: picked.length, created: picked.map((id) => ({ id, userId: 'u1' }) as StoredNotification) };
  }
}

class RecordingDispatcher {
  readonly steps: string[] = [];

  async accept(notifications: readonly StoredNotification[]): Promise<void> {
    for (const notification of notifications) this.steps.push(`accept ${notification.id}`);
  }

  async close(): Promise<void> {
    this.steps.push('close');
  }
}

function relayOver(store: FakeOutbox, dispatcher: RecordingDispatcher, outbox: OutboxWriter): OutboxRelay {
  const config = { hasRole: () => true } as unknown as AppConfig;
  const profiles = { section: () => ({ relayIntervalMs: 60_000, relayBatchSize: BATCH_SIZE }) } as unknown as ProfileService;
  return new OutboxRelay(config, profiles, new EventBus(), outbox, store as unknown as NotificationsRepository, dispatcher as unknown as NotificationDispatcher);
}

describe('OutboxRelay at shutdown', () => {
  afterEach(() => jest.restoreAllMocks());

  it('relays what a producer commits from its queue while the process stops, before the dispatcher closes', async () => {
    const store = new FakeOutbox();
    const dispatcher = new RecordingDispatcher();
    const outbox = new OutboxWriter(new EventBus());
    let commitQueued!: () => void;
    const queuedCommit = new Promise<void>((resolve) => (commitQueued = resolve));
    outbox.addQueuedWriter(() => queuedCommit);
    const relay = relayOver(store, dispatcher, outbox);
    relay.onApplicationBootstrap();
    await relay.relayNow();

    const stopped = new NotificationsShutdown(relay, dispatcher as unknown as NotificationDispatcher).beforeApplicationShutdown();
    await new Promise((resolve) => setImmediate(resolve));
    expect(dispatcher.steps).toEqual([]);
    // the producer's last commit lands after the relay stopped listening for commits
    store.rows.push('n1', 'n2', 'n3');
    commitQueued();
    await stopped;

    expect(dispatcher.steps).toEqual(['accept n1', 'accept n2', 'accept n3', 'close']);
    expect(store.rows).toEqual([]);
  });

  it('stops its last passes after a second, leaving the rest of a backlog in the outbox', async () => {
    const store = new FakeOutbox();
    const dispatcher = new RecordingDispatcher();
    const relay = relayOver(store, dispatcher, new OutboxWriter(new EventBus()));
    relay.onApplicationBootstrap();
    await relay.relayNow();
    store.rows.push(...Array.from({ length: 100 }, (_, i) => `n${i}`));
    // each pass takes 300 ms of the clock
    let now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    store.onPass = () => (now += 300);
    const passesBefore = store.passes;

    await new NotificationsShutdown(relay, dispatcher as unknown as NotificationDispatcher).beforeApplicationShutdown();

    expect(store.passes - passesBefore).toBe(4);
    expect(store.rows).toHaveLength(100 - 4 * BATCH_SIZE);
    expect(dispatcher.steps.at(-1)).toBe('close');
  });
});
