import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig, ProfileName, ProfileService, writeEmbeddedProfileMarker } from '@tradepulse/config';
import { gauge, Page, PageQueryDto } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';
import { ProfileHistoryItem, ProfileSwitchView, ProfileView } from './profile.dto';
import { ProfileFollower } from './profile-follower';
import { ProfileSwitchesRepository } from './profile-switches.repository';

const profileInfo = gauge({ name: 'tradepulse_profile_info', help: 'The active configuration profile', labelNames: ['profile'] });

@Injectable()
export class ProfileAdminService implements OnModuleInit {
  private readonly logger = new Logger('Profile');
  /** switches of this process, one after another: each records as `from` the profile the one before it left */
  private switching: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly profiles: ProfileService,
    private readonly switches: ProfileSwitchesRepository,
    private readonly follower: ProfileFollower,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // a data directory from before the marker existed learns the restored profile here
    if (!this.config.explicitProfile) this.rememberForEmbeddedStart(this.profiles.name);
    profileInfo.reset();
    profileInfo.set({ profile: this.profiles.name }, 1);
    this.follower.onSwitch((profile) => this.apply(profile));
  }

  describe(): ProfileView {
    return {
      profile: this.profiles.name,
      effective: this.profiles.current as unknown as Record<string, Record<string, unknown>>,
      overrides: this.profiles.overrides.map((o) => ({ key: o.path, envVar: o.envVar, value: o.value })),
      restartRequired: this.profiles.pendingRestart(),
    };
  }

  switchTo(profile: ProfileName, actor: AuthUser, requestId: string): Promise<ProfileSwitchView> {
    const next = this.switching.then(() => this.switchNow(profile, actor, requestId));
    this.switching = next.catch(() => undefined);
    return next;
  }

  private async switchNow(profile: ProfileName, actor: AuthUser, requestId: string): Promise<ProfileSwitchView> {
    // recorded first: a switch that cannot be recorded does not happen (and would not survive a restart)
    const recorded = await this.switches.record({ fromProfile: this.profiles.name, toProfile: profile, actorId: actor.id, actorName: actor.username, requestId });
    this.rememberForEmbeddedStart(profile);
    const result = this.apply(profile);
    this.follower.announce(recorded.id);
    this.logger.log({ requestId, actor: actor.username, from: result.from, to: result.to, applied: result.applied, restartRequired: result.restartRequired }, `profile switched from ${result.from} to ${result.to} by ${actor.username}`);
    return { ...this.describe(), from: result.from, applied: result.applied, keptByOverride: result.keptByOverride, restartRequired: this.profiles.pendingRestart() };
  }

  // The embedded database's own settings (shared_buffers) are read before it opens, so the switch is also kept
  // beside it in DATA_DIR. Without it the switch still holds; those settings keep their start-up values.
  private rememberForEmbeddedStart(profile: ProfileName): void {
    if (this.config.env.DATABASE_URL) return;
    try {
      writeEmbeddedProfileMarker(this.config.dataDir, profile);
    } catch (error) {
      this.logger.warn(`could not record profile ${profile} in DATA_DIR (${(error as Error).message}); the embedded database keeps its start-up settings after a restart`);
    }
  }

  /** Switches this process (for its own switch or one another process recorded). */
  private apply(profile: ProfileName) {
    const result = this.profiles.switchTo(profile);
    profileInfo.reset();
    profileInfo.set({ profile }, 1);
    return result;
  }

  async history(query: PageQueryDto): Promise<Page<ProfileHistoryItem>> {
    const page = await this.switches.page(query);
    return { ...page, items: page.items.map((r) => ({ id: String(r.id), from: r.fromProfile, to: r.toProfile, by: r.actorName, at: r.createdAt })) };
  }
}
