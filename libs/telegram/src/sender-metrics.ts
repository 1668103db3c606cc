// Exposes the TelegramSender's counters to Prometheus at scrape time.
import { gauge } from '@tradepulse/platform';
import type { TelegramSender } from './telegram-sender';

export function exposeSenderMetrics(sender: TelegramSender): void {
  gauge({
    name: 'tradepulse_telegram_sender',
    help: 'TelegramSender counters: sent, retried429, retriedTransient, failed, deduplicated, dropped, pending, paused',
    labelNames: ['counter'],
    collect() {
      const stats = sender.stats;
      for (const [name, value] of Object.entries(stats)) this.set({ counter: name }, Number(value));
    },
  });
}
