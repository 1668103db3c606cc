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
import { HttpAnswerCache, JSON_CONTENT_TYPE } from '../cache/http-answer-cache';
import { RequestRateLimits } from '../throttling/request-rate-limits';

@Injectable()
export class CachedReadFastPath {
  private readonly logger = new Logger(CachedReadFastPath.name);

  constructor(
    private readonly keys: ApiKeyService,
    private readonly answers: HttpAnswerCache,
    private readonly rateLimits: RequestRateLimits,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const caller = this.cachedReadCaller(request);
      if (!caller) return done();
      this.answer(request, reply, caller).then(
        (answered) => answered || done(),
        (error: Error) => {
          this.logger.warn(`cached read fell back to the full pipeline: ${error.message}`);
          done();
        },
      );
    });
  }

  private cachedReadCaller(request: FastifyRequest): { user: AuthUser; tag: string } | undefined {
    if (request.method !== 'GET' || !this.answers.enabled) return undefined;
    const tag = (request.routeOptions.config as CachedRouteConfig | undefined)?.cachedTag;
    if (!tag) return undefined;
    const presented = extractApiKey(request);
    const user = presented ? this.keys.verifyFromMemory(presented) : undefined;
    return user ? { user, tag } : undefined;
  }

  private async answer(request: FastifyRequest, reply: FastifyReply, { user, tag }: { user: AuthUser; tag: string }): Promise<boolean> {
    const hit = await this.answers.get(await this.answers.key(user.id, tag, request.url));
    if (!hit || !(await this.rateLimits.admit(request.ip, user.keyId, reply))) return false;
    if (this.answers.describe(reply, hit, 'HIT', request.headers['if-none-match'])) {
      void reply.status(304).send();
    } else {
      void reply.type(JSON_CONTENT_TYPE).send(this.answers.body(reply, hit, request.headers['accept-encoding']));
    }
    return true;
  }
}
