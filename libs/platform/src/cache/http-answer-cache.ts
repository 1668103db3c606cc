// Cached GET answers, per caller, tag and URL, stored already serialized with their ETag. Shared by the Nest
// interceptor (which stores them) and the cached-read fast path (which serves them before Nest runs).
import { Injectable } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { CacheableMemory } from 'cacheable';
import { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { AnswerEncoding, encode, preferredEncoding } from './answer-encodings';
import { AppCache } from './app-cache';

export interface CachedAnswer {
  json: string;
  etag: string;
  /** epoch ms at which the shared store drops the entry; a local copy lives no longer */
  expiresAt?: number;
  /** the JSON's length in bytes and its compressed forms, each made on the first hit that needs it (kept by the in-process store, which shares the object) */
  jsonBytes?: number;
  /** the JSON as bytes, for answers of LARGE_ANSWER_CHARS and more */
  jsonBuffer?: Buffer;
  encoded?: Partial<Record<AnswerEncoding, Buffer>>;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface AnswerKey {
  id: string;
  /** the tag's version was read as one a write set: answers under it may be copied locally (see below) */
  copyable: boolean;
}

/** the version of a tag never invalidated, and the one a failed read gives */
const UNINVALIDATED = '0';

/**
 * With Redis, answers this process stored or read are also kept here, by their versioned key. A write gives the
 * tag a new version, hence new keys; an entry under a key is only stored again once it expired. So a local copy,
 * kept no longer than the shared entry, is as current as Redis's while the tag version is still read from Redis
 * on every hit; it saves moving and parsing the whole answer (a 50-alert page is 17 KB) and keeps its compressed
 * forms. Bounded: pages are up to tens of KB. Not for version '0', which a read of the version also gives when
 * Redis fails: a write meanwhile would go unseen.
 */
const LOCAL_ANSWERS_WITH_REDIS = 500;

/**
 * From this size a hit's body goes out as bytes made once: Node prepends the headers to a string body, a copy of
 * the whole answer on the JS heap per hit (for a 17 KB page of alerts, most of what the young generation collected
 * under load, and its pauses set the p99). A small answer is cheaper as a string, written with its headers in one
 * piece.
 */
const LARGE_ANSWER_CHARS = 2_048;

@Injectable()
export class HttpAnswerCache {
  private ttlSec: number;
  private readonly compressionThresholdBytes: number;
  private readonly local: CacheableMemory | undefined;

  constructor(
    private readonly cache: AppCache,
    profiles: ProfileService,
  ) {
    if (!cache.synchronous) this.local = new CacheableMemory({ lruSize: LOCAL_ANSWERS_WITH_REDIS, useClone: false, storeHashSize: 1 });
    this.compressionThresholdBytes = profiles.bootValue('http').compressionThresholdBytes;
    this.ttlSec = profiles.section('http').cacheTtlSec;
    profiles.onChange('http', (next) => (this.ttlSec = next.cacheTtlSec));
  }

  get enabled(): boolean {
    return this.ttlSec > 0;
  }

  /** The entry's key carries the tag's current version, so invalidating the tag orphans every entry under it. */
  async key(owner: string, tag: string, url: string): Promise<AnswerKey> {
    const version = await this.cache.tagVersion(`${owner}:${tag}`);
    // '0' is also what a failed read of the version gives (Redis down): then the user's writes may have moved it on
    return { id: answerKey(owner, tag, version, url), copyable: version !== UNINVALIDATED };
  }

  async get(key: AnswerKey): Promise<CachedAnswer | undefined> {
    const copy = key.copyable ? this.local?.get<CachedAnswer>(key.id) : undefined;
    if (copy) return copy;
    const shared = await this.cache.get<CachedAnswer>(key.id);
    if (shared) this.keepLocally(key, shared);
    return shared;
  }

  /** Whether lookup() answers (in-process store); otherwise use key() and get(). */
  get synchronous(): boolean {
    return this.cache.synchronous;
  }

  /** key() and get() in one synchronous call, for the in-process store. */
  lookup(owner: string, tag: string, url: string): CachedAnswer | undefined {
    return this.cache.peek<CachedAnswer>(answerKey(owner, tag, this.cache.peekTagVersion(`${owner}:${tag}`), url));
  }

  store(key: AnswerKey, body: unknown): CachedAnswer {
    const json = JSON.stringify(body ?? null);
    const ttlMs = this.ttlSec * 1000;
    const answer: CachedAnswer = { json, etag: `W/"${createHash('sha1').update(json).digest('base64url')}"`, expiresAt: Date.now() + ttlMs };
    void this.cache.set(key.id, answer, ttlMs);
    // a copy: hits add compressed forms to the local object, which must not reach the shared store's write
    this.keepLocally(key, { ...answer });
    return answer;
  }

  /** Entries stored before expiresAt existed (a rolling upgrade) are not copied: their end is unknown here. */
  private keepLocally(key: AnswerKey, answer: CachedAnswer): void {
    const ttlMs = (answer.expiresAt ?? 0) - Date.now();
    if (this.local && key.copyable && ttlMs > 0) this.local.set(key.id, answer, ttlMs);
  }

  invalidate(owner: string, tag: string): Promise<void> {
    return this.cache.invalidateTag(`${owner}:${tag}`);
  }

  /**
   * The body for this client and its length in bytes: the JSON as is (as bytes when large), or its compressed form
   * and the Content-Encoding to send with it.
   */
  body(answer: CachedAnswer, acceptEncoding: string | undefined): { body: string | Buffer; bytes: number; encoding?: AnswerEncoding } {
    const encoding = answer.json.length >= this.compressionThresholdBytes ? preferredEncoding(acceptEncoding) : undefined;
    if (!encoding) {
      if (answer.json.length < LARGE_ANSWER_CHARS) return { body: answer.json, bytes: (answer.jsonBytes ??= Buffer.byteLength(answer.json)) };
      const bytes = (answer.jsonBuffer ??= Buffer.from(answer.json));
      return { body: bytes, bytes: bytes.length };
    }
    answer.encoded ??= {};
    const body = (answer.encoded[encoding] ??= encode(answer.json, encoding));
    return { body, bytes: body.length, encoding };
  }

  /** X-Cache, ETag, Cache-Control and Vary as name, value, name, value… (the body may be compressed for another client) */
  validators(answer: CachedAnswer, state: 'HIT' | 'MISS'): string[] {
    return ['x-cache', state, 'etag', answer.etag, 'cache-control', `private, max-age=${this.ttlSec}`, 'vary', 'accept-encoding'];
  }

  /** Sets validators(); true when the client's If-None-Match already names this answer (send 304). */
  describe(reply: FastifyReply, answer: CachedAnswer, state: 'HIT' | 'MISS', ifNoneMatch: string | undefined): boolean {
    const headers = this.validators(answer, state);
    for (let i = 0; i < headers.length; i += 2) void reply.header(headers[i], headers[i + 1]);
    return ifNoneMatch === answer.etag;
  }
}

function answerKey(owner: string, tag: string, version: string, url: string): string {
  return `http:${owner}:${tag}:${version}:${url}`;
}
