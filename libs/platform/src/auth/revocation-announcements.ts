// Tells the other processes of a deployment (over Redis) which API keys were revoked here, so that they refuse them
// within milliseconds instead of when their memory of the key expires (cache.apiKeyTtlSec) and close the sockets
// they admitted with it since. Without Redis, or while it is down, that expiry still bounds it.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { EventBus } from '../events/event-bus';
import { createRedisClient, Redis } from '../redis/redis-client';
import { ApiKeyService } from './api-key.service';

@Injectable()
export class RevocationAnnouncements implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationAnnouncements.name);
  private publisher?: Redis;
  private subscriber?: Redis;
  private stopListening?: () => void;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
    private readonly bus: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    const url = this.config.env.REDIS_URL;
    if (!url) return;
    const quiet = (client: Redis) => client.on('error', () => undefined);
    this.publisher = quiet(createRedisClient(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false }));
    this.subscriber = quiet(createRedisClient(url, { maxRetriesPerRequest: null }));
    this.subscriber
      .subscribe(this.channel)
      .catch((error: Error) => this.logger.warn(`key revocations of other processes unavailable (${error.message}); they are seen within cache.apiKeyTtlSec`));
    this.subscriber.on('message', (_channel: string, keyId: string) => this.keys.revokedElsewhere(keyId));
    this.stopListening = this.bus.on('apiKey.revoked', ({ keyId }) => {
      this.publisher?.publish(this.channel, keyId).catch((error: Error) => this.logger.warn(`could not announce the revocation of key ${keyId}: ${error.message}`));
    });
  }

  onApplicationShutdown(): void {
    this.stopListening?.();
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  private get channel(): string {
    return `tp:${this.config.redisPrefix}:api-key-revoked`;
  }
}
