// The plugin's shutdown order, in one hook (Nest runs a module's hooks of one kind concurrently): the relay's
// last pass turns what the producers committed while stopping into notifications, then the dispatcher flushes
// every batch and sends what it can within the grace. Sweeps that feed the dispatcher stopped on the first hook.
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { NotificationDispatcher } from './dispatch/notification-dispatcher';
import { OutboxRelay } from './relay/outbox-relay';

@Injectable()
export class NotificationsShutdown implements BeforeApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly dispatcher: NotificationDispatcher,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.finish();
    await this.dispatcher.close();
  }
}
