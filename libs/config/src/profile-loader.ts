// Builds the effective profile: config/default.yaml, then config/profiles/<name>.yaml, then TP__SECTION__KEY env vars.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ZodError } from 'zod';
import { ConfigError } from './config-error';
import { PROFILE_NAMES, ProfileConfig, ProfileName, profileSchema } from './profile.schema';

export interface ProfileOverride {
  /** `section.key`, e.g. `notifications.batchSize` */
  path: string;
  envVar: string;
  value: unknown;
}

type PlainObject = Record<string, unknown>;

const OVERRIDE_PREFIX = 'TP__';

export function findConfigDir(start = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'config', 'default.yaml'))) return join(dir, 'config');
    if (dirname(dir) === dir) throw new ConfigError(`config/default.yaml not found above ${start}`);
  }
}

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** `TP__NOTIFICATIONS__BATCH_SIZE=40` → `{ path: 'notifications.batchSize', value: 40 }`. */
export function parseOverrides(env: NodeJS.ProcessEnv): ProfileOverride[] {
  const overrides: ProfileOverride[] = [];
  for (const [envVar, raw] of Object.entries(env)) {
    if (!envVar.startsWith(OVERRIDE_PREFIX) || raw === undefined) continue;
    const parts = envVar.slice(OVERRIDE_PREFIX.length).split('__');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new ConfigError(`${envVar}: expected TP__SECTION__KEY (e.g. TP__NOTIFICATIONS__BATCH_SIZE)`);
    }
    const [section, key] = parts.map(toCamelCase);
    overrides.push({ path: `${section}.${key}`, envVar, value: parseScalar(raw) });
  }
  return overrides;
}

export function loadProfile(name: string, overrides: ProfileOverride[], configDir = findConfigDir()): ProfileConfig {
  if (!isProfileName(name)) {
    throw new ConfigError(`PROFILE=${JSON.stringify(name)} is not a profile; allowed: ${PROFILE_NAMES.join(', ')}`);
  }
  const merged = deepMerge(readYaml(join(configDir, 'default.yaml')), readYaml(join(configDir, 'profiles', `${name}.yaml`)));
  for (const override of overrides) applyOverride(merged, override);
  try {
    return profileSchema.parse(merged);
  } catch (error) {
    if (error instanceof ZodError) throw new ConfigError(describeIssue(error, overrides, name));
    throw error;
  }
}

function applyOverride(target: PlainObject, override: ProfileOverride): void {
  const [section, key] = override.path.split('.');
  const sectionShape = (profileSchema.shape as Record<string, { shape?: Record<string, unknown> }>)[section];
  const value = JSON.stringify(override.value);
  if (!Object.hasOwn(profileSchema.shape, section) || !sectionShape) {
    throw new ConfigError(`${override.envVar}=${value}: unknown section "${section}"; allowed: ${Object.keys(profileSchema.shape).join(', ')}`);
  }
  if (!sectionShape.shape || !Object.hasOwn(sectionShape.shape, key)) {
    throw new ConfigError(`${override.envVar}=${value}: unknown key "${key}" in ${section}; allowed: ${Object.keys(sectionShape.shape ?? {}).join(', ')}`);
  }
  const sectionValue = (target[section] ?? {}) as PlainObject;
  sectionValue[key] = override.value;
  target[section] = sectionValue;
}

function describeIssue(error: ZodError, overrides: ProfileOverride[], profile: string): string {
  const issue = error.issues[0];
  const path = issue.path.join('.');
  const override = overrides.find((o) => o.path === path);
  const source = override ? override.envVar : `profile ${profile}`;
  const value = override ? JSON.stringify(override.value) : 'invalid';
  return `Invalid configuration ${path}=${value} (from ${source}): ${issue.message}`;
}

function readYaml(file: string): PlainObject {
  if (!existsSync(file)) throw new ConfigError(`missing config file ${file}`);
  return (parseYaml(readFileSync(file, 'utf8')) ?? {}) as PlainObject;
}

function deepMerge(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toCamelCase(upperSnake: string): string {
  return upperSnake.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseScalar(raw: string): unknown {
  try {
    return parseYaml(raw);
  } catch {
    return raw;
  }
}
