// Serves cache hits of @CachedRoute GETs from a Fastify onRequest hook, before Nest's guards, pipes and
// interceptors run: the key is checked against the keys this process verified recently, the request is
// counted against the same rate-limit buckets, and the stored answer goes out already serialized. Anything
// else (no key, a key not verified here yet, a miss, a bucket over its limit, any error) continues into Nest,
// which answers it as it always does, so the fast path changes how fast an answer comes, never what it is.
import { Injectable, Logger } from '@nestjs/common';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyService } from '../auth/api-key.service';
import { extractApiKey } from '../auth/api-key.guard';
import { AuthUser } from '../auth/auth-user';
import { CachedRouteConfig } from '../cache/cache-metadata';
import { CachedAnswer, HttpAnswerCache, JSON_CONTENT_TYPE } from '../cache/http-answer-cache';
import { RequestRateLimits } from '../throttling/request-rate-limits';
import { EndOfTurnWrites } from './end-of-turn-writes';
import { responseTime } from './request-timing';

interface CachedRead {
  user: AuthUser;
  tag: string;
}

@Injectable()
export class CachedReadFastPath {
  private readonly logger = new Logger(CachedReadFastPath.name);
  private readonly writes = new EndOfTurnWrites((error) => this.logger.warn(`a cached answer could not be written; its connection was closed: ${(error as Error).message}`));

  constructor(
    private readonly keys: ApiKeyService,
    private readonly answers: HttpAnswerCache,
    private readonly rateLimits: RequestRateLimits,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const read = this.cachedRead(request);
      if (!read) return done();
      // the in-process store answers without a promise (and a miss there costs no rate-limit round)
      if (this.answers.synchronous) {
        const hit = this.answers.lookup(read.user.id, read.tag, request.url);
        if (hit) this.admitAndSend(request, reply, read.user, hit, done);
        else done();
        return;
      }
      this.answers
        .key(read.user.id, read.tag, request.url)
        .then((key) => this.answers.get(key))
        .then((hit) => (hit ? this.admitAndSend(request, reply, read.user, hit, done) : done()))
        .catch((error: Error) => this.fallBack(error, reply, done));
    });
  }

  private admitAndSend(request: FastifyRequest, reply: FastifyReply, user: AuthUser, hit: CachedAnswer, next: () => void): void {
    this.rateLimits
      .admit(request.ip, user.keyId)
      .then((rateLimitHeaders) => (rateLimitHeaders ? this.send(request, reply, hit, rateLimitHeaders) : next()))
      .catch((error: Error) => this.fallBack(error, reply, next));
  }

  private fallBack(error: Error, reply: FastifyReply, next: () => void): void {
    this.logger.warn(`cached read fell back to the full pipeline: ${error.message}`);
    // a failure after the answer started cannot be handed on: close the connection rather than leave it hanging
    if (reply.sent) reply.raw.destroy(error);
    else next();
  }

  private cachedRead(request: FastifyRequest): CachedRead | undefined {
    if (request.method !== 'GET' || !this.answers.enabled) return undefined;
    const tag = (request.routeOptions.config as CachedRouteConfig | undefined)?.cachedTag;
    if (!tag) return undefined;
    const presented = extractApiKey(request);
    const user = presented ? this.keys.verifyFromMemory(presented, request.raw.socket) : undefined;
    return user ? { user, tag } : undefined;
  }

  // Written to the raw response: Fastify's onSend hooks (compression, timing headers) have nothing to add to
  // an answer that is already serialized and encoded, and their cost was a large share of a hit. onResponse
  // hooks (metrics, route stats) still run when the response finishes. The write waits for the end of the
  // event loop's turn, with the turn's other answers (EndOfTurnWrites says why).
  private send(request: FastifyRequest, reply: FastifyReply, hit: CachedAnswer, rateLimitHeaders: string[]): void {
    const headers = rateLimitHeaders;
    headers.push(...this.answers.validators(hit, 'HIT'));
    let status = 304;
    let body: string | Buffer | undefined;
    if (request.headers['if-none-match'] !== hit.etag) {
      status = 200;
      const encoded = this.answers.body(hit, request.headers['accept-encoding']);
      body = encoded.body;
      headers.push('content-type', JSON_CONTENT_TYPE, 'content-length', String(encoded.bytes));
      if (encoded.encoding) headers.push('content-encoding', encoded.encoding);
    }
    reply.hijack();
    this.writes.add(() => {
      try {
        headers.push('x-response-time', responseTime(request), 'x-request-id', request.id);
        reply.raw.writeHead(status, headers).end(body);
      } catch (error) {
        reply.raw.destroy(error as Error);
        throw error;
      }
    });
  }
}
