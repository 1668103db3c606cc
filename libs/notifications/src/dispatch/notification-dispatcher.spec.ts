import type { ProfileService } from '@tradepulse/config';
import { ChannelSender, DeliveryDeferred, DeliverySkipped } from '../channels/notification-channel';
import type { StoredNotification } from '../notification';
import { applyChange, defaultPreferences, NotificationPreferences, PreferencesChange } from '../preferences/notification-preferences';
import type { PreferencesService } from '../preferences/preferences.service';
import type { DeliveryStatus } from '../store/deliveries.repository';
import type { ChannelRegistry } from './channel-registry';
import type { ChannelPlan, DeliveryRecords } from './delivery-records';
import { NotificationDispatcher } from './notification-dispatcher';
import { SentOutcomes } from './sent-outcomes';

/** Delivery records with the table's primary key: a second claim of the same id × channel claims nothing. */
class RecordedDeliveries {
  readonly records = new Map<string, { status: DeliveryStatus; reason?: string }>();

  async claim(ids: readonly string[], plans: readonly ChannelPlan[]): Promise<Map<string, string[]>> {
    const claimed = new Map<string, string[]>();
    for (const id of ids) {
      for (const plan of plans) {
        const key = `${id}/${plan.channel}`;
        if (this.records.has(key)) continue;
        this.records.set(key, { status: plan.status, reason: plan.reason });
        if (plan.status === 'claimed') claimed.set(plan.channel, [...(claimed.get(plan.channel) ?? []), id]);
      }
    }
    return claimed;
  }

  readonly claimCalls: number[] = [];

  async claimBatches(batches: ReadonlyArray<{ ids: readonly string[]; plans: readonly ChannelPlan[] }>): Promise<Array<Map<string, string[]>>> {
    this.claimCalls.push(batches.length);
    const claimed: Array<Map<string, string[]>> = [];
    for (const { ids, plans } of batches) claimed.push(await this.claim(ids, plans));
    return claimed;
  }

  async mark(channel: string, ids: readonly string[], status: DeliveryStatus, reason?: string): Promise<void> {
    for (const id of ids) this.records.set(`${id}/${channel}`, { status, reason });
  }

  readonly released: string[] = [];

  async release(channel: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) this.released.push(`${id}/${channel}`);
  }

  status(id: string, channel: string): DeliveryStatus | undefined {
    return this.records.get(`${id}/${channel}`)?.status;
  }
}

class RecordingChannel implements ChannelSender {
  readonly batches: Array<{ userId: string; ids: string[] }> = [];
  constructor(private readonly outcome: () => Promise<void | 'queued'> = async () => undefined) {}

  async send(userId: string, items: StoredNotification[]): Promise<void | 'queued'> {
    this.batches.push({ userId, ids: items.map((item) => item.id) });
    return this.outcome();
  }
}

/** A channel that knows its targets: only the users it was given a chat for. */
class TargetedChannel extends RecordingChannel {
  readonly lookups: string[][] = [];
  constructor(private readonly reachable: readonly string[]) {
    super();
  }

  async unreachable(userIds: readonly string[]): Promise<Map<string, string>> {
    this.lookups.push([...userIds]);
    return new Map(userIds.filter((userId) => !this.reachable.includes(userId)).map((userId) => [userId, 'no chat linked']));
  }
}

let nextId = 1;
function note(userId: string, priority: StoredNotification['priority'] = 'normal', category: StoredNotification['category'] = 'alert'): StoredNotification {
  const at = new Date();
  return { id: String(nextId++), userId, category, priority, title: 't', body: 'b', data: {}, createdAt: at, occurredAt: at, readAt: null };
}

function setUp(channels: Record<string, ChannelSender>, changes: Record<string, PreferencesChange> = {}) {
  const deliveries = new RecordedDeliveries();
  const preferencesOf = (userId: string): NotificationPreferences => applyChange(defaultPreferences(), changes[userId] ?? {});
  const preferences = {
    get: async (userId: string) => preferencesOf(userId),
    forUsers: async (userIds: readonly string[]) => new Map(userIds.map((userId) => [userId, preferencesOf(userId)])),
  } as unknown as PreferencesService;
  const profiles = { section: () => ({ batchWindowMs: 1000, batchSize: 10 }), onChange: () => () => undefined } as unknown as ProfileService;
  const registry = { names: Object.keys(channels), get: (name: string) => channels[name] } as unknown as ChannelRegistry;
  const records = deliveries as unknown as DeliveryRecords;
  const dispatcher = new NotificationDispatcher(profiles, preferences, records, registry, new SentOutcomes(records));
  return { dispatcher, deliveries };
}

