import { Logger } from '@nestjs/common';
import { ConfigError } from './config-error';
import { parseOverrides } from './profile-loader';
import { ProfileConfig, RESTART_REQUIRED_KEYS } from './profile.schema';
import { ProfileService } from './profile.service';

describe('ProfileService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('starts with the named profile and exposes its sections', () => {
    const profiles = new ProfileService('conservative', []);
    expect(profiles.name).toBe('conservative');
    expect(profiles.section('notifications').batchSize).toBe(10);
    expect(profiles.bootValue('cache').maxEntries).toBe(1000);
    expect(profiles.pendingRestart()).toEqual([]);
  });

  it('throws a ConfigError for a bad override at construction', () => {
    expect(() => new ProfileService('balanced', parseOverrides({ TP__NOTIFICATIONS__BATCH_SIZE: 'abc' }))).toThrow(ConfigError);
  });

  describe('switchTo', () => {
    it('notifies a subscriber of a changed section with the new and the previous values', () => {
      const profiles = new ProfileService('balanced', []);
      const calls: Array<[ProfileConfig['notifications'], ProfileConfig['notifications']]> = [];
      profiles.onChange('notifications', (next, previous) => calls.push([next, previous]));
      profiles.switchTo('aggressive');
      expect(calls).toHaveLength(1);
      const [next, previous] = calls[0];
      expect(next.batchSize).toBe(50);
      expect(previous.batchSize).toBe(25);
      expect(profiles.section('notifications')).toEqual(next);
    });

    it('does not notify subscribers of sections the switch leaves unchanged', () => {
      const profiles = new ProfileService('balanced', []);
      const webhooks = jest.fn();
      const plugins = jest.fn();
      profiles.onChange('webhooks', webhooks);
      profiles.onChange('plugins', plugins);
      profiles.switchTo('maximum');
      expect(webhooks).not.toHaveBeenCalled();
      expect(plugins).not.toHaveBeenCalled();
    });

    it('does not notify anyone when switching to the active profile', () => {
      const profiles = new ProfileService('balanced', []);
      const listener = jest.fn();
      for (const section of ['http', 'cache', 'notifications'] as const) profiles.onChange(section, listener);
      const result = profiles.switchTo('balanced');
      expect(listener).not.toHaveBeenCalled();
      expect(result).toEqual({ from: 'balanced', to: 'balanced', applied: [], restartRequired: [], keptByOverride: [] });
    });

    it('stops notifying after unsubscribe', () => {
      const profiles = new ProfileService('balanced', []);
      const listener = jest.fn();
      const unsubscribe = profiles.onChange('http', listener);
      unsubscribe();
      profiles.switchTo('aggressive');
      expect(listener).not.toHaveBeenCalled();
    });

    it('keeps notifying the other subscribers when one throws', () => {
      const profiles = new ProfileService('balanced', []);
      const healthy = jest.fn();
      profiles.onChange('http', () => {
        throw new Error('boom');
      });
      profiles.onChange('http', healthy);
      expect(() => profiles.switchTo('aggressive')).not.toThrow();
      expect(healthy).toHaveBeenCalledTimes(1);
    });

    it('classifies live keys as applied and pool and cache-size keys as restart-required', () => {
      const profiles = new ProfileService('balanced', []);
      const result = profiles.switchTo('aggressive');
      expect(result.from).toBe('balanced');
      expect(result.to).toBe('aggressive');
      expect(result.applied).toEqual(expect.arrayContaining(['http.cacheTtlSec', 'http.rateLimitPerIpPerMin', 'notifications.batchSize', 'memory.budgetMb']));
      expect(result.restartRequired).toEqual(expect.arrayContaining(['database.poolMax', 'database.poolMin', 'cache.maxEntries', 'queues.concurrency']));
      expect(result.applied).not.toContain('database.poolMax');
      for (const key of result.applied) expect(RESTART_REQUIRED_KEYS.has(key)).toBe(false);
      for (const key of result.restartRequired) expect(RESTART_REQUIRED_KEYS.has(key)).toBe(true);
      // keys both profiles give the same value are in neither list
      expect([...result.applied, ...result.restartRequired]).not.toContain('http.bodyLimitBytes');
      expect([...result.applied, ...result.restartRequired]).not.toContain('webhooks.timeoutMs');
    });

    it('lists restart-required keys as pending until the process restarts, while the boot value stays', () => {
      const profiles = new ProfileService('balanced', []);
      profiles.switchTo('aggressive');
      expect(profiles.section('database').poolMax).toBe(10);
      expect(profiles.bootValue('database').poolMax).toBe(5);
      expect(profiles.pendingRestart()).toEqual(expect.arrayContaining(['database.poolMax', 'cache.maxEntries']));
      expect(profiles.pendingRestart()).not.toContain('http.cacheTtlSec');
    });

    it('clears pending restarts when switching back to the profile the process started with', () => {
      const profiles = new ProfileService('balanced', []);
      profiles.switchTo('aggressive');
      profiles.switchTo('balanced');
      expect(profiles.pendingRestart()).toEqual([]);
    });

    it('does not report a key as waiting for a restart when the switch returns it to the value the process runs with', () => {
      const profiles = new ProfileService('balanced', []);
      profiles.switchTo('aggressive');
      const back = profiles.switchTo('balanced');
      // the pool still has its boot size (5), which is balanced's value: nothing waits for a restart
      expect(back.restartRequired).not.toContain('database.poolMax');
    });

    it('keeps an override winning after a switch and lists it in keptByOverride', () => {
      const profiles = new ProfileService('balanced', parseOverrides({ TP__HTTP__CACHE_TTL_SEC: '7' }));
      expect(profiles.section('http').cacheTtlSec).toBe(7);
      const listener = jest.fn();
      profiles.onChange('http', listener);
      const result = profiles.switchTo('aggressive');
      expect(profiles.section('http').cacheTtlSec).toBe(7);
      expect(result.keptByOverride).toEqual(['http.cacheTtlSec']);
      expect(result.applied).not.toContain('http.cacheTtlSec');
      // the rest of the section still follows the profile
      expect(profiles.section('http').rateLimitPerIpPerMin).toBe(1200);
      expect(listener).toHaveBeenCalledWith(expect.objectContaining({ cacheTtlSec: 7, rateLimitPerIpPerMin: 1200 }), expect.objectContaining({ cacheTtlSec: 7, rateLimitPerIpPerMin: 600 }));
    });

    it('does not list an override in keptByOverride when the new profile has the same value', () => {
      const profiles = new ProfileService('balanced', parseOverrides({ TP__HTTP__CACHE_TTL_SEC: '15' }));
      expect(profiles.switchTo('aggressive').keptByOverride).toEqual([]);
    });
  });
});
