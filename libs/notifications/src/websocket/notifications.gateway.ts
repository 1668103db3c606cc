// Socket.IO at /ws: authenticated in the handshake, one room per user for notifications, `price:<symbol>`
// rooms for subscribed prices, replay of missed notifications on reconnect, connection limits, idle timeout.
import { Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { ApiKeyService, EventBus } from '@tradepulse/platform';
import { setTimeout as delay } from 'node:timers/promises';
import type { Server, Socket } from 'socket.io';
import { SentOutcomes } from '../dispatch/sent-outcomes';
import { DeliveredItem, toDeliveredItem } from '../notification';
import { notificationMetrics } from '../notification-metrics';
import { NotificationsRepository } from '../store/notifications.repository';
import { ConnectionRegistry } from './connection-registry';
import { session, socketAuthMiddleware } from './socket-auth';
import { keyRoom, parseSymbolList, priceRoom, userRoom } from './symbol-list';
import { UserSendLimiter } from './user-send-limiter';

export const WEBSOCKET_PATH = '/ws';
const MAX_SYMBOLS_PER_SOCKET = 100;
const REVOKED = { reason: 'unauthorized: the API key of this connection was revoked' };
/** the idle sweep runs this often, or twice per idle timeout when that is shorter */
const IDLE_SWEEP_MS = 5_000;
/** a replay waits at most this long for this process's sends to be recorded (a database outage) */
const REPLAY_RECORDING_WAIT_MS = 2_000;

type SubscribeAnswer = { ok: true; symbols: string[] } | { ok: false; reason: string };

@WebSocketGateway({ path: WEBSOCKET_PATH, serveClient: false })
export class NotificationsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy, OnApplicationShutdown {
  @WebSocketServer() server!: Server;
  private readonly logger = new Logger('NotificationsGateway');
  private readonly connections = new ConnectionRegistry();
  private readonly sendLimiter: UserSendLimiter;
  private readonly stops: Array<() => void> = [];
  private idleSweep?: NodeJS.Timeout;
  private readonly knownSymbols: ReadonlySet<string>;
  /** the last key check of open sockets failed (logged once until one succeeds) */
  private revokedCheckFailing = false;
  /** per user with a replay being read: the ids of notifications emitted to their room meanwhile (received live) */
  private readonly emittedDuringReplay = new Map<string, Set<Set<string>>>();

  constructor(
    private readonly keys: ApiKeyService,
    private readonly profiles: ProfileService,
    private readonly bus: EventBus,
    private readonly notifications: NotificationsRepository,
    private readonly sentOutcomes: SentOutcomes,
    config: AppConfig,
  ) {
    this.knownSymbols = new Set(config.env.MARKET_SYMBOLS);
    this.sendLimiter = new UserSendLimiter(profiles.section('websocket'));
    this.stops.push(profiles.onChange('websocket', (next) => this.sendLimiter.setRate(next)));
  }

  afterInit(server: Server): void {
    server.use(socketAuthMiddleware(this.keys));
    this.stops.push(this.bus.on('market.ticks', ({ ticks }) => this.broadcastPrices(ticks)));
    this.stops.push(this.bus.on('apiKey.revoked', ({ keyId }) => this.closeSocketsOf(keyId)));
    this.stops.push(this.bus.on('apiKey.revokedElsewhere', ({ keyId }) => this.closeLocalSocketsOf(keyId)));
    this.scheduleIdleSweep();
  }

  /** Synchronous up to the verdict, so no client event is handled before it. */
  handleConnection(socket: Socket): void {
    const data = session(socket);
    if (!data.user) return this.refuse(socket, data.refusal ?? 'unauthorized');
    const refusal = this.connections.admit(data.user.id, this.profiles.section('websocket'));
    if (refusal) return this.refuse(socket, refusal);
    const userId = data.user.id;
    data.admitted = true;
    notificationMetrics.websocketConnections.set(this.connections.size);
    socket.once('disconnect', () => {
      this.connections.release(userId);
      notificationMetrics.websocketConnections.set(this.connections.size);
    });
    // any packet from the client counts, heartbeat replies included: a client that only listens is not idle
    socket.conn.on('packet', () => (data.lastActiveAt = Date.now()));
    void socket.join([userRoom(userId), keyRoom(data.user.keyId)]);
    if (data.lastNotificationId !== undefined) void this.replay(socket, userId, data.lastNotificationId);
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): SubscribeAnswer {
    const parsed = parseSymbolList(body);
    if ('reason' in parsed) return { ok: false, reason: parsed.reason };
    const unknown = parsed.symbols.filter((symbol) => !this.knownSymbols.has(symbol));
    if (unknown.length) return { ok: false, reason: `symbols: no prices for ${unknown.join(', ')}; known: ${[...this.knownSymbols].join(', ')}` };
    const current = [...socket.rooms].filter((room) => room.startsWith('price:')).length;
    const fresh = parsed.symbols.filter((symbol) => !socket.rooms.has(priceRoom(symbol)));
    if (current + fresh.length > MAX_SYMBOLS_PER_SOCKET) return { ok: false, reason: `symbols: at most ${MAX_SYMBOLS_PER_SOCKET} subscriptions per connection` };
    void socket.join(parsed.symbols.map(priceRoom));
    return { ok: true, symbols: parsed.symbols };
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): SubscribeAnswer {
    const parsed = parseSymbolList(body);
    if ('reason' in parsed) return { ok: false, reason: parsed.reason };
    for (const symbol of parsed.symbols) void socket.leave(priceRoom(symbol));
    return { ok: true, symbols: parsed.symbols };
  }

  /** One `notification` event to every socket of the user, in any process; waits for the user's send rate. */
  sendToUser(userId: string, items: DeliveredItem[]): Promise<void> {
    return this.sendLimiter.schedule(userId, () => {
      this.server.to(userRoom(userId)).emit('notification', { items });
      for (const live of this.emittedDuringReplay.get(userId) ?? []) for (const item of items) live.add(item.id);
    });
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
    clearTimeout(this.idleSweep);
    this.idleSweep = undefined;
  }

  /**
   * Sends still waiting for a user's rate are dropped (SendLimiterStopped): called by the websocket channel once the
   * dispatcher's shutdown grace is over, not before (Nest destroys modules before the shutdown hooks run).
   */
  stopSending(): Promise<void> {
    return this.sendLimiter.stop();
  }

  /** In case nothing stopped the sends before (no dispatcher in this process). */
  async onApplicationShutdown(): Promise<void> {
    await this.stopSending();
  }

  /**
   * A revoked key's sockets stop receiving the user's notifications at once: this process's own sockets directly
   * (with Redis down, the Redis adapter would only publish the disconnect and wait for it to come back), the other
   * processes' through the adapter's broadcast (or, failing that, their next key sweep).
   */
  private closeSocketsOf(keyId: string): void {
    this.closeLocalSocketsOf(keyId);
    // this process's sockets have left the room: what the broadcast reaches is the other processes'
    this.server.to(keyRoom(keyId)).emit('error', REVOKED);
    this.server.in(keyRoom(keyId)).disconnectSockets(true);
  }

  /** Also those admitted after the revocation while this process still remembered the key (announced over Redis). */
  private closeLocalSocketsOf(keyId: string): void {
    this.server.local.to(keyRoom(keyId)).emit('error', REVOKED);
    this.server.local.in(keyRoom(keyId)).disconnectSockets(true);
  }

  private refuse(socket: Socket, reason: string): void {
    socket.emit('error', { reason });
    socket.disconnect(true);
  }

  /**
   * Called right after the socket joined its user's room. What this process emitted to the room before is waited
   * for until it is recorded sent (else the read would miss it: the client was not in the room); what it emits
   * from now on reaches the socket live, and is left out of the replay even when recorded before the read.
   */
  private async replay(socket: Socket, userId: string, afterId: string): Promise<void> {
    const live = new Set<string>();
    const watching = this.emittedDuringReplay.get(userId) ?? new Set<Set<string>>();
    this.emittedDuringReplay.set(userId, watching.add(live));
    try {
      await Promise.race([this.sentOutcomes.recorded(), delay(REPLAY_RECORDING_WAIT_MS, undefined, { ref: false })]);
      const { offlineQueueSize } = this.profiles.section('websocket');
      const missed = (await this.notifications.missedOnWebsocket(userId, afterId, offlineQueueSize)).filter((notification) => !live.has(notification.id));
      if (missed.length && socket.connected) socket.emit('notification', { items: missed.map(toDeliveredItem) });
    } catch (error) {
      this.logger.warn(`replay for user ${userId} after ${afterId} failed; the client can list GET /api/v1/notifications: ${(error as Error).message}`);
    } finally {
      watching.delete(live);
      if (!watching.size) this.emittedDuringReplay.delete(userId);
    }
  }

  /** The latest tick per symbol of the batch, to that symbol's room. */
  private broadcastPrices(ticks: ReadonlyArray<{ symbol: string; price: number; ts: number }>): void {
    if (!this.server) return;
    const latest = new Map<string, { symbol: string; price: number; ts: number }>();
    for (const tick of ticks) latest.set(tick.symbol, tick);
    for (const { symbol, price, ts } of latest.values()) this.server.to(priceRoom(symbol)).emit('price', { symbol, price, ts });
  }

  private scheduleIdleSweep(): void {
    const idleMs = this.profiles.section('websocket').idleTimeoutSec * 1000;
    this.idleSweep = setTimeout(() => {
      void this.sweep();
      if (this.idleSweep) this.scheduleIdleSweep();
    }, Math.min(IDLE_SWEEP_MS, idleMs / 2));
    this.idleSweep.unref();
  }

  /**
   * One pass over the open sockets. Closes those whose client sent nothing, not even a heartbeat reply, for the
   * profile's idle timeout; then those of keys revoked through another process (or before this process heard of
   * it): the revoking process closes what it can reach at once, but a socket admitted here afterwards, while this
   * process still remembered the key, would stay. Seen within apiKeyTtlSec plus one sweep.
   */
  private async sweep(): Promise<void> {
    if (!this.server) return;
    const idleMs = this.profiles.section('websocket').idleTimeoutSec * 1000;
    const now = Date.now();
    const keyIds = new Set<string>();
    for (const socket of this.server.sockets.sockets.values()) {
      const data = session(socket);
      if (!data.admitted || !data.user) continue;
      if (now - data.lastActiveAt > idleMs) this.refuse(socket, `idle for more than ${idleMs / 1000} s: reconnect to continue`);
      else keyIds.add(data.user.keyId);
    }
    try {
      const checked = await Promise.all([...keyIds].map(async (keyId) => ({ keyId, active: await this.keys.isActive(keyId) })));
      for (const { keyId, active } of checked) if (!active) this.closeSocketsOf(keyId);
      this.revokedCheckFailing = false;
    } catch (error) {
      if (!this.revokedCheckFailing) this.logger.warn(`could not check the keys of open sockets (will retry every sweep): ${(error as Error).message}`);
      this.revokedCheckFailing = true;
    }
  }
}
