// Telegram: one message per batch to the user's linked chat, through the throttled TelegramSender (Bot API
// limits, retry_after, splitting). Without a bot token or a linked chat the delivery is skipped.
import { Injectable, Optional } from '@nestjs/common';
import { UsersService } from '@tradepulse/platform';
import { TelegramSender } from '@tradepulse/telegram';
import type { StoredNotification } from '../notification';
import { deliveryKey } from './delivery-key';
import { ChannelSender, DeliverySkipped, NotificationChannel } from './notification-channel';
import { telegramBatchMessage } from './telegram-message';

@Injectable()
@NotificationChannel('telegram')
export class TelegramChannel implements ChannelSender {
  constructor(
    private readonly users: UsersService,
    @Optional() private readonly sender?: TelegramSender,
  ) {}

  async send(userId: string, items: StoredNotification[]): Promise<void> {
    if (!this.sender) throw new DeliverySkipped('Telegram is not configured (no TELEGRAM_BOT_TOKEN)');
    // the entity declares a string, but the driver hands a bigint column over as a BigInt
    const linked: unknown = (await this.users.get(userId)).telegramChatId;
    if (linked === null || linked === undefined) throw new DeliverySkipped('no Telegram chat linked');
    const chatId = String(linked);
    await this.sender.send(chatId, telegramBatchMessage(items), {
      priority: items.some((item) => item.priority === 'critical') ? 'high' : 'normal',
      dedupeKey: `notifications:${deliveryKey(chatId, items.map((item) => item.id))}`,
    });
  }
}
