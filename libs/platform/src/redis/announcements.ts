// Short messages to the other processes of a deployment, over Redis pub/sub: one publisher and one subscriber
// connection per process, shared by every topic (a profile switch, a revoked API key). Without REDIS_URL there is
// nobody to tell and nothing arrives. Delivery is best effort: each user of it keeps a slower way to converge.
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { createRedisClient, Redis } from './redis-client';

type Listener = (message: string) => void;

@Injectable()
export class Announcements implements OnApplicationShutdown {
  private readonly logger = new Logger(Announcements.name);
  private publisher?: Redis;
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Listener>();

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.env.REDIS_URL);
  }

  /** `onUnavailable` is told when the subscription cannot be made (Redis down at start). */
  listen(topic: string, listener: Listener, onUnavailable: (error: Error) => void): void {
    const subscriber = this.connect()?.subscriber;
    if (!subscriber) return;
    this.listeners.set(this.channel(topic), listener);
    subscriber.subscribe(this.channel(topic)).catch(onUnavailable);
  }

  /** Resolves false when it could not be sent (no Redis, or Redis down). */
  async announce(topic: string, message: string): Promise<boolean> {
    const publisher = this.connect()?.publisher;
    if (!publisher) return false;
    try {
      await publisher.publish(this.channel(topic), message);
      return true;
    } catch (error) {
      this.logger.warn(`could not announce ${topic} ${message}: ${(error as Error).message}`);
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  private connect(): { publisher: Redis; subscriber: Redis } | undefined {
    const url = this.config.env.REDIS_URL;
    if (!url) return undefined;
    if (!this.publisher || !this.subscriber) {
      const quiet = (client: Redis) => client.on('error', () => undefined);
      this.publisher = quiet(createRedisClient(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false }));
      this.subscriber = quiet(createRedisClient(url, { maxRetriesPerRequest: null }));
      this.subscriber.on('message', (channel: string, message: string) => this.listeners.get(channel)?.(message));
    }
    return { publisher: this.publisher, subscriber: this.subscriber };
  }

  private channel(topic: string): string {
    return `tp:${this.config.redisPrefix}:${topic}`;
  }
}
