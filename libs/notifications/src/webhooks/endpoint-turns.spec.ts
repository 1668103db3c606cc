import { EndpointTurns } from './endpoint-turns';

describe('EndpointTurns', () => {
  it('lets one job at a time have an endpoint, and the waiting ones in the order they first asked', () => {
    const turns = new EndpointTurns();
    expect(turns.take('hook', 'a', 0)).toBe(true);
    expect(turns.take('hook', 'b', 1)).toBe(100);
    expect(turns.take('hook', 'c', 2)).toBe(120);
    // another endpoint is not held up
    expect(turns.take('other', 'x', 3)).toBe(true);
    turns.release('hook');
    // c asks first once the endpoint is free, but b asked before it
    expect(turns.take('hook', 'c', 4)).toBe(120);
    expect(turns.take('hook', 'b', 5)).toBe(true);
    // a new job lines up behind c instead of jumping ahead
    expect(turns.take('hook', 'd', 6)).toBe(120);
    turns.release('hook');
    expect(turns.take('hook', 'd', 7)).toBe(120);
    expect(turns.take('hook', 'c', 8)).toBe(true);
  });

  it('looks again later the further back a job is, up to 2 s', () => {
    const turns = new EndpointTurns();
    turns.take('hook', 'busy', 0);
    const delays = Array.from({ length: 200 }, (_, i) => turns.take('hook', `job-${i}`, 1));
    expect(delays.slice(0, 3)).toEqual([100, 120, 140]);
    expect(delays.at(-1)).toBe(2_000);
  });

  it('forgets a waiting job that stopped asking, so it does not hold the line', () => {
    const turns = new EndpointTurns();
    turns.take('hook', 'a', 0);
    turns.take('hook', 'dropped', 1);
    turns.take('hook', 'b', 2);
    turns.release('hook');
    expect(turns.take('hook', 'b', 1_000)).toBe(120);
    expect(turns.take('hook', 'b', 20_000)).toBe(120);
    // 'dropped' last asked 30 s ago: b is next
    expect(turns.take('hook', 'b', 35_000)).toBe(true);
  });
});
