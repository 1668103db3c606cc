// Tells the other processes of a deployment (over Redis) which API keys were revoked here, so that they refuse them
// within milliseconds instead of when their memory of the key expires (cache.apiKeyTtlSec) and close the sockets
// they admitted with it since. Without Redis, or while it is down, that expiry still bounds it.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventBus } from '../events/event-bus';
import { Announcements } from '../redis/announcements';
import { ApiKeyService } from './api-key.service';

const TOPIC = 'api-key-revoked';

@Injectable()
export class RevocationAnnouncements implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationAnnouncements.name);
  private stopListening?: () => void;

  constructor(
    private readonly announcements: Announcements,
    private readonly keys: ApiKeyService,
    private readonly bus: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.announcements.enabled) return;
    this.announcements.listen(TOPIC, (keyId) => this.keys.revokedElsewhere(keyId), (error) =>
      this.logger.warn(`key revocations of other processes unavailable (${error.message}); they are seen within cache.apiKeyTtlSec`),
    );
    this.stopListening = this.bus.on('apiKey.revoked', ({ keyId }) => void this.announcements.announce(TOPIC, keyId));
  }

  onApplicationShutdown(): void {
    this.stopListening?.();
  }
}
