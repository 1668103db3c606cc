// Which channels send a batch and which record a skip: a record exists only for a channel that can reach the user
// (a channel without the user's chat or endpoint gets none); on those, the user's own choices (a muted category,
// a channel turned off) are recorded as skipped with the reason.
import { channelEnabled, isMuted, NotificationPreferences } from '../preferences/notification-preferences';
import type { ChannelPlan } from './delivery-records';

export const MUTED = 'category muted';
export const CHANNEL_OFF = 'channel turned off in preferences';

export function deliveryPlan(
  channels: readonly string[],
  preferences: NotificationPreferences,
  category: string,
  unreachable: ReadonlyMap<string, string> = new Map(),
): ChannelPlan[] {
  const muted = isMuted(preferences, category);
  return channels
    .filter((channel) => !unreachable.has(channel))
    .map((channel): ChannelPlan => {
      if (muted) return { channel, status: 'skipped', reason: MUTED };
      if (!channelEnabled(preferences, channel)) return { channel, status: 'skipped', reason: CHANNEL_OFF };
      return { channel, status: 'claimed' };
    });
}
