// Makes sure an admin can log in: ADMIN_API_KEY when set, else (embedded mode, first start) a generated key printed once.
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';
import { ApiKeyService } from '../auth/api-key.service';
import { UsersService } from './users.service';

const ADMIN_USERNAME = 'admin';

@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly users: UsersService,
    private readonly keys: ApiKeyService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const envKey = this.config.env.ADMIN_API_KEY;
    const existing = await this.users.firstAdmin();
    if (envKey) {
      const admin = existing ?? (await this.users.create(ADMIN_USERNAME, 'admin'));
      await this.keys.storeEnvironmentKey(admin.id, envKey);
      return;
    }
    if (existing) return;
    if (!this.config.embedded) {
      this.logger.warn('no admin user and no ADMIN_API_KEY: set ADMIN_API_KEY to administer this server');
      return;
    }
    const admin = await this.users.create(ADMIN_USERNAME, 'admin');
    const { apiKey } = await this.keys.issue(admin.id, 'bootstrap');
    // printed once, on stdout, at the first start of this data directory
    process.stdout.write(`\n  Tradepulse admin API key (shown once, store it): ${apiKey}\n\n`);
  }
}
