// Which channels send a batch and which record a skip, from the user's preferences.
import { channelEnabled, isMuted, NotificationPreferences } from '../preferences/notification-preferences';
import type { ChannelPlan } from '../store/deliveries.repository';

export const MUTED = 'category muted';
export const CHANNEL_OFF = 'channel turned off in preferences';

export function deliveryPlan(channels: readonly string[], preferences: NotificationPreferences, category: string): ChannelPlan[] {
  const muted = isMuted(preferences, category);
  return channels.map((channel) => {
    if (muted) return { channel, status: 'skipped', reason: MUTED };
    if (!channelEnabled(preferences, channel)) return { channel, status: 'skipped', reason: CHANNEL_OFF };
    return { channel, status: 'claimed' };
  });
}
