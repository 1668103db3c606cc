// Counts this process's authenticated sockets, overall and per user, against the profile's limits.

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerUser: number;
}

export class ConnectionRegistry {
  private total = 0;
  private readonly perUser = new Map<string, number>();

  get size(): number {
    return this.total;
  }

  countFor(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }

  /** Counts the connection and returns undefined, or returns why it is refused (and counts nothing). */
  admit(userId: string, limits: ConnectionLimits): string | undefined {
    if (this.total >= limits.maxConnections) return `too many connections: this server holds its maximum of ${limits.maxConnections}; retry later`;
    const own = this.countFor(userId);
    if (own >= limits.maxConnectionsPerUser) return `too many connections for this user: at most ${limits.maxConnectionsPerUser}; close another first`;
    this.total++;
    this.perUser.set(userId, own + 1);
    return undefined;
  }

  release(userId: string): void {
    const own = this.countFor(userId);
    if (own === 0) return;
    this.total--;
    if (own === 1) this.perUser.delete(userId);
    else this.perUser.set(userId, own - 1);
  }
}
