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

  it('writes no record for a channel that cannot reach the user', () => {
    expect(deliveryPlan(channels, defaultPreferences(), 'alert', new Map([['webhook', 'no enabled webhook endpoint']]))).toEqual([
      { channel: 'websocket', status: 'claimed' },
      { channel: 'telegram', status: 'claimed' },
    ]);
  });

  it('records a muted category or a channel turned off only on the channels that can reach the user', () => {
    const unreachable = new Map([['telegram', 'no Telegram chat linked']]);
    const off = applyChange(defaultPreferences(), { channels: { telegram: false, webhook: false } });
    expect(deliveryPlan(channels, off, 'alert', unreachable)).toEqual([
      { channel: 'websocket', status: 'claimed' },
      { channel: 'webhook', status: 'skipped', reason: CHANNEL_OFF },
    ]);
    const muted = applyChange(defaultPreferences(), { mutedCategories: ['signal'] });
    expect(deliveryPlan(channels, muted, 'signal', unreachable).map((plan) => plan.channel)).toEqual(['websocket', 'webhook']);
  });
});
