// Which channels send a batch and which record a skip: from the user's preferences, and from the channels that
// said they cannot reach the user (no chat linked, no endpoint), so no claim is made for those.
import { channelEnabled, isMuted, NotificationPreferences } from '../preferences/notification-preferences';
import type { ChannelPlan } from './delivery-records';

export const MUTED = 'category muted';
export const CHANNEL_OFF = 'channel turned off in preferences';

/** A muted category and a channel turned off say so in the record before a missing target does. */
export function deliveryPlan(
  channels: readonly string[],
  preferences: NotificationPreferences,
  category: string,
  unreachable: ReadonlyMap<string, string> = new Map(),
): ChannelPlan[] {
  const muted = isMuted(preferences, category);
  return channels.map((channel): ChannelPlan => {
    if (muted) return { channel, status: 'skipped', reason: MUTED };
    if (!channelEnabled(preferences, channel)) return { channel, status: 'skipped', reason: CHANNEL_OFF };
    const noTarget = unreachable.get(channel);
    if (noTarget !== undefined) return { channel, status: 'skipped', reason: noTarget };
    return { channel, status: 'claimed' };
  });
}
