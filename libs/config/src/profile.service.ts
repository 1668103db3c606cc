// Holds the active profile and tells subscribers when a run-time switch changes their section.
import { Logger } from '@nestjs/common';
import { loadProfile, ProfileOverride } from './profile-loader';
import { ProfileConfig, ProfileName, ProfileSection, RESTART_REQUIRED_KEYS } from './profile.schema';

export type SectionListener<S extends ProfileSection> = (next: ProfileConfig[S], previous: ProfileConfig[S]) => void;

export interface ProfileSwitchResult {
  from: ProfileName;
  to: ProfileName;
  /** keys whose new value is in effect now */
  applied: string[];
  /** keys whose new value waits for a restart */
  restartRequired: string[];
  /** keys the new profile would change but a TP__ override keeps */
  keptByOverride: string[];
}

export class ProfileService {
  private readonly logger = new Logger(ProfileService.name);
  private readonly listeners = new Map<ProfileSection, Set<SectionListener<ProfileSection>>>();
  private readonly bootConfig: ProfileConfig;
  private active: ProfileName;
  private config: ProfileConfig;

  constructor(
    name: ProfileName,
    readonly overrides: readonly ProfileOverride[],
    private readonly configDir?: string,
  ) {
    this.active = name;
    this.config = loadProfile(name, [...overrides], configDir);
    this.bootConfig = this.config;
  }

  get name(): ProfileName {
    return this.active;
  }

  get current(): ProfileConfig {
    return this.config;
  }

  section<S extends ProfileSection>(section: S): ProfileConfig[S] {
    return this.config[section];
  }

  /** The value a component that only reads its setting at start-up is really using. */
  bootValue<S extends ProfileSection>(section: S): ProfileConfig[S] {
    return this.bootConfig[section];
  }

  /** Calls `listener` whenever a switch changes a value of `section`; returns the unsubscribe function. */
  onChange<S extends ProfileSection>(section: S, listener: SectionListener<S>): () => void {
    const set = this.listeners.get(section) ?? new Set();
    set.add(listener as unknown as SectionListener<ProfileSection>);
    this.listeners.set(section, set);
    return () => set.delete(listener as unknown as SectionListener<ProfileSection>);
  }

  /** Keys whose effective value differs from the one the process started with and cannot change live. */
  pendingRestart(): string[] {
    return flatten(this.config).filter(([path, value]) => RESTART_REQUIRED_KEYS.has(path) && value !== lookup(this.bootConfig, path)).map(([path]) => path);
  }

  switchTo(name: ProfileName): ProfileSwitchResult {
    const previous = this.config;
    const next = loadProfile(name, [...this.overrides], this.configDir);
    const withoutOverrides = loadProfile(name, [], this.configDir);
    const overridden = new Set(this.overrides.map((o) => o.path));
    const result: ProfileSwitchResult = { from: this.active, to: name, applied: [], restartRequired: [], keptByOverride: [] };
    for (const [path, value] of flatten(next)) {
      if (overridden.has(path)) {
        if (lookup(withoutOverrides, path) !== value) result.keptByOverride.push(path);
        continue;
      }
      if (RESTART_REQUIRED_KEYS.has(path)) {
        // what the process really runs with is its start-up value
        if (value !== lookup(this.bootConfig, path)) result.restartRequired.push(path);
        continue;
      }
      if (value !== lookup(previous, path)) result.applied.push(path);
    }
    this.active = name;
    this.config = next;
    this.notify(previous, next);
    this.logger.log(`profile switched ${result.from} → ${result.to}: ${result.applied.length} keys applied, ${result.restartRequired.length} wait for a restart`);
    return result;
  }

  private notify(previous: ProfileConfig, next: ProfileConfig): void {
    for (const [section, listeners] of this.listeners) {
      if (JSON.stringify(previous[section]) === JSON.stringify(next[section])) continue;
      for (const listener of listeners) {
        try {
          listener(next[section], previous[section]);
        } catch (error) {
          this.logger.error(`profile listener for ${section} failed: ${(error as Error).message}`);
        }
      }
    }
  }
}

function flatten(config: ProfileConfig): Array<[string, unknown]> {
  return Object.entries(config).flatMap(([section, values]) =>
    Object.entries(values as Record<string, unknown>).map(([key, value]) => [`${section}.${key}`, value] as [string, unknown]),
  );
}

function lookup(config: ProfileConfig, path: string): unknown {
  const [section, key] = path.split('.');
  return (config as unknown as Record<string, Record<string, unknown>>)[section]?.[key];
}
