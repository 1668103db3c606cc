// Asks the channels, before a claim, which users they cannot reach (no Telegram chat, no webhook endpoint):
// those records are written 'skipped' with the claim instead of being claimed, tried and marked. The flushes
// of one event-loop turn ask each channel once, for all their users together.
import { StatementCoalescer } from '@tradepulse/platform';
import type { ChannelSender } from '../channels/notification-channel';

export interface ChannelLookup {
  get(name: string): ChannelSender | undefined;
}

/** one lookup per channel at a time; users asked meanwhile join the next one */
const OPTIONS = { maxInFlight: 1, maxRows: 5_000 };

export class ChannelTargets {
  private readonly lookups = new Map<string, StatementCoalescer<string, string | undefined> | null>();

  constructor(private readonly channels: ChannelLookup) {}

  /** Of these channels, those that cannot reach the user, with why. */
  async unreachable(userId: string, channelNames: readonly string[]): Promise<Map<string, string>> {
    const reasons = await Promise.all(channelNames.map(async (name) => (await this.lookup(name)?.submit([userId]))?.[0]));
    const unreachable = new Map<string, string>();
    channelNames.forEach((name, index) => reasons[index] !== undefined && unreachable.set(name, reasons[index]));
    return unreachable;
  }

  private lookup(name: string): StatementCoalescer<string, string | undefined> | undefined {
    if (!this.lookups.has(name)) {
      const channel = this.channels.get(name);
      this.lookups.set(
        name,
        channel?.unreachable
          ? new StatementCoalescer(async (userIds) => {
              const reasons = await channel.unreachable!(userIds);
              return userIds.map((userId) => reasons.get(userId));
            }, OPTIONS)
          : null,
      );
    }
    return this.lookups.get(name) ?? undefined;
  }
}
