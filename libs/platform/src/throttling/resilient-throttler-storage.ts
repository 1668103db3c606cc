// Redis-backed throttling that fails open to per-process counting: when Redis is slow or down, limits keep
// working per process instead of every request failing with 500 (or hanging).
import { Logger } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

export class ResilientThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('Throttler');
  private readonly local = new ThrottlerStorageService();
  private lastWarningAt = 0;

  constructor(
    private readonly shared: ThrottlerStorage,
    private readonly timeoutMs: () => number,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.shared.increment(key, ttl, limit, blockDuration, throttlerName),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs()} ms`)), this.timeoutMs());
        }),
      ]);
    } catch (error) {
      this.warn(`shared rate-limit storage failed (${(error as Error).message}); counting in this process`);
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
  }

  private warn(message: string): void {
    if (Date.now() - this.lastWarningAt < 10_000) return;
    this.lastWarningAt = Date.now();
    this.logger.warn(message);
  }
}