/** Lets the flush's awaited (fake) queries and its turn-coalesced lookups run. */
const settle = async () => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve));
};

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => jest.useRealTimers());

describe('NotificationDispatcher', () => {
  it('sends a critical notification alone and at once, while normal ones wait for the window as one batch', async () => {
    const websocket = new RecordingChannel();
    const { dispatcher } = setUp({ websocket });
    const [a, b, critical] = [note('u1'), note('u1'), note('u1', 'critical')];
    await dispatcher.accept([a, b, critical]);
    await settle();
    expect(websocket.batches).toEqual([{ userId: 'u1', ids: [critical.id] }]);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(websocket.batches).toEqual([{ userId: 'u1', ids: [critical.id] }, { userId: 'u1', ids: [a.id, b.id] }]);
  });

  it('records a muted category as skipped on every channel and sends nothing', async () => {
    const websocket = new RecordingChannel();
    const telegram = new RecordingChannel();
    const { dispatcher, deliveries } = setUp({ websocket, telegram }, { u1: { mutedCategories: ['signal'] } });
    const muted = note('u1', 'critical', 'signal');
    await dispatcher.accept([muted]);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(websocket.batches).toEqual([]);
    expect(telegram.batches).toEqual([]);
    expect([deliveries.status(muted.id, 'websocket'), deliveries.status(muted.id, 'telegram')]).toEqual(['skipped', 'skipped']);
  });

  it('sends only what it claimed: a notification another process claimed on a channel is not sent there again', async () => {
    const websocket = new RecordingChannel();
    const { dispatcher, deliveries } = setUp({ websocket });
    const [mine, theirs] = [note('u1'), note('u1')];
    await deliveries.claim([theirs.id], [{ channel: 'websocket', status: 'claimed' }]);
    await dispatcher.accept([mine, theirs]);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(websocket.batches).toEqual([{ userId: 'u1', ids: [mine.id] }]);
    expect(deliveries.status(mine.id, 'websocket')).toBe('sent');
  });

  it('records each channel outcome: sent, off in preferences, no target, failed, or left claimed when queued', async () => {
    const channels = {
      websocket: new RecordingChannel(),
      telegram: new RecordingChannel(async () => Promise.reject(new DeliverySkipped('no Telegram chat linked'))),
      webhook: new RecordingChannel(async () => 'queued'),
      sms: new RecordingChannel(async () => Promise.reject(new Error('gateway down'))),
      email: new RecordingChannel(),
      pager: new RecordingChannel(async () => Promise.reject(new DeliveryDeferred('pager service unreachable'))),
    };
    const { dispatcher, deliveries } = setUp(channels, { u1: { channels: { email: false } } });
    const item = note('u1');
    await dispatcher.accept([item]);
    jest.advanceTimersByTime(1000);
    await settle();
    const outcome = Object.fromEntries(Object.keys(channels).map((channel) => [channel, deliveries.records.get(`${item.id}/${channel}`)]));
    expect(outcome).toEqual({
      websocket: { status: 'sent' },
      telegram: { status: 'skipped', reason: 'no Telegram chat linked' },
      webhook: { status: 'claimed' },
      sms: { status: 'failed', reason: 'gateway down' },
      email: { status: 'skipped', reason: 'channel turned off in preferences' },
      // deferred: the claim stays, released for the recovery sweep to send again
      pager: { status: 'claimed' },
    });
    expect(deliveries.released).toEqual([`${item.id}/pager`]);
    expect(channels.email.batches).toEqual([]);
  });

  it('writes no record for a channel that cannot reach the user, and never sends on it', async () => {
    const websocket = new RecordingChannel();
    const telegram = new TargetedChannel(['u2']);
    const { dispatcher, deliveries } = setUp({ websocket, telegram });
    const [unlinked, linked] = [note('u1', 'critical'), note('u2', 'critical')];
    await dispatcher.accept([unlinked, linked]);
    await settle();
    expect(telegram.batches).toEqual([{ userId: 'u2', ids: [linked.id] }]);
    expect(deliveries.records.has(`${unlinked.id}/telegram`)).toBe(false);
    expect(deliveries.status(linked.id, 'telegram')).toBe('sent');
    expect(websocket.batches).toHaveLength(2);
  });

  it('records a muted category as skipped only on the channels that can reach the user', async () => {
    const websocket = new RecordingChannel();
    const telegram = new TargetedChannel([]);
    const { dispatcher, deliveries } = setUp({ websocket, telegram }, { u1: { mutedCategories: ['signal'] } });
    const muted = note('u1', 'critical', 'signal');
    await dispatcher.accept([muted]);
    await settle();
    expect(deliveries.records.get(`${muted.id}/websocket`)).toEqual({ status: 'skipped', reason: 'category muted' });
    expect(deliveries.records.has(`${muted.id}/telegram`)).toBe(false);
    expect(telegram.batches).toEqual([]);
  });

  it('asks a channel for the targets of every flush of one turn at once', async () => {
    const telegram = new TargetedChannel(['u1', 'u2', 'u3']);
    const { dispatcher } = setUp({ telegram });
    await dispatcher.accept([note('u1', 'critical'), note('u2', 'critical'), note('u3', 'critical')]);
    await settle();
    expect(telegram.lookups).toEqual([['u1', 'u2', 'u3']]);
    expect(telegram.batches).toHaveLength(3);
  });

  it('claims every batch flushed in one turn together, and still sends each batch on its own', async () => {
    const websocket = new RecordingChannel();
    const { dispatcher, deliveries } = setUp({ websocket });
    const [a, b, c, d] = [note('u1', 'critical'), note('u2', 'critical'), note('u1'), note('u3', 'normal', 'order')];
    await dispatcher.accept([a, b, c, d]);
    await settle();
    jest.advanceTimersByTime(1000);
    await settle();
    expect(deliveries.claimCalls).toEqual([2, 2]);
    expect(websocket.batches).toEqual([
      { userId: 'u1', ids: [a.id] },
      { userId: 'u2', ids: [b.id] },
      { userId: 'u1', ids: [c.id] },
      { userId: 'u3', ids: [d.id] },
    ]);
    expect([a, b, c, d].map((item) => deliveries.status(item.id, 'websocket'))).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('applies a preferences change made while a batch waited in its window', async () => {
    const websocket = new RecordingChannel();
    const telegram = new RecordingChannel();
    const changes: Record<string, PreferencesChange> = {};
    const { dispatcher, deliveries } = setUp({ websocket, telegram }, changes);
    const item = note('u1');
    await dispatcher.accept([item]);
    changes.u1 = { channels: { telegram: false } };
    jest.advanceTimersByTime(1000);
    await settle();
    expect(telegram.batches).toEqual([]);
    expect(deliveries.records.get(`${item.id}/telegram`)).toEqual({ status: 'skipped', reason: 'channel turned off in preferences' });
    expect(deliveries.status(item.id, 'websocket')).toBe('sent');
  });

  it('does not take a notification twice while it waits in the window', async () => {
    const websocket = new RecordingChannel();
    const { dispatcher } = setUp({ websocket });
    const item = note('u1');
    await dispatcher.accept([item]);
    await dispatcher.accept([item], 0);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(websocket.batches).toEqual([{ userId: 'u1', ids: [item.id] }]);
  });

  it('flushes what waits when the application shuts down, and records its outcome before it returns', async () => {
    const websocket = new RecordingChannel();
    const { dispatcher, deliveries } = setUp({ websocket });
    const item = note('u2');
    await dispatcher.accept([item]);
    await dispatcher.close();
    expect(websocket.batches).toEqual([{ userId: 'u2', ids: [item.id] }]);
    expect(deliveries.status(item.id, 'websocket')).toBe('sent');
  });

  it('at shutdown, gives sends under way a grace period, then stops the channels: what they drop stays claimed', async () => {
    let stopSending: () => void = () => undefined;
    const slow: ChannelSender = {
      send: () => new Promise((_, reject) => (stopSending = () => reject(new DeliveryDeferred('stopped before it was sent')))),
      stop: async () => stopSending(),
    };
    const { dispatcher, deliveries } = setUp({ telegram: slow });
    const item = note('u3', 'critical');
    await dispatcher.accept([item]);
    await settle();
    let done = false;
    const shutdown = dispatcher.close().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    jest.advanceTimersByTime(3_000);
    await shutdown;
    expect(deliveries.status(item.id, 'telegram')).toBe('claimed');
    expect(deliveries.released).toEqual([`${item.id}/telegram`]);
  });

  it('fails only its own batch when a channel throws before returning its promise', async () => {
    const websocket = new RecordingChannel();
    let calls = 0;
    const flaky: ChannelSender = {
      send: (userId, items) => {
        if (calls++ === 0) throw new Error('bad payload');
        return websocket.send(userId, items);
      },
    };
    const { dispatcher, deliveries } = setUp({ websocket: flaky });
    const [first, second] = [note('u1', 'critical'), note('u2', 'critical')];
    await dispatcher.accept([first, second]);
    await settle();
    expect(deliveries.records.get(`${first.id}/websocket`)).toEqual({ status: 'failed', reason: 'bad payload' });
    expect(deliveries.status(second.id, 'websocket')).toBe('sent');
    expect(websocket.batches).toEqual([{ userId: 'u2', ids: [second.id] }]);
  });
});
