import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { NotificationCategory } from '@tradepulse/platform';
import { query, run } from '../store/sql';
import { defaultPreferences, NotificationPreferences } from './notification-preferences';

@Injectable()
export class PreferencesRepository {
  constructor(private readonly em: EntityManager) {}

  /** Stored preferences of these users; users without a row get the defaults. */
  async findMany(userIds: readonly string[]): Promise<Map<string, NotificationPreferences>> {
    const found = new Map<string, NotificationPreferences>();
    if (!userIds.length) return found;
    const rows = await query(
      this.em,
      'select user_id, channels, muted_categories, digest_enabled, digest_window_sec from notification_preferences where user_id = any(array[?]::uuid[])',
      [userIds],
    );
    for (const row of rows) {
      const defaults = defaultPreferences();
      found.set(String(row.user_id), {
        channels: { ...defaults.channels, ...(row.channels as Record<string, boolean>) },
        mutedCategories: (row.muted_categories ?? []) as NotificationCategory[],
        digest: { enabled: Boolean(row.digest_enabled), windowSec: Number(row.digest_window_sec) },
      });
    }
    for (const userId of userIds) if (!found.has(userId)) found.set(userId, defaultPreferences());
    return found;
  }

  async save(userId: string, preferences: NotificationPreferences): Promise<void> {
    await run(
      this.em,
      `insert into notification_preferences (user_id, channels, muted_categories, digest_enabled, digest_window_sec, updated_at)
       values (?, ?::jsonb, ?::text[], ?, ?, now())
       on conflict (user_id) do update set channels = excluded.channels, muted_categories = excluded.muted_categories,
         digest_enabled = excluded.digest_enabled, digest_window_sec = excluded.digest_window_sec, updated_at = now()`,
      [userId, JSON.stringify(preferences.channels), toTextArray(preferences.mutedCategories), preferences.digest.enabled, preferences.digest.windowSec],
    );
  }
}

/** A PostgreSQL array literal; categories are validated words, quoted anyway. */
function toTextArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
