// Issues, verifies and revokes API keys. Verified key ids are cached for a few seconds (evicted on revoke).
import { Injectable } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { CacheableMemory } from 'cacheable';
import { timingSafeEqual } from 'node:crypto';
import { notFound } from '../errors/domain-errors';
import { EventBus } from '../events/event-bus';
import { ENV_ADMIN_KEY_ID, generateApiKey, hashSecret, ParsedApiKey, parseApiKey, secretMatches, storedDigest } from '../users/api-key-codec';
import { AuthUser } from './auth-user';
import { ApiKeySummary, ApiKeysRepository } from './api-keys.repository';

declare module '../index' {
  interface DomainEvents {
    /** a key stopped working: connections it opened (the WebSocket's) are closed */
    'apiKey.revoked': { userId: string; keyId: string };
    /** another process announced that it revoked this key: the sockets this process admitted with it are closed */
    'apiKey.revokedElsewhere': { keyId: string };
  }
}

interface VerifiedKey {
  digest: Buffer;
  /** the caller this key authenticates, shared by every request that presents it */
  caller: AuthUser;
}

export interface IssuedKey {
  id: string;
  apiKey: string;
  label: string | null;
  createdAt: Date;
}

@Injectable()
export class ApiKeyService {
  private readonly verified = new CacheableMemory({ lruSize: 10_000, useClone: false, storeHashSize: 1 });
  /** Loads under way, so that when a busy key's entry expires its concurrent requests share one query. */
  private readonly loading = new Map<string, Promise<VerifiedKey | undefined>>();
  /** Bumped by every revocation: a load that started before one must not put a stale entry back. */
  private revocations = 0;
  /**
   * Keys revoked through this process: a lookup that was under way when its key was revoked must not authenticate
   * (a WebSocket handshake it let in would stay connected). Revocations are rare and final, so this stays small.
   */
  private readonly revokedHere = new Set<string>();
  /** The key each keep-alive connection last proved (its bytes), with the cache entry it was checked against. */
  private readonly provenOnConnection = new WeakMap<object, { presented: Buffer; keyId: string; entry: VerifiedKey }>();

  constructor(
    private readonly profiles: ProfileService,
    private readonly apiKeys: ApiKeysRepository,
    private readonly bus: EventBus,
  ) {}

  async issue(userId: string, label: string | null = null): Promise<IssuedKey> {
    const { keyId, secret, apiKey } = generateApiKey();
    const key = await this.apiKeys.insert({ id: keyId, ownerId: userId, secretHash: hashSecret(secret), label });
    return { id: keyId, apiKey, label, createdAt: key.createdAt };
  }

  /** Stores ADMIN_API_KEY (any string) for the given admin user, replacing a previous value. */
  async storeEnvironmentKey(userId: string, apiKey: string): Promise<void> {
    await this.apiKeys.upsertEnvironmentKey(userId, hashSecret(apiKey));
    this.revokedHere.delete(ENV_ADMIN_KEY_ID);
    this.forget(ENV_ADMIN_KEY_ID);
  }

  /**
   * The caller this key authenticates, or undefined. `connection` (the request's socket): a connection presenting
   * the same key as on its previous request, whose cache entry is still the one it was checked against (not
   * revoked, not expired), is not hashed again. The comparison is constant-time all the same: behind a reverse
   * proxy one connection carries many clients' requests.
   */
  async verify(presented: string, connection?: object): Promise<AuthUser | undefined> {
    const remembered = this.provenBefore(presented, connection);
    if (remembered) return remembered;
    const parsed = parsePresented(presented);
    return this.check(parsed, presented, await this.entryOf(parsed.keyId), connection);
  }

  /** Like verify, but only from the keys this process verified recently; undefined means "ask verify". */
  verifyFromMemory(presented: string, connection?: object): AuthUser | undefined {
    const remembered = this.provenBefore(presented, connection);
    if (remembered) return remembered;
    const parsed = parsePresented(presented);
    return this.check(parsed, presented, this.verified.get<VerifiedKey>(parsed.keyId), connection);
  }

