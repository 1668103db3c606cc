import { deliveryKey } from './delivery-key';

describe('deliveryKey', () => {
  it('gives the same key for the same target, batch and notifications, and a different one when any changes', () => {
    const key = deliveryKey('hook-1', 'batch-a', ['1', '2']);
    expect(deliveryKey('hook-1', 'batch-a', ['1', '2'])).toBe(key);
    expect(deliveryKey('hook-2', 'batch-a', ['1', '2'])).not.toBe(key);
    expect(deliveryKey('hook-1', 'batch-b', ['1', '2'])).not.toBe(key);
    // a batch sent in parts: each part is its own delivery
    expect(deliveryKey('hook-1', 'batch-a', ['1'])).not.toBe(key);
    expect(deliveryKey('hook-1', 'batch-a', ['12'])).not.toBe(deliveryKey('hook-1', 'batch-a', ['1', '2']));
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
