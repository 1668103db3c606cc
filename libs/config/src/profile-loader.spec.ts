import { ConfigError } from './config-error';
import { findConfigDir, loadProfile, parseOverrides } from './profile-loader';
import { PROFILE_NAMES, ProfileName } from './profile.schema';

/** Runs `load` and returns the ConfigError it throws, failing the test when it throws anything else or nothing. */
function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but loading succeeded');
}

function loadWith(env: Record<string, string>, profile: string = 'balanced') {
  return loadProfile(profile, parseOverrides(env));
}

describe('loadProfile', () => {
  const documented: Record<ProfileName, { batchSize: number; maxEntries: number; budgetMb: number }> = {
    conservative: { batchSize: 10, maxEntries: 1000, budgetMb: 256 },
    balanced: { batchSize: 25, maxEntries: 5000, budgetMb: 512 },
    aggressive: { batchSize: 50, maxEntries: 10000, budgetMb: 1024 },
    maximum: { batchSize: 100, maxEntries: 20000, budgetMb: 2048 },
  };

  it.each(PROFILE_NAMES.map((name) => [name]))('loads the %s profile with its documented per-level values', (name) => {
    const profile = loadProfile(name, []);
    expect(profile.notifications.batchSize).toBe(documented[name].batchSize);
    expect(profile.cache.maxEntries).toBe(documented[name].maxEntries);
    expect(profile.memory.budgetMb).toBe(documented[name].budgetMb);
  });

  it('fills keys a profile file leaves out from config/default.yaml', () => {
    // no profile file sets webhooks; every profile gets the shared defaults
    for (const name of PROFILE_NAMES) expect(loadProfile(name, []).webhooks).toEqual({ timeoutMs: 5000, maxAttempts: 5, disableAfterFailures: 20 });
  });

  it('finds the config directory from the source tree', () => {
    expect(findConfigDir()).toMatch(/[/\\]config$/);
  });
});

describe('TP__SECTION__KEY overrides', () => {
  it('parses TP__NOTIFICATIONS__BATCH_SIZE=40 into notifications.batchSize = 40 (a number)', () => {
    expect(parseOverrides({ TP__NOTIFICATIONS__BATCH_SIZE: '40', HOME: '/root' })).toEqual([
      { path: 'notifications.batchSize', envVar: 'TP__NOTIFICATIONS__BATCH_SIZE', value: 40 },
    ]);
  });

  it('makes TP__NOTIFICATIONS__BATCH_SIZE=40 win over every profile', () => {
    for (const name of PROFILE_NAMES) expect(loadWith({ TP__NOTIFICATIONS__BATCH_SIZE: '40' }, name).notifications.batchSize).toBe(40);
  });

  it('changes only the overridden key', () => {
    const plain = loadProfile('aggressive', []);
    const overridden = loadWith({ TP__NOTIFICATIONS__BATCH_SIZE: '40' }, 'aggressive');
    expect(overridden).toEqual({ ...plain, notifications: { ...plain.notifications, batchSize: 40 } });
  });

  it('maps multi-word upper-snake keys to camelCase and parses booleans', () => {
    const profile = loadWith({ TP__HTTP__RATE_LIMIT_PER_IP_PER_MIN: '20', TP__HTTP__TRUST_PROXY: 'true', TP__MONITORING__ERROR_RATE_WARN: '0.2' });
    expect(profile.http.rateLimitPerIpPerMin).toBe(20);
    expect(profile.http.trustProxy).toBe(true);
    expect(profile.monitoring.errorRateWarn).toBe(0.2);
  });

  it.each([
    ['abc', '"abc"'],
    ['-5', '-5'],
    ['2.5', '2.5'],
  ])('rejects TP__NOTIFICATIONS__BATCH_SIZE=%s with one line naming the key, the value and what is allowed', (raw, shown) => {
    const error = configErrorOf(() => loadWith({ TP__NOTIFICATIONS__BATCH_SIZE: raw }));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('TP__NOTIFICATIONS__BATCH_SIZE');
    expect(error.message).toContain('notifications.batchSize');
    expect(error.message).toContain(shown);
    // what is allowed: zod names the expected type or bound ("Expected number", "greater than 0", "Expected integer")
    expect(error.message).toMatch(/number|integer|greater than/i);
  });

  it('rejects an unknown section with one line naming the variable, its value and the allowed sections', () => {
    const error = configErrorOf(() => loadWith({ TP__TURBO__BATCH_SIZE: '40' }));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('TP__TURBO__BATCH_SIZE');
    expect(error.message).toContain('"turbo"');
    expect(error.message).toContain('40');
    expect(error.message).toContain('http, cache, database, memory, market, alerts, notifications');
  });

  it('rejects an unknown key with one line naming the variable, its value and the allowed keys of the section', () => {
    const error = configErrorOf(() => loadWith({ TP__NOTIFICATIONS__BATCH_SIZES: '40' }));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('TP__NOTIFICATIONS__BATCH_SIZES');
    expect(error.message).toContain('"batchSizes"');
    expect(error.message).toContain('40');
    expect(error.message).toContain('batchWindowMs, batchSize, relayIntervalMs, relayBatchSize');
  });

  it.each([
    ['TP__HTTP__CONSTRUCTOR', 'unknown key'],
    ['TP__HTTP__TO_STRING', 'unknown key'],
    ['TP__CONSTRUCTOR__NAME', 'unknown section'],
  ])('rejects %s (an Object.prototype member, not a config key) as an %s, naming the variable', (envVar, kind) => {
    const error = configErrorOf(() => loadWith({ [envVar]: '1' }));
    expect(error.message).toContain(envVar);
    expect(error.message).toContain(kind);
    expect(error.message).not.toContain('from profile');
  });

  it('rejects a variable that is not TP__SECTION__KEY, naming it', () => {
    const error = configErrorOf(() => parseOverrides({ TP__NOTIFICATIONS: '40' }));
    expect(error.message).toContain('TP__NOTIFICATIONS');
    expect(error.message).toContain('TP__SECTION__KEY');
  });

  it('ignores variables without the TP__ prefix', () => {
    expect(parseOverrides({ NOTIFICATIONS__BATCH_SIZE: 'abc', TP_NOTIFICATIONS__BATCH_SIZE: 'abc' })).toEqual([]);
  });
});

describe('unknown profile', () => {
  it('throws a ConfigError with one line naming PROFILE, the value and the allowed profiles', () => {
    const error = configErrorOf(() => loadProfile('turbo', []));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('PROFILE');
    expect(error.message).toContain('turbo');
    expect(error.message).toContain('conservative, balanced, aggressive, maximum');
  });
});
