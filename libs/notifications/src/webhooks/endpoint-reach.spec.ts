import { EndpointReach } from './endpoint-reach';

/** The webhooks table as a lookup: the users with an enabled endpoint right now, and each lookup's users. */
function table(reachable: string[]) {
  const lookups: string[][] = [];
  const lookup = async (userIds: string[]) => {
    lookups.push(userIds);
    return new Set(userIds.filter((userId) => reachable.includes(userId)));
  };
  return { reachable, lookups, lookup };
}

describe('EndpointReach', () => {
  it('asks only about users it has no answer for, reachable or not', async () => {
    const reach = new EndpointReach(true);
    const { lookups, lookup } = table(['u1']);
    expect(await reach.usersWithEnabledEndpoints(['u1', 'u2'], lookup)).toEqual(new Set(['u1']));
    expect(await reach.usersWithEnabledEndpoints(['u1', 'u2', 'u3', 'u3'], lookup)).toEqual(new Set(['u1']));
    expect(lookups).toEqual([['u1', 'u2'], ['u3']]);
  });

  it('sees an endpoint created after its answer once forget() is called', async () => {
    const reach = new EndpointReach(true);
    const webhooks = table([]);
    expect(await reach.usersWithEnabledEndpoints(['u1'], webhooks.lookup)).toEqual(new Set());
    webhooks.reachable.push('u1');
    reach.forget();
    expect(await reach.usersWithEnabledEndpoints(['u1'], webhooks.lookup)).toEqual(new Set(['u1']));
  });

  it('does not remember what a lookup read before a write it overlapped', async () => {
    const reach = new EndpointReach(true);
    let release!: (found: Set<string>) => void;
    const pending = reach.usersWithEnabledEndpoints(['u1'], () => new Promise((resolve) => (release = resolve)));
    reach.forget(); // an endpoint of u1 was created while the lookup ran
    release(new Set()); // the lookup had read the table before that
    expect(await pending).toEqual(new Set());
    const { lookups, lookup } = table(['u1']);
    expect(await reach.usersWithEnabledEndpoints(['u1'], lookup)).toEqual(new Set(['u1']));
    expect(lookups).toEqual([['u1']]);
  });

  it('remembers nothing when disabled (several processes write endpoints)', async () => {
    const reach = new EndpointReach(false);
    const { lookups, lookup } = table(['u1']);
    await reach.usersWithEnabledEndpoints(['u1'], lookup);
    await reach.usersWithEnabledEndpoints(['u1'], lookup);
    expect(lookups).toEqual([['u1'], ['u1']]);
  });
});
