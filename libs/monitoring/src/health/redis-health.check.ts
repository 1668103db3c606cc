// Registers a Redis ping with /health/ready when REDIS_URL is set.
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { createRedisClient, HealthRegistry, Redis } from '@tradepulse/platform';

@Injectable()
export class RedisHealthCheck implements OnModuleInit, OnApplicationShutdown {
  private client?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: HealthRegistry,
  ) {}

  onModuleInit(): void {
    const url = this.config.env.REDIS_URL;
    if (!url) return;
    const client = createRedisClient(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: (n) => Math.min(n * 200, 2000) });
    client.on('error', () => undefined); // state is reported by the check itself
    this.client = client;
    void client.connect().catch(() => undefined);
    this.registry.register({
      name: 'redis',
      critical: true,
      check: async () => {
        if (client.status !== 'ready') return { up: false, message: `redis is ${client.status}` };
        await client.ping();
        return { up: true };
      },
    });
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}
