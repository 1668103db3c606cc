// WebSocket: one `notification` event per batch to the user's room (every socket of the user, any process).
// A user with no open socket gets it on reconnect, by the replay of the gateway.
import { Injectable } from '@nestjs/common';
import { StoredNotification, toDeliveredItem } from '../notification';
import { NotificationsGateway } from '../websocket/notifications.gateway';
import { ChannelSender, NotificationChannel } from './notification-channel';

@Injectable()
@NotificationChannel('websocket')
export class WebsocketChannel implements ChannelSender {
  constructor(private readonly gateway: NotificationsGateway) {}

  send(userId: string, items: StoredNotification[]): Promise<void> {
    return this.gateway.sendToUser(userId, items.map(toDeliveredItem));
  }
}
