// The cache port every plugin uses. Each call is bounded (profile cache.operationTimeoutMs): a slow or dead
// Redis makes a call miss, never hang. Tags are version counters so invalidating a group is one write.
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { CacheableMemory } from 'cacheable';
import type { Cache } from 'cache-manager';
import { uniqueKey } from '../ids/unique-key';
import { counter } from '../metrics/metrics';

const hitsTotal = counter({ name: 'tradepulse_cache_hits_total', help: 'Cache lookups answered from the cache' });
const missesTotal = counter({ name: 'tradepulse_cache_misses_total', help: 'Cache lookups that went to the source' });
const errorsTotal = counter({ name: 'tradepulse_cache_errors_total', help: 'Cache calls that failed or timed out' });

const TIMED_OUT = Symbol('timed-out');
const TAG_TTL_MS = 24 * 3600_000;

@Injectable()
export class AppCache {
  private readonly logger = new Logger(AppCache.name);
  private timeoutMs: number;
  private hits = 0;
  private misses = 0;
  private lastWarningAt = 0;
  /** Only a remote store can hang; in-process calls skip the timeout race (a timer per call on the hottest path). */
  private readonly remote: boolean;
  /** The in-process store itself (embedded mode), read synchronously by peek(); undefined with Redis. */
  private readonly memory: CacheableMemory | undefined;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    profiles: ProfileService,
    config: AppConfig,
  ) {
    this.remote = Boolean(config.env.REDIS_URL);
    const store: unknown = cache.stores[0]?.store;
    this.memory = !this.remote && store instanceof CacheableMemory ? store : undefined;
    this.timeoutMs = profiles.section('cache').operationTimeoutMs;
    profiles.onChange('cache', (next) => (this.timeoutMs = next.operationTimeoutMs));
  }

  async get<T>(key: string): Promise<T | undefined> {
    const value = await this.bounded(() => this.cache.get<T>(key), 'get');
    if (value === undefined || value === null || value === TIMED_OUT) {
      this.misses++;
      missesTotal.inc();
      return undefined;
    }
    this.hits++;
    hitsTotal.inc();
    return value as T;
  }

  /** Several keys in one call (one MGET with Redis): undefined where a key is missing, or for all of them on a failure. */
  async getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (!keys.length) return [];
    const values = await this.bounded(() => this.cache.mget<T>([...keys]), 'mget');
    const found = values === TIMED_OUT ? keys.map(() => undefined) : values.map((value) => (value === null ? undefined : value));
    const hits = found.filter((value) => value !== undefined).length;
    this.hits += hits;
    this.misses += keys.length - hits;
    hitsTotal.inc(hits);
    missesTotal.inc(keys.length - hits);
    return found;
  }

  /** Whether peek() and peekTagVersion() answer from the store itself (in-process mode). */
  get synchronous(): boolean {
    return this.memory !== undefined;
  }

  /**
   * get() without a promise, for the in-process store: the hottest reads skip the promise layers of
   * cache-manager and Keyv. Only valid when `synchronous`; otherwise every call is a miss.
   */
  peek<T>(key: string): T | undefined {
    const value = this.peekStored<T>(key);
    if (value === undefined || value === null) {
      this.misses++;
      missesTotal.inc();
      return undefined;
    }
    this.hits++;
    hitsTotal.inc();
    return value;
  }

  /** tagVersion() without a promise; see peek(). */
  peekTagVersion(tag: string): string {
    const version = this.peekStored<string>(`tag:${tag}`);
    return typeof version === 'string' ? version : '0';
  }

  // Keyv keeps { value, expires } in its store, under the plain key (no namespace prefix: see cache.module.ts).
  private peekStored<T>(key: string): T | undefined {
    const stored = this.memory?.get<{ value: T; expires?: number | null }>(key);
    if (!stored || (typeof stored.expires === 'number' && stored.expires <= Date.now())) return undefined;
    return stored.value;
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.bounded(() => this.cache.set(key, value, ttlMs), 'set');
  }

  async del(key: string): Promise<void> {
    await this.bounded(() => this.cache.del(key), 'del');
  }

  /** The current version of a tag; part of every key stored under it. */
  async tagVersion(tag: string): Promise<string> {
    const version = await this.bounded(() => this.cache.get<string>(`tag:${tag}`), 'get');
    return typeof version === 'string' ? version : '0';
  }

  /** A new version no process sharing the cache, nor an earlier run, ever wrote: entries under the old one are orphaned. */
  async invalidateTag(tag: string): Promise<void> {
    await this.bounded(() => this.cache.set(`tag:${tag}`, uniqueKey(), TAG_TTL_MS), 'set');
  }

  /** Returns the cached value or computes, stores and returns it. */
  async wrap<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const value = await compute();
    void this.set(key, value, ttlMs);
    return value;
  }

  /** `entries` counts the in-process store; with Redis it is null (a shared store, and counting it would scan it). */
  stats(): { hits: number; misses: number; hitRate: number; entries: number | null } {
    const total = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, hitRate: total ? this.hits / total : 0, entries: this.memory ? this.memory.size : null };
  }

  private async bounded<T>(call: () => Promise<T>, operation: string): Promise<T | typeof TIMED_OUT> {
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!this.remote) return await call();
      const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), this.timeoutMs);
      });
      const result = await Promise.race([call(), timeout]);
      if (result === TIMED_OUT) this.warn(`cache ${operation} timed out after ${this.timeoutMs} ms; using the source`);
      return result;
    } catch (error) {
      this.warn(`cache ${operation} failed: ${(error as Error).message}; using the source`);
      return TIMED_OUT;
    } finally {
      clearTimeout(timer);
    }
  }

  private warn(message: string): void {
    errorsTotal.inc();
    const now = Date.now();
    if (now - this.lastWarningAt < 10_000) return;
    this.lastWarningAt = now;
    this.logger.warn(message);
  }
}
