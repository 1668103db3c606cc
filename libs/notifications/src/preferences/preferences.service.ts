// Reads preferences for the dispatcher (cached per user; the cache is shared in Redis mode) and changes them.
import { Injectable } from '@nestjs/common';
import { AppCache } from '@tradepulse/platform';
import { applyChange, NotificationPreferences, PreferencesChange } from './notification-preferences';
import { PreferencesRepository } from './preferences.repository';

const CACHE_TTL_MS = 5 * 60_000;
const cacheKey = (userId: string) => `notifications:preferences:${userId}`;

@Injectable()
export class PreferencesService {
  constructor(
    private readonly repository: PreferencesRepository,
    private readonly cache: AppCache,
  ) {}

  async get(userId: string): Promise<NotificationPreferences> {
    return (await this.forUsers([userId])).get(userId)!;
  }

  /** Cache first; one query for every user the cache did not answer. */
  async forUsers(userIds: readonly string[]): Promise<Map<string, NotificationPreferences>> {
    const unique = [...new Set(userIds)];
    // the in-process store answers without a promise per user (this runs for every dispatch pass)
    const cached = this.cache.synchronous
      ? unique.map((userId) => this.cache.peek<NotificationPreferences>(cacheKey(userId)))
      : await this.cache.getMany<NotificationPreferences>(unique.map(cacheKey));
    const found = new Map<string, NotificationPreferences>();
    const missing: string[] = [];
    unique.forEach((userId, index) => (cached[index] ? found.set(userId, cached[index]) : missing.push(userId)));
    if (missing.length) {
      for (const [userId, preferences] of await this.repository.findMany(missing)) {
        found.set(userId, preferences);
        void this.cache.set(cacheKey(userId), preferences, CACHE_TTL_MS);
      }
    }
    return found;
  }

  async update(userId: string, change: PreferencesChange): Promise<NotificationPreferences> {
    const current = (await this.repository.findMany([userId])).get(userId)!;
    const next = applyChange(current, change);
    await this.repository.save(userId, next);
    await this.cache.del(cacheKey(userId));
    return next;
  }
}
