import { deliveryKey } from './delivery-key';

describe('deliveryKey', () => {
  it('gives the same key for the same target and batch, and a different one when either changes', () => {
    const key = deliveryKey('hook-1', '12');
    expect(deliveryKey('hook-1', '12')).toBe(key);
    expect(deliveryKey('hook-2', '12')).not.toBe(key);
    expect(deliveryKey('hook-1', '13')).not.toBe(key);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
