// Cached GET answers, per caller, tag and URL, stored already serialized with their ETag. Shared by the Nest
// interceptor (which stores them) and the cached-read fast path (which serves them before Nest runs).
import { Injectable } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { AppCache } from './app-cache';

export interface CachedAnswer {
  json: string;
  etag: string;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

@Injectable()
export class HttpAnswerCache {
  private ttlSec: number;

  constructor(
    private readonly cache: AppCache,
    profiles: ProfileService,
  ) {
    this.ttlSec = profiles.section('http').cacheTtlSec;
    profiles.onChange('http', (next) => (this.ttlSec = next.cacheTtlSec));
  }

  get enabled(): boolean {
    return this.ttlSec > 0;
  }

  /** The entry's key carries the tag's current version, so invalidating the tag orphans every entry under it. */
  async key(owner: string, tag: string, url: string): Promise<string> {
    return `http:${owner}:${tag}:${await this.cache.tagVersion(`${owner}:${tag}`)}:${url}`;
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    return this.cache.get<CachedAnswer>(key);
  }

  store(key: string, body: unknown): CachedAnswer {
    const json = JSON.stringify(body ?? null);
    const answer = { json, etag: `W/"${createHash('sha1').update(json).digest('base64url')}"` };
    void this.cache.set(key, answer, this.ttlSec * 1000);
    return answer;
  }

  invalidate(owner: string, tag: string): Promise<void> {
    return this.cache.invalidateTag(`${owner}:${tag}`);
  }

  /** X-Cache, ETag and Cache-Control; true when the client's If-None-Match already names this answer (send 304). */
  describe(reply: FastifyReply, answer: CachedAnswer, state: 'HIT' | 'MISS', ifNoneMatch: string | undefined): boolean {
    void reply.header('X-Cache', state).header('ETag', answer.etag).header('Cache-Control', `private, max-age=${this.ttlSec}`);
    return ifNoneMatch === answer.etag;
  }
}
