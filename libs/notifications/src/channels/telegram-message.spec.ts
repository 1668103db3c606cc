import type { StoredNotification } from '../notification';
import { telegramBatchMessage } from './telegram-message';

function note(id: string, title: string, body: string, priority: StoredNotification['priority'] = 'normal'): StoredNotification {
  return { id, userId: 'u', category: 'alert', priority, title, body, data: {}, createdAt: new Date(0), occurredAt: new Date(0), readAt: null };
}

describe('telegramBatchMessage', () => {
  it('writes one item as its bold title and its body', () => {
    expect(telegramBatchMessage([note('1', 'BTC/USDT rose to 100', 'BTC/USDT is at 101.')])).toBe('<b>BTC/USDT rose to 100</b>\nBTC/USDT is at 101.');
  });

  it('writes several items as one message with a count and one entry each', () => {
    const text = telegramBatchMessage([note('1', 'A', 'a'), note('2', 'B', 'b', 'high'), note('3', 'C', 'c')]);
    expect(text.startsWith('<b>3 alert notifications</b>')).toBe(true);
    expect(text.match(/• /g)).toHaveLength(3);
    expect(text).toContain('• ❗ <b>B</b>\nb');
  });

  it('escapes HTML in titles and bodies', () => {
    const text = telegramBatchMessage([note('1', '<script>&', 'a < b > c')]);
    expect(text).toBe('<b>&lt;script&gt;&amp;</b>\na &lt; b &gt; c');
  });
});
