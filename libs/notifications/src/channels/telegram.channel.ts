// Telegram: one message per batch to the user's linked chat, through the throttled TelegramSender (Bot API
// limits, retry_after, splitting). Without a bot token or a linked chat the delivery is skipped.
import { Injectable, Optional } from '@nestjs/common';
import { UsersService } from '@tradepulse/platform';
import { classifySendFailure, TelegramSender, TelegramSenderStoppedError } from '@tradepulse/telegram';
import type { StoredNotification } from '../notification';
import { TelegramChatsRepository } from '../store/telegram-chats.repository';
import { deliveryKey } from './delivery-key';
import { ChannelSender, DeliveryDeferred, DeliverySkipped, NotificationChannel } from './notification-channel';
import { telegramBatchMessage } from './telegram-message';

const NOT_CONFIGURED = 'Telegram is not configured (no TELEGRAM_BOT_TOKEN)';
const NO_CHAT = 'no Telegram chat linked';

@Injectable()
@NotificationChannel('telegram')
export class TelegramChannel implements ChannelSender {
  constructor(
    private readonly users: UsersService,
    private readonly chats: TelegramChatsRepository,
    @Optional() private readonly sender?: TelegramSender,
  ) {}

  async unreachable(userIds: readonly string[]): Promise<Map<string, string>> {
    if (!this.sender) return new Map(userIds.map((userId) => [userId, NOT_CONFIGURED]));
    const linked = await this.chats.linkedUsers(userIds);
    return new Map(userIds.filter((userId) => !linked.has(userId)).map((userId) => [userId, NO_CHAT]));
  }

  async send(userId: string, items: StoredNotification[], dedupeKey: string): Promise<void> {
    if (!this.sender) throw new DeliverySkipped(NOT_CONFIGURED);
    // the entity declares a string, but the driver hands a bigint column over as a BigInt
    const linked: unknown = (await this.users.get(userId)).telegramChatId;
    if (linked === null || linked === undefined) throw new DeliverySkipped(NO_CHAT);
    const chatId = String(linked);
    try {
      await this.sender.send(chatId, telegramBatchMessage(items), {
        priority: items.some((item) => item.priority === 'critical') ? 'high' : 'normal',
        dedupeKey: `notifications:${deliveryKey(chatId, dedupeKey, items.map((item) => item.id))}`,
      });
    } catch (error) {
      // Telegram down past the sender's retries (5xx, network), or the process stopping: not delivered, so the
      // recovery sweep tries again later; a 4xx (blocked bot, chat gone) fails the delivery for good
      if (error instanceof TelegramSenderStoppedError) throw new DeliveryDeferred('stopped before it was sent');
      if (classifySendFailure(error).kind === 'transient') throw new DeliveryDeferred(`Telegram unreachable: ${(error as Error).message}`);
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.sender?.stop();
  }
}
