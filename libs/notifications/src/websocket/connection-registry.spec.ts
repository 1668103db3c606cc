import { ConnectionRegistry } from './connection-registry';

describe('ConnectionRegistry', () => {
  it('refuses a user past the per-user limit and admits them again after a release', () => {
    const registry = new ConnectionRegistry();
    const limits = { maxConnections: 10, maxConnectionsPerUser: 2 };
    expect(registry.admit('u1', limits)).toBeUndefined();
    expect(registry.admit('u1', limits)).toBeUndefined();
    expect(registry.admit('u1', limits)).toMatch(/at most 2/);
    expect(registry.admit('u2', limits)).toBeUndefined();
    expect(registry.size).toBe(3);
    registry.release('u1');
    expect(registry.admit('u1', limits)).toBeUndefined();
  });

  it('refuses anyone past the overall limit', () => {
    const registry = new ConnectionRegistry();
    const limits = { maxConnections: 2, maxConnectionsPerUser: 5 };
    registry.admit('a', limits);
    registry.admit('b', limits);
    expect(registry.admit('c', limits)).toMatch(/maximum of 2/);
    expect(registry.countFor('c')).toBe(0);
  });

  it('ignores a release of a user with no counted connection', () => {
    const registry = new ConnectionRegistry();
    registry.release('ghost');
    expect(registry.size).toBe(0);
  });
});
