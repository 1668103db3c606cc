// Metadata keys written by the cache decorators and read by HttpCacheInterceptor.
export const CACHED_ROUTE = 'tradepulse:cached-route';
export const INVALIDATES_CACHE = 'tradepulse:invalidates-cache';

/** What @CachedRoute puts in the Fastify route's config, where the cached-read fast path finds it before Nest runs. */
export interface CachedRouteConfig {
  cachedTag?: string;
}
