import { deliveryKey } from './delivery-key';

describe('deliveryKey', () => {
  it('gives the same key for the same target and ids, and a different one when either changes', () => {
    const key = deliveryKey('hook-1', ['1', '2']);
    expect(deliveryKey('hook-1', ['1', '2'])).toBe(key);
    expect(deliveryKey('hook-2', ['1', '2'])).not.toBe(key);
    expect(deliveryKey('hook-1', ['1', '2', '3'])).not.toBe(key);
    expect(deliveryKey('hook-1', ['12'])).not.toBe(deliveryKey('hook-1', ['1', '2']));
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
