// The stored half of API keys: the hash of each key's secret and the user it acts for. The lookups asked for in
// one event-loop turn go out as one query. Keys verified together expire from ApiKeyService's memory together,
// and their clients' next requests then queued for the connection pool one query each: every 5 s (the balanced
// profile's apiKeyTtlSec), 100 clients creating alerts stalled each other's writes for tens of milliseconds.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { StatementCoalescer } from '../batching/statement-coalescer';
import { queryBound } from '../database/bound-query';
import type { UserRole } from '../users/user.entity';

export interface StoredApiKey {
  secretHash: string;
  userId: string;
  username: string;
  role: UserRole;
}

/** Keys that are not revoked, with their users, of the ids in a JSON array. */
const FIND_KEYS = `
  select k.id, k.secret_hash, u.id as user_id, u.username, u.role
  from api_keys k join users u on u.id = k.user_id
  where k.id in (select jsonb_array_elements_text(?::jsonb)) and k.revoked_at is null`;

interface KeyRow {
  id: string;
  secret_hash: string;
  user_id: string;
  username: string;
  role: UserRole;
}

@Injectable()
export class StoredApiKeys {
  /** A second lookup may run while one is under way, so a burst's latecomers do not wait a whole round trip more. */
  private readonly lookups = new StatementCoalescer<string, StoredApiKey | undefined>((ids) => this.findMany(ids), { maxInFlight: 2, maxRows: 1_000 });

  constructor(private readonly em: EntityManager) {}

  /** The key when it exists and is not revoked. Rejects, with the others of its turn, when the query fails. */
  async find(keyId: string): Promise<StoredApiKey | undefined> {
    const [key] = await this.lookups.submit([keyId]);
    return key;
  }

  private async findMany(ids: string[]): Promise<Array<StoredApiKey | undefined>> {
    const rows = await queryBound<KeyRow>(this.em.fork(), FIND_KEYS, [JSON.stringify(ids)]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => {
      const row = byId.get(id);
      return row && { secretHash: row.secret_hash, userId: row.user_id, username: row.username, role: row.role };
    });
  }
}
