// WebSocket: one `notification` event per batch to the user's room (every socket of the user, any process).
// A user with no open socket gets it on reconnect, by the replay of the gateway.
import { Injectable } from '@nestjs/common';
import { StoredNotification, toDeliveredItem } from '../notification';
import { NotificationsGateway } from '../websocket/notifications.gateway';
import { SendLimiterStopped } from '../websocket/user-send-limiter';
import { ChannelSender, DeliveryDeferred, NotificationChannel } from './notification-channel';

@Injectable()
@NotificationChannel('websocket')
export class WebsocketChannel implements ChannelSender {
  constructor(private readonly gateway: NotificationsGateway) {}

  send(userId: string, items: StoredNotification[]): Promise<void> {
    // a send still waiting for the user's rate limit when the process stops was never emitted: the recovery sweep
    // of the next start (or of another process) sends it, instead of it being recorded failed and lost
    return this.gateway.sendToUser(userId, items.map(toDeliveredItem)).catch((error: unknown) => {
      throw error instanceof SendLimiterStopped ? new DeliveryDeferred(error.message) : error;
    });
  }

  stop(): Promise<void> {
    return this.gateway.stopSending();
  }
}
