import { AppConfig, ProfileService } from '@tradepulse/config';
import type { ApiKeyService, EventBus } from '@tradepulse/platform';
import type { Server, Socket } from 'socket.io';
import type { DeliveryRecords } from '../dispatch/delivery-records';
import { SentOutcomes } from '../dispatch/sent-outcomes';
import { StoredNotification, toDeliveredItem } from '../notification';
import type { NotificationsRepository } from '../store/notifications.repository';
import { NotificationsGateway } from './notifications.gateway';
import { userRoom } from './symbol-list';

const USER = 'u1';
/** the gateways set up by a test, stopped after it */
const gateways: NotificationsGateway[] = [];

function notification(id: string): StoredNotification {
  const at = new Date();
  return { id, userId: USER, category: 'alert', priority: 'critical', title: `n${id}`, body: '', data: {}, createdAt: at, occurredAt: at, readAt: null };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * The gateway over an in-memory store: a notification is found by the replay read only once its 'sent' outcome
 * was recorded, and recording waits for `recording` to open (the database's write taking its time).
 */
function setUp() {
  const stored = new Map<string, StoredNotification>();
  const recordedSent = new Set<string>();
  const recording = gate();
  const deliveries = {
    mark: async (_channel: string, ids: readonly string[]) => {
      await recording.opened;
      for (const id of ids) recordedSent.add(id);
    },
  } as unknown as DeliveryRecords;
  let readGate: Promise<void> = Promise.resolve();
  const notifications = {
    missedOnWebsocket: async (userId: string, afterId: string) => {
      await readGate;
      return [...stored.values()].filter((n) => n.userId === userId && BigInt(n.id) > BigInt(afterId) && recordedSent.has(n.id));
    },
  } as unknown as NotificationsRepository;
  const outcomes = new SentOutcomes(deliveries);
  const config = { env: { MARKET_SYMBOLS: ['BTC/USDT'] } } as unknown as AppConfig;
  const gateway = new NotificationsGateway({} as ApiKeyService, new ProfileService('balanced', []), {} as EventBus, notifications, outcomes, config);
  gateways.push(gateway);

  // sockets in the user's room get room emits, as Socket.IO would deliver them
  const inRoom = new Set<{ received: StoredNotification['id'][][] }>();
  gateway.server = {
    to: (room: string) => ({
      emit: (_event: string, payload: { items: Array<{ id: string }> }) => {
        if (room === userRoom(USER)) for (const socket of inRoom) socket.received.push(payload.items.map((item) => item.id));
      },
    }),
  } as unknown as Server;

  /** what the dispatcher does for a websocket send: emit, then add the outcome to the turn's recording */
  const send = async (id: string) => {
    const sent = notification(id);
    stored.set(id, sent);
    await gateway.sendToUser(USER, [toDeliveredItem(sent)]);
    void outcomes.add('websocket', [sent]);
  };

  const connect = (lastNotificationId: string) => {
    const client = { received: [] as string[][] };
    const socket = {
      data: { user: { id: USER, keyId: 'k1' }, lastNotificationId, lastActiveAt: Date.now() },
      connected: true,
      conn: { on: () => undefined },
      once: () => undefined,
      join: () => void inRoom.add(client),
      emit: (_event: string, payload: { items: Array<{ id: string }> }) => client.received.push(payload.items.map((item) => item.id)),
    } as unknown as Socket;
    gateway.handleConnection(socket);
    return client;
  };

  return { send, connect, recording, holdReads: (until: Promise<void>) => (readGate = until) };
}

const turns = (n: number) => new Promise((resolve) => setTimeout(resolve, n));

describe('NotificationsGateway replay on reconnect', () => {
  afterEach(() => Promise.all(gateways.splice(0).map((gateway) => gateway.stopSending())));

  it('replays a notification emitted while the client was away whose "sent" was not yet recorded when it came back', async () => {
    const { send, connect, recording } = setUp();
    await send('5');
    const client = connect('4');
    await turns(20);
    recording.open();
    await turns(20);

    expect(client.received).toEqual([['5']]);
  });

  it('does not replay what reached the socket live while the replay was being read, though it was recorded before the read', async () => {
    const { send, connect, recording, holdReads } = setUp();
    recording.open();
    const read = gate();
    holdReads(read.opened);
    const client = connect('4');
    await send('6');
    await turns(20);
    read.open();
    await turns(20);

    expect(client.received).toEqual([['6']]);
  });

  it('replays what was recorded before it came back, once', async () => {
    const { send, connect, recording } = setUp();
    recording.open();
    await send('7');
    await send('8');
    await turns(20);
    const client = connect('7');
    await turns(20);

    expect(client.received).toEqual([['8']]);
  });
});