  /**
   * Whether a key still authenticates: from memory while this process holds it (apiKeyTtlSec), then from the
   * database, so a key revoked through another process is seen here once its memory entry expires.
   */
  async isActive(keyId: string): Promise<boolean> {
    if (this.revokedHere.has(keyId)) return false;
    return (await this.entryOf(keyId)) !== undefined;
  }

  async revoke(userId: string, keyId: string): Promise<void> {
    const revoked = await this.apiKeys.revokeOwned(userId, keyId);
    if (revoked) this.revokedHere.add(keyId);
    this.forget(keyId);
    if (!revoked) throw notFound(`API key ${keyId}`);
    this.bus.emit('apiKey.revoked', { userId, keyId });
  }

  /**
   * Another process revoked the key (RevocationAnnouncements): this process forgets it, so that its next use is
   * checked against the database, which refuses it.
   */
  revokedElsewhere(keyId: string): void {
    this.forget(keyId);
    this.bus.emit('apiKey.revokedElsewhere', { keyId });
  }

  list(userId: string): Promise<ApiKeySummary[]> {
    return this.apiKeys.listOwned(userId);
  }

  private provenBefore(presented: string, connection: object | undefined): AuthUser | undefined {
    const proven = connection && this.provenOnConnection.get(connection);
    if (!proven || this.verified.get<VerifiedKey>(proven.keyId) !== proven.entry) return undefined;
    const bytes = Buffer.from(presented);
    return bytes.length === proven.presented.length && timingSafeEqual(bytes, proven.presented) ? proven.entry.caller : undefined;
  }

  private check(parsed: ParsedApiKey, presented: string, entry: VerifiedKey | undefined, connection: object | undefined): AuthUser | undefined {
    if (this.revokedHere.has(parsed.keyId)) return undefined;
    const caller = matching(parsed, entry);
    // only an entry that is cached can vouch for the connection later (a TTL of 0 caches nothing)
    if (caller && entry && connection && this.verified.get(parsed.keyId) === entry) this.provenOnConnection.set(connection, { presented: Buffer.from(presented), keyId: parsed.keyId, entry });
    return caller;
  }

  /** The key's entry from memory, else from the database (and kept in memory for apiKeyTtlSec). */
  private entryOf(keyId: string): VerifiedKey | undefined | Promise<VerifiedKey | undefined> {
    return this.verified.get<VerifiedKey>(keyId) ?? this.load(keyId);
  }

  private load(keyId: string): Promise<VerifiedKey | undefined> {
    const inFlight = this.loading.get(keyId);
    if (inFlight) return inFlight;
    const pending: Promise<VerifiedKey | undefined> = this.loadFromDatabase(keyId).finally(() => {
      if (this.loading.get(keyId) === pending) this.loading.delete(keyId);
    });
    this.loading.set(keyId, pending);
    return pending;
  }

  private forget(keyId: string): void {
    this.revocations++;
    this.verified.delete(keyId);
    this.loading.delete(keyId);
  }

  private async loadFromDatabase(keyId: string): Promise<VerifiedKey | undefined> {
    const revocationsBefore = this.revocations;
    const key = await this.apiKeys.findActive(keyId);
    if (!key) return undefined;
    const caller: AuthUser = Object.freeze({ id: key.userId, username: key.username, role: key.role, keyId });
    const entry: VerifiedKey = { digest: storedDigest(key.secretHash), caller };
    const ttlSec = this.profiles.section('cache').apiKeyTtlSec;
    if (ttlSec > 0 && this.revocations === revocationsBefore) this.verified.set(keyId, entry, ttlSec * 1000);
    return entry;
  }
}

/** A `tp_` key, or else the whole string as the ADMIN_API_KEY. */
function parsePresented(presented: string): ParsedApiKey {
  return parseApiKey(presented) ?? { keyId: ENV_ADMIN_KEY_ID, secret: presented };
}

/** The caller when the secret matches the stored hash. */
function matching(parsed: ParsedApiKey, entry: VerifiedKey | undefined): AuthUser | undefined {
  if (!entry || !secretMatches(parsed.secret, entry.digest)) return undefined;
  return entry.caller;
}
