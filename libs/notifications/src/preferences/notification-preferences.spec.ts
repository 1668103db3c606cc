import { applyChange, channelEnabled, defaultPreferences, digestWindowMs, isMuted } from './notification-preferences';

describe('notification preferences', () => {
  it('enables every channel, mutes nothing and has no digest by default', () => {
    const preferences = defaultPreferences();
    expect(preferences).toEqual({ channels: { websocket: true, telegram: true, webhook: true }, mutedCategories: [], digest: { enabled: false, windowSec: 300 } });
    expect(channelEnabled(preferences, 'sms')).toBe(true);
    expect(digestWindowMs(preferences)).toBeUndefined();
  });

  it('changes only the fields sent and keeps the rest', () => {
    const changed = applyChange(defaultPreferences(), { channels: { telegram: false }, digest: { enabled: true } });
    expect(changed.channels).toEqual({ websocket: true, telegram: false, webhook: true });
    expect(changed.digest).toEqual({ enabled: true, windowSec: 300 });
    expect(digestWindowMs(changed)).toBe(300_000);
    const again = applyChange(changed, { mutedCategories: ['signal', 'signal', 'order'] });
    expect(again.channels.telegram).toBe(false);
    expect(again.mutedCategories).toEqual(['signal', 'order']);
    expect(isMuted(again, 'signal')).toBe(true);
    expect(isMuted(again, 'alert')).toBe(false);
  });

  it('does not modify the preferences it starts from', () => {
    const start = defaultPreferences();
    applyChange(start, { channels: { websocket: false }, mutedCategories: ['alert'], digest: { windowSec: 60 } });
    expect(start).toEqual(defaultPreferences());
  });
});
