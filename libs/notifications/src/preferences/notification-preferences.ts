// A user's delivery preferences: which channels, which categories are muted, and the digest window.
import type { NotificationCategory } from '@tradepulse/platform';

export const CHANNEL_NAMES = ['websocket', 'telegram', 'webhook'] as const;

export interface NotificationPreferences {
  /** channel name → enabled; a channel not named here is enabled */
  channels: Record<string, boolean>;
  mutedCategories: NotificationCategory[];
  digest: { enabled: boolean; windowSec: number };
}

export interface PreferencesChange {
  channels?: Partial<Record<string, boolean>>;
  mutedCategories?: NotificationCategory[];
  digest?: { enabled?: boolean; windowSec?: number };
}

export const DEFAULT_DIGEST_WINDOW_SEC = 300;

export function defaultPreferences(): NotificationPreferences {
  return {
    channels: Object.fromEntries(CHANNEL_NAMES.map((name) => [name, true])),
    mutedCategories: [],
    digest: { enabled: false, windowSec: DEFAULT_DIGEST_WINDOW_SEC },
  };
}

/** PUT semantics for the fields sent; fields left out keep their value. */
export function applyChange(current: NotificationPreferences, change: PreferencesChange): NotificationPreferences {
  const channels = { ...current.channels };
  for (const [name, enabled] of Object.entries(change.channels ?? {})) if (enabled !== undefined) channels[name] = enabled;
  return {
    channels,
    mutedCategories: change.mutedCategories ? [...new Set(change.mutedCategories)] : [...current.mutedCategories],
    digest: { ...current.digest, ...definedOnly(change.digest ?? {}) },
  };
}

export function channelEnabled(preferences: NotificationPreferences, channel: string): boolean {
  return preferences.channels[channel] !== false;
}

export function isMuted(preferences: NotificationPreferences, category: string): boolean {
  return (preferences.mutedCategories as string[]).includes(category);
}

/** The batch window a user's notifications wait in, when it differs from the profile's. */
export function digestWindowMs(preferences: NotificationPreferences): number | undefined {
  return preferences.digest.enabled ? preferences.digest.windowSec * 1000 : undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
