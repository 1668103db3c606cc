// X-Request-Id and X-Response-Time on every answer, and the per-route latency histogram. These are Fastify
// hooks rather than a Nest interceptor because interceptors never see answers that a guard (401, 429) or the
// body parser (413) produced, and those answers need the headers too.
import { Logger } from '@nestjs/common';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { histogram } from '../metrics/metrics';
import { RouteStats } from './route-stats';

const httpDuration = histogram({
  name: 'tradepulse_http_request_duration_seconds',
  help: 'HTTP request duration by route template',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

const START = Symbol('startedAt');
type TimedRequest = FastifyRequest & { [START]?: bigint };

const requestLog = new Logger('HTTP');

/** Histogram children by "method route status": prom-client hashes a labels object on every observe() otherwise. */
const observers = new Map<string, { observe(seconds: number): void }>();

function observerFor(method: string, route: string, status: number): { observe(seconds: number): void } {
  const key = `${method} ${route} ${status}`;
  let observer = observers.get(key);
  if (!observer) observers.set(key, (observer = httpDuration.labels({ method, route, status: String(status) })));
  return observer;
}

/** The X-Response-Time value: time since the request arrived, e.g. `0.42ms`. */
export function responseTime(request: FastifyRequest): string {
  const startedAt = (request as TimedRequest)[START];
  const elapsedMs = startedAt === undefined ? 0 : Number(process.hrtime.bigint() - startedAt) / 1e6;
  return `${elapsedMs.toFixed(2)}ms`;
}

/** `logRequests`: one info line per completed request (off below LOG_LEVEL=info, where it would only cost). */
export function registerRequestTiming(fastify: FastifyInstance, stats: RouteStats, { logRequests }: { logRequests: boolean }): void {
  fastify.addHook('onRequest', (request: TimedRequest, _reply, done) => {
    request[START] = process.hrtime.bigint();
    done();
  });
  fastify.addHook('onSend', (request: TimedRequest, reply: FastifyReply, payload, done) => {
    void reply.header('X-Response-Time', responseTime(request)).header('X-Request-Id', request.id);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request: TimedRequest, reply: FastifyReply, done) => {
    const seconds = Number(process.hrtime.bigint() - (request[START] ?? process.hrtime.bigint())) / 1e9;
    const route = request.routeOptions?.url ?? 'unmatched';
    observerFor(request.method, route, reply.statusCode).observe(seconds);
    stats.record(`${request.method} ${route}`, seconds * 1000, reply.statusCode >= 500);
    if (logRequests && !route.startsWith('/health')) {
      requestLog.log({ requestId: request.id, method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: Math.round(seconds * 1e5) / 100 }, 'request completed');
    }
    done();
  });
}
