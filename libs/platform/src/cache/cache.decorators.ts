// The interceptor is attached per route rather than globally: an interceptor costs every request it wraps
// (Nest binds an async resource per call), and most routes neither cache nor invalidate.
import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader } from '@nestjs/swagger';
import { CACHED_ROUTE, CachedRouteConfig, INVALIDATES_CACHE } from './cache-metadata';
import { HttpCacheInterceptor } from './http-cache.interceptor';

/** Caches this GET per caller and URL for the profile's http.cacheTtlSec; `tag` groups entries for invalidation. */
export const CachedRoute = (tag: string) =>
  applyDecorators(
    SetMetadata(CACHED_ROUTE, tag),
    RouteConfig({ cachedTag: tag } satisfies CachedRouteConfig),
    UseInterceptors(HttpCacheInterceptor),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a previous answer' }),
  );

/** After this write succeeds, the caller's cached entries under these tags are stale. */
export const InvalidatesCache = (...tags: string[]) => applyDecorators(SetMetadata(INVALIDATES_CACHE, tags), UseInterceptors(HttpCacheInterceptor));
