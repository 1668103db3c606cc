// Every api_keys query. A key belongs to its user: revoking and listing take the owner, so one user can never
// touch another's keys. The lookups that verify presented keys in one event-loop turn go out as one query: keys
// verified together expire from ApiKeyService's memory together, and their clients' next requests then queued for
// the connection pool one query each (every 5 s, the balanced profile's apiKeyTtlSec, 100 clients creating alerts
// stalled each other's writes for tens of milliseconds).
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { StatementCoalescer } from '../batching/statement-coalescer';
import { queryBound } from '../database/bound-query';
import { ApiKey } from '../users/api-key.entity';
import { ENV_ADMIN_KEY_ID } from '../users/api-key-codec';
import { User, type UserRole } from '../users/user.entity';

/** What verifying a key needs: the hash of its secret and the user it acts for. */
export interface StoredApiKey {
  secretHash: string;
  userId: string;
  username: string;
  role: UserRole;
}

export interface ApiKeySummary {
  id: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Keys that are not revoked, with their users, of the ids in a JSON array. */
const FIND_ACTIVE_KEYS = `
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
export class ApiKeysRepository {
  /** A second lookup may run while one is under way, so a burst's latecomers do not wait a whole round trip more. */
  private readonly lookups = new StatementCoalescer<string, StoredApiKey | undefined>((ids) => this.findManyActive(ids), { maxInFlight: 2, maxRows: 1_000 });

  constructor(private readonly em: EntityManager) {}

  async insert(key: { id: string; ownerId: string; secretHash: string; label: string | null }): Promise<ApiKey> {
    const em = this.em.fork();
    const entity = em.create(ApiKey, { id: key.id, user: em.getReference(User, key.ownerId), secretHash: key.secretHash, label: key.label, createdAt: new Date() });
    await em.persistAndFlush(entity);
    return entity;
  }

  /** The key that stands for ADMIN_API_KEY, for the given admin, replacing (and un-revoking) a previous one. */
  async upsertEnvironmentKey(ownerId: string, secretHash: string): Promise<void> {
    await this.em.getConnection().execute(
      `insert into api_keys (id, user_id, secret_hash, label) values (?, ?, ?, 'ADMIN_API_KEY')
       on conflict (id) do update set user_id = excluded.user_id, secret_hash = excluded.secret_hash, revoked_at = null`,
      [ENV_ADMIN_KEY_ID, ownerId, secretHash],
    );
  }

  /** False when the owner has no such key, or it was revoked already. */
  async revokeOwned(ownerId: string, keyId: string): Promise<boolean> {
    const revoked = await this.em.fork().nativeUpdate(ApiKey, { id: keyId, user: ownerId, revokedAt: null }, { revokedAt: new Date() });
    return revoked > 0;
  }

  async listOwned(ownerId: string): Promise<ApiKeySummary[]> {
    const keys = await this.em.fork().find(ApiKey, { user: ownerId }, { orderBy: { createdAt: 'asc' }, fields: ['id', 'label', 'createdAt', 'revokedAt'] });
    return keys.map(({ id, label, createdAt, revokedAt }) => ({ id, label: label ?? null, createdAt, revokedAt: revokedAt ?? null }));
  }

  /** The key when it exists and is not revoked. Rejects, with the others of its turn, when the query fails. */
  async findActive(keyId: string): Promise<StoredApiKey | undefined> {
    const [key] = await this.lookups.submit([keyId]);
    return key;
  }

  private async findManyActive(ids: string[]): Promise<Array<StoredApiKey | undefined>> {
    const rows = await queryBound<KeyRow>(this.em.fork(), FIND_ACTIVE_KEYS, [JSON.stringify(ids)]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => {
      const row = byId.get(id);
      return row && { secretHash: row.secret_hash, userId: row.user_id, username: row.username, role: row.role };
    });
  }
}
