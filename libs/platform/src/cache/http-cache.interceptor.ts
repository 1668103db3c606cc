// Caches GET answers per caller and URL (@CachedRoute) and invalidates a caller's tags after writes (@InvalidatesCache).
// Most hits never get here: the cached-read fast path answers them before Nest's pipeline. This path stores
// the answers, and serves hits the fast path passed on (a key not yet verified in this process).
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { from, map, Observable, switchMap } from 'rxjs';
import { AuthUser } from '../auth/auth-user';
import { CACHED_ROUTE, INVALIDATES_CACHE } from './cache-metadata';
import { HttpAnswerCache, JSON_CONTENT_TYPE } from './http-answer-cache';

type CachedRequest = FastifyRequest & { user?: AuthUser };

@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly answers: HttpAnswerCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<CachedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const owner = request.user?.id ?? 'anonymous';
    const cachedTag = this.reflector.get<string | undefined>(CACHED_ROUTE, context.getHandler());
    if (cachedTag && request.method === 'GET' && this.answers.enabled) return this.serveCached(request, reply, owner, cachedTag, next);
    const invalidated = this.reflector.get<string[] | undefined>(INVALIDATES_CACHE, context.getHandler());
    if (!invalidated?.length) return next.handle();
    return next.handle().pipe(switchMap((body) => from(Promise.all(invalidated.map((tag) => this.answers.invalidate(owner, tag))).then(() => body))));
  }

  private serveCached(request: CachedRequest, reply: FastifyReply, owner: string, tag: string, next: CallHandler): Observable<unknown> {
    const ifNoneMatch = request.headers['if-none-match'];
    return from(this.answers.key(owner, tag, request.url)).pipe(
      switchMap((key) =>
        from(this.answers.get(key)).pipe(
          switchMap((hit) => {
            if (hit) return from([this.send(reply, this.answers.describe(reply, hit, 'HIT', ifNoneMatch), hit.json)]);
            return next.handle().pipe(
              map((body) => {
                const stored = this.answers.store(key, body);
                return this.send(reply, this.answers.describe(reply, stored, 'MISS', ifNoneMatch), stored.json);
              }),
            );
          }),
        ),
      ),
    );
  }

  /** The serialized answer goes out as is (Fastify does not serialize a string with a JSON content type). */
  private send(reply: FastifyReply, notModified: boolean, json: string): string | undefined {
    if (notModified) {
      void reply.status(304);
      return undefined;
    }
    void reply.type(JSON_CONTENT_TYPE);
    return json;
  }
}
