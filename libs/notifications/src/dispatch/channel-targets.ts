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

  /** Per user that some of these channels cannot reach: those channels, with why. */
  async unreachableForUsers(userIds: readonly string[], channelNames: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const asked = channelNames.filter((name) => this.lookup(name));
    const answers = await Promise.all(asked.map((name) => this.lookup(name)!.submit([...userIds])));
    const byUser = new Map<string, Map<string, string>>();
    asked.forEach((name, channel) => {
      answers[channel].forEach((reason, index) => {
        if (reason === undefined) return;
        const userId = userIds[index];
        const own = byUser.get(userId);
        if (own) own.set(name, reason);
        else byUser.set(userId, new Map([[name, reason]]));
      });
    });
    return byUser;
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
