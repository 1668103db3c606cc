import { applyDecorators, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader } from '@nestjs/swagger';

export const CACHED_ROUTE = 'tradepulse:cached-route';
export const INVALIDATES_CACHE = 'tradepulse:invalidates-cache';

/** What @CachedRoute puts in the Fastify route's config, where the cached-read fast path finds it before Nest runs. */
export interface CachedRouteConfig {
  cachedTag?: string;
}

/** Caches this GET per caller and URL for the profile's http.cacheTtlSec; `tag` groups entries for invalidation. */
export const CachedRoute = (tag: string) =>
  applyDecorators(
    SetMetadata(CACHED_ROUTE, tag),
    RouteConfig({ cachedTag: tag } satisfies CachedRouteConfig),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a previous answer' }),
  );

/** After this write succeeds, the caller's cached entries under these tags are stale. */
export const InvalidatesCache = (...tags: string[]) => SetMetadata(INVALIDATES_CACHE, tags);
