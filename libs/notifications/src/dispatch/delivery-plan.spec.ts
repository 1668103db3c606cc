import { applyChange, defaultPreferences } from '../preferences/notification-preferences';
import { CHANNEL_OFF, deliveryPlan, MUTED } from './delivery-plan';

const channels = ['websocket', 'telegram', 'webhook'];

describe('deliveryPlan', () => {
  it('claims every channel by default', () => {
    expect(deliveryPlan(channels, defaultPreferences(), 'alert').map((plan) => plan.status)).toEqual(['claimed', 'claimed', 'claimed']);
  });

  it('skips a channel turned off, saying why', () => {
    const preferences = applyChange(defaultPreferences(), { channels: { telegram: false } });
    expect(deliveryPlan(channels, preferences, 'alert')).toEqual([
      { channel: 'websocket', status: 'claimed' },
      { channel: 'telegram', status: 'skipped', reason: CHANNEL_OFF },
      { channel: 'webhook', status: 'claimed' },
    ]);
  });

  it('skips every channel for a muted category', () => {
    const preferences = applyChange(defaultPreferences(), { mutedCategories: ['signal'] });
    expect(deliveryPlan(channels, preferences, 'signal').every((plan) => plan.status === 'skipped' && plan.reason === MUTED)).toBe(true);
    expect(deliveryPlan(channels, preferences, 'alert').every((plan) => plan.status === 'claimed')).toBe(true);
  });

  it('skips a channel that cannot reach the user, with the reason the channel gave', () => {
    expect(deliveryPlan(channels, defaultPreferences(), 'alert', new Map([['webhook', 'no enabled webhook endpoint']]))).toEqual([
      { channel: 'websocket', status: 'claimed' },
      { channel: 'telegram', status: 'claimed' },
      { channel: 'webhook', status: 'skipped', reason: 'no enabled webhook endpoint' },
    ]);
  });

  it('gives the preferences as the reason before a missing target', () => {
    const preferences = applyChange(defaultPreferences(), { channels: { telegram: false } });
    const unreachable = new Map([['telegram', 'no Telegram chat linked']]);
    expect(deliveryPlan(channels, preferences, 'alert', unreachable)[1]).toEqual({ channel: 'telegram', status: 'skipped', reason: CHANNEL_OFF });
  });
});
