// X-Request-Id and X-Response-Time on every answer, and the per-route latency histogram. These are Fastify
// hooks rather than a Nest interceptor because interceptors never see answers that a guard (401, 429) or the
// body parser (413) produced, and those answers need the headers too.
import { Logger } from '@nestjs/common';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
import { histogram } from '../metrics/metrics';
import { RouteStats } from './route-stats';

const httpDuration = histogram({
  name: 'tradepulse_http_request_duration_seconds',
  help: 'HTTP request duration by route template',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

const START = Symbol('startedAt');
/** performance.now() at arrival: a double, where hrtime.bigint() would allocate on every request */
type TimedRequest = FastifyRequest & { [START]?: number };

const requestLog = new Logger('HTTP');

interface RouteOutcome {
  /** the histogram child for this method, route and status */
  histogram: { observe(seconds: number): void };
  /** the route's key in RouteStats */
  routeKey: string;
}

/** By "method route status": prom-client would hash a labels object, and the key be concatenated, on every request. */
const outcomes = new Map<string, RouteOutcome>();

function outcomeOf(method: string, route: string, status: number): RouteOutcome {
  const key = `${method} ${route} ${status}`;
  let outcome = outcomes.get(key);
  if (!outcome) {
    outcome = { histogram: httpDuration.labels({ method, route, status: String(status) }), routeKey: `${method} ${route}` };
    outcomes.set(key, outcome);
  }
  return outcome;
}

function elapsedMs(request: TimedRequest): number {
  const startedAt = request[START];
  return startedAt === undefined ? 0 : performance.now() - startedAt;
}

/** The X-Response-Time value: time since the request arrived, e.g. `0.42ms`. */
export function responseTime(request: FastifyRequest): string {
  return `${elapsedMs(request).toFixed(2)}ms`;
}

/** `logRequests`: one info line per completed request (off below LOG_LEVEL=info, where it would only cost). */
export function registerRequestTiming(fastify: FastifyInstance, stats: RouteStats, { logRequests }: { logRequests: boolean }): void {
  fastify.addHook('onRequest', (request: TimedRequest, _reply, done) => {
    request[START] = performance.now();
    done();
  });
  fastify.addHook('onSend', (request: TimedRequest, reply: FastifyReply, payload, done) => {
    void reply.header('X-Response-Time', responseTime(request)).header('X-Request-Id', request.id);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request: TimedRequest, reply: FastifyReply, done) => {
    const ms = elapsedMs(request);
    const route = request.routeOptions?.url ?? 'unmatched';
    const outcome = outcomeOf(request.method, route, reply.statusCode);
    outcome.histogram.observe(ms / 1000);
    stats.record(outcome.routeKey, ms, reply.statusCode >= 500);
    if (logRequests && !route.startsWith('/health')) {
      requestLog.log({ requestId: request.id, method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: Math.round(ms * 100) / 100 }, 'request completed');
    }
    done();
  });
}
