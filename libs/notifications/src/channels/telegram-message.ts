// One Telegram message (HTML) for one batch: the user gets a single message however many items it holds.
// The sender splits it above 4,096 characters.
import { escapeHtml } from '@tradepulse/telegram';
import type { StoredNotification } from '../notification';

const PRIORITY_MARK: Record<string, string> = { critical: '🚨 ', high: '❗ ' };

export function telegramBatchMessage(items: readonly StoredNotification[]): string {
  if (items.length === 1) return describe(items[0]);
  const categories = [...new Set(items.map((item) => item.category))].join(', ');
  return [`<b>${items.length} ${escapeHtml(categories)} notifications</b>`, ...items.map((item) => `• ${describe(item)}`)].join('\n\n');
}

function describe(item: StoredNotification): string {
  const title = `${PRIORITY_MARK[item.priority] ?? ''}<b>${escapeHtml(item.title)}</b>`;
  return item.body ? `${title}\n${escapeHtml(item.body)}` : title;
}
