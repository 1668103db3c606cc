// The notifications plugin: store, outbox relay, batching dispatcher, channels (websocket, telegram, webhook),
// REST for the inbox, preferences and webhooks, and the Socket.IO gateway at /ws.
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TelegramChannel } from './channels/telegram.channel';
import { WebhookChannel } from './channels/webhook.channel';
import { WebsocketChannel } from './channels/websocket.channel';
import { ChannelRegistry } from './dispatch/channel-registry';
import { ClaimStaleness } from './dispatch/claim-staleness';
import { SentOutcomes } from './dispatch/sent-outcomes';
import { DeliveryRecords } from './dispatch/delivery-records';
import { DeliveryRecovery } from './dispatch/delivery-recovery';
import { NotificationDispatcher } from './dispatch/notification-dispatcher';
import { InboxService } from './inbox/inbox.service';
import { NotificationsController } from './inbox/notifications.controller';
import { NOTIFICATIONS_OPTIONS, NotificationsModuleOptions } from './notifications.options';
import { NotificationsShutdown } from './notifications-shutdown';
import { PreferencesController } from './preferences/preferences.controller';
import { PreferencesRepository } from './preferences/preferences.repository';
import { PreferencesService } from './preferences/preferences.service';
import { OutboxRelay } from './relay/outbox-relay';
import { DeliveriesRepository } from './store/deliveries.repository';
import { NotificationsRepository } from './store/notifications.repository';
import { TelegramChatsRepository } from './store/telegram-chats.repository';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';
import { WebhookTargetPolicy } from './webhooks/webhook-target';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WebhooksService } from './webhooks/webhooks.service';
import { NotificationsGateway } from './websocket/notifications.gateway';

@Module({})
export class NotificationsModule {
  static forRoot(options: NotificationsModuleOptions = {}): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [DiscoveryModule],
      controllers: [NotificationsController, PreferencesController, WebhooksController],
      providers: [
        { provide: NOTIFICATIONS_OPTIONS, useValue: options },
        { provide: WebhookTargetPolicy, inject: [NOTIFICATIONS_OPTIONS], useFactory: (o: NotificationsModuleOptions) => new WebhookTargetPolicy(o.webhookAllowlist ?? []) },
        NotificationsRepository,
        DeliveriesRepository,
        DeliveryRecords,
        SentOutcomes,
        ClaimStaleness,
        TelegramChatsRepository,
        PreferencesRepository,
        PreferencesService,
        InboxService,
        WebhooksRepository,
        WebhooksService,
        WebhookDeliveryWorker,
        NotificationsGateway,
        // channels: a new channel is one class with @NotificationChannel('name'), listed here
        WebsocketChannel,
        TelegramChannel,
        WebhookChannel,
        ChannelRegistry,
        NotificationDispatcher,
        OutboxRelay,
        DeliveryRecovery,
        NotificationsShutdown,
      ],
      exports: [PreferencesService],
    };
  }
}
