// Caches GET answers per caller and URL (@CachedRoute) and invalidates a caller's tags after writes (@InvalidatesCache).
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProfileService } from '@tradepulse/config';
import { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, Observable, of, switchMap, tap } from 'rxjs';
import { AuthUser } from '../auth/auth-user';
import { AppCache } from './app-cache';
import { CACHED_ROUTE, INVALIDATES_CACHE } from './cache.decorators';

interface CachedAnswer {
  body: unknown;
  etag: string;
}

type CachedRequest = FastifyRequest & { user?: AuthUser };

@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  private ttlSec: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly cache: AppCache,
    profiles: ProfileService,
  ) {
    this.ttlSec = profiles.section('http').cacheTtlSec;
    profiles.onChange('http', (next) => (this.ttlSec = next.cacheTtlSec));
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<CachedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const owner = request.user?.id ?? 'anonymous';
    const cachedTag = this.reflector.get<string | undefined>(CACHED_ROUTE, context.getHandler());
    if (cachedTag && request.method === 'GET' && this.ttlSec > 0) return this.serveCached(request, reply, `${owner}:${cachedTag}`, next);
    const invalidated = this.reflector.get<string[] | undefined>(INVALIDATES_CACHE, context.getHandler());
    if (!invalidated?.length) return next.handle();
    return next.handle().pipe(
      switchMap((body) => from(Promise.all(invalidated.map((tag) => this.cache.invalidateTag(`${owner}:${tag}`))).then(() => body))),
    );
  }

  private serveCached(request: CachedRequest, reply: FastifyReply, tag: string, next: CallHandler): Observable<unknown> {
    const ttlSec = this.ttlSec;
    return from(this.cache.tagVersion(tag)).pipe(
      switchMap((version) => {
        const key = `http:${tag}:${version}:${request.url}`;
        return from(this.cache.get<CachedAnswer>(key)).pipe(
          switchMap((hit) => {
            if (hit) {
              this.setHeaders(reply, 'HIT', hit.etag, ttlSec);
              if (request.headers['if-none-match'] === hit.etag) {
                void reply.status(304);
                return of(undefined);
              }
              return of(hit.body);
            }
            return next.handle().pipe(
              tap((body) => {
                const etag = `W/"${createHash('sha1').update(JSON.stringify(body ?? null)).digest('base64url')}"`;
                this.setHeaders(reply, 'MISS', etag, ttlSec);
                void this.cache.set<CachedAnswer>(key, { body, etag }, ttlSec * 1000);
              }),
            );
          }),
        );
      }),
    );
  }

  private setHeaders(reply: FastifyReply, state: 'HIT' | 'MISS', etag: string, ttlSec: number): void {
    void reply.header('X-Cache', state).header('ETag', etag).header('Cache-Control', `private, max-age=${ttlSec}`);
  }
}
