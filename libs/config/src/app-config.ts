// Everything the process is configured with, assembled once at start-up.
import { isAbsolute, resolve } from 'node:path';
import { loadEnv } from './env-loader';
import { AppEnv, RoleName } from './env.schema';
import { parseOverrides, ProfileOverride } from './profile-loader';
import { ProfileName } from './profile.schema';

export class AppConfig {
  /** true when no DATABASE_URL is set: PGlite in DATA_DIR, in-process cache and queues */
  readonly embedded: boolean;
  readonly distributed: boolean;
  readonly host: string;
  readonly dataDir: string;
  readonly allowRegistration: boolean;

  constructor(
    readonly env: AppEnv,
    readonly overrides: ProfileOverride[],
  ) {
    this.embedded = !env.DATABASE_URL;
    this.distributed = Boolean(env.REDIS_URL);
    this.host = env.HOST ?? (this.embedded ? '127.0.0.1' : '0.0.0.0');
    this.dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(process.cwd(), env.DATA_DIR);
    this.allowRegistration = env.ALLOW_REGISTRATION ?? this.embedded;
  }

  static fromEnvironment(processEnv: NodeJS.ProcessEnv = process.env): AppConfig {
    return new AppConfig(loadEnv(processEnv), parseOverrides(processEnv));
  }

  /** The profile named by PROFILE, if the operator set it explicitly. */
  get explicitProfile(): ProfileName | undefined {
    return this.env.PROFILE;
  }

  get redisPrefix(): string {
    return this.env.REDIS_PREFIX;
  }

  hasRole(role: RoleName): boolean {
    return this.env.ROLES.includes(role);
  }
}
