// Which users have an enabled webhook endpoint, remembered between lookups: the dispatcher asks on every pass
// (one statement per pass, ~100/s under load) and the answer changes only when an endpoint is created, deleted
// or disabled. Valid only where every such write goes through this process (the embedded database: one process)
// and calls forget(); on a shared PostgreSQL nothing is remembered.

/** past this many users remembered, the memo starts over (an answer is one map entry) */
const MAX_REMEMBERED_USERS = 100_000;

export class EndpointReach {
  private readonly known = new Map<string, boolean>();
  /** bumped by forget(): a lookup that began before a write must not store what it read */
  private generation = 0;

  constructor(private readonly enabled: boolean) {}

  /** Of these users, those with an enabled endpoint: remembered answers, and one `lookup` for the rest. */
  async usersWithEnabledEndpoints(userIds: readonly string[], lookup: (userIds: string[]) => Promise<Set<string>>): Promise<Set<string>> {
    const unique = [...new Set(userIds)];
    if (!this.enabled) return unique.length ? lookup(unique) : new Set();
    const reachable = new Set<string>();
    const unknown: string[] = [];
    for (const userId of unique) {
      const known = this.known.get(userId);
      if (known === undefined) unknown.push(userId);
      else if (known) reachable.add(userId);
    }
    if (!unknown.length) return reachable;
    const generation = this.generation;
    const found = await lookup(unknown);
    const store = generation === this.generation;
    if (store && this.known.size + unknown.length > MAX_REMEMBERED_USERS) this.known.clear();
    for (const userId of unknown) {
      if (found.has(userId)) reachable.add(userId);
      if (store) this.known.set(userId, found.has(userId));
    }
    return reachable;
  }

  /** After an endpoint was created, deleted or disabled (once the write committed). */
  forget(): void {
    this.generation++;
    this.known.clear();
  }
}
