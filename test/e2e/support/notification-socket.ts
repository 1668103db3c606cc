// A Socket.IO client of /ws that records every server event from the moment it connects.
import { io, Socket } from 'socket.io-client';
import type { DeliveredItem } from '../../../libs/notifications/src/notification';
import { waitFor } from './wait-for';

export type { DeliveredItem };

export interface NotificationSocketAuth {
  token?: string;
  lastNotificationId?: string;
}

export class NotificationSocket {
  readonly batches: DeliveredItem[][] = [];
  readonly prices: Array<{ symbol: string; price: number; ts: number }> = [];
  readonly errors: Array<{ reason: string }> = [];
  /** every event name in arrival order, including connect/disconnect */
  readonly events: string[] = [];
  disconnectReason?: string;
  readonly socket: Socket;

  constructor(baseUrl: string, auth: NotificationSocketAuth) {
    this.socket = io(baseUrl, { path: '/ws', auth: { ...auth }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on('connect', () => this.events.push('connect'));
    this.socket.on('connect_error', (error) => this.events.push(`connect_error:${error.message}`));
    this.socket.on('disconnect', (reason) => {
      this.events.push('disconnect');
      this.disconnectReason = reason;
    });
    this.socket.on('error', (payload: { reason: string }) => {
      this.events.push('error');
      this.errors.push(payload);
    });
    this.socket.on('notification', (payload: { items: DeliveredItem[] }) => {
      this.events.push('notification');
      this.batches.push(payload.items);
    });
    this.socket.on('price', (payload: { symbol: string; price: number; ts: number }) => {
      this.events.push('price');
      this.prices.push(payload);
    });
  }

  /** Connects and resolves once the server accepted the socket (it answers refusals with an `error` event). */
  static async open(baseUrl: string, auth: NotificationSocketAuth): Promise<NotificationSocket> {
    const client = new NotificationSocket(baseUrl, auth);
    await waitFor(() => client.socket.connected || client.events.some((e) => e.startsWith('connect_error')), 10_000);
    if (!client.socket.connected) throw new Error(`socket did not connect: ${client.events.join(', ')}`);
    return client;
  }

  get items(): DeliveredItem[] {
    return this.batches.flat();
  }

  /** Resolves with the first batch (received so far or later) that holds an item matching `predicate`. */
  waitForBatch(predicate: (item: DeliveredItem) => boolean, timeoutMs = 10_000): Promise<DeliveredItem[]> {
    return waitFor(() => this.batches.find((batch) => batch.some(predicate)), timeoutMs, 20);
  }

  waitForDisconnect(timeoutMs = 10_000): Promise<string> {
    return waitFor(() => this.disconnectReason, timeoutMs, 20);
  }

  emitWithAck(event: string, payload: unknown): Promise<any> {
    return this.socket.timeout(5_000).emitWithAck(event, payload);
  }

  close(): void {
    this.socket.close();
  }
}
