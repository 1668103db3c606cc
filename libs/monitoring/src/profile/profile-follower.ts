// Keeps every process that shares one database on the profile of the newest run-time switch, whichever
// process made it. The profile_switches table is the source of truth: each process checks it for switches
// newer than the last one it has seen, every few seconds and at once when another process announces a switch
// over Redis. Switches recorded before this process started are not followed, so an explicit PROFILE keeps
// winning at start-up as documented.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, isProfileName, ProfileName, ProfileService } from '@tradepulse/config';
import { Announcements } from '@tradepulse/platform';
import { ProfileSwitchesRepository } from './profile-switches.repository';

const CHECK_INTERVAL_MS = 5_000;
const TOPIC = 'profile-switched';

@Injectable()
export class ProfileFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Profile');
  private readonly enabled: boolean;
  private lastSeenSwitchId = '0';
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private follow: (profile: ProfileName) => void = () => undefined;

  constructor(
    private readonly switches: ProfileSwitchesRepository,
    private readonly config: AppConfig,
    private readonly profiles: ProfileService,
    private readonly announcements: Announcements,
  ) {
    // the embedded database belongs to one process: there is nobody to follow
    this.enabled = Boolean(config.env.DATABASE_URL);
  }

  /** `apply` switches this process; it is called with each newer profile another process recorded. */
  onSwitch(apply: (profile: ProfileName) => void): void {
    this.follow = apply;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    const newest = await this.switches.newest();
    this.lastSeenSwitchId = newest?.id ?? '0';
    // a switch committed after start-up read the stored profile, and before now: apply it (unless PROFILE was explicit)
    if (newest && !this.config.explicitProfile && isProfileName(newest.toProfile) && newest.toProfile !== this.profiles.name) this.follow(newest.toProfile);
    this.timer = setInterval(() => void this.checkNow(), CHECK_INTERVAL_MS).unref();
    this.announcements.listen(TOPIC, () => void this.checkNow(), (error) =>
      this.logger.warn(`profile announcements unavailable (${error.message}); checking every ${CHECK_INTERVAL_MS / 1000} s`),
    );
  }

  /** Called after this process recorded and applied a switch: others check at once instead of at their next poll. */
  announce(switchId: string): void {
    if (BigInt(switchId) > BigInt(this.lastSeenSwitchId)) this.lastSeenSwitchId = switchId;
    void this.announcements.announce(TOPIC, switchId);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
  }

  private checkNow(): Promise<void> {
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async check(): Promise<void> {
    try {
      const newest = await this.switches.newest();
      if (!newest || BigInt(newest.id) <= BigInt(this.lastSeenSwitchId)) return;
      this.lastSeenSwitchId = newest.id;
      if (!isProfileName(newest.toProfile)) return;
      this.logger.log(`following the switch to ${newest.toProfile} made by another process`);
      this.follow(newest.toProfile);
    } catch (error) {
      this.logger.warn(`checking for profile switches failed: ${(error as Error).message}`);
    }
  }
}
