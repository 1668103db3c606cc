// From SIGTERM on, requests that arrive are answered 503 with `Connection: close` and `Retry-After`: a load
// balancer or client takes them to another instance (or back here after the restart), and no new work (a tick
// firing alerts, a write) starts while the process drains what it holds. Requests already running finish.
import type { FastifyInstance } from 'fastify';

const RETRY_AFTER_SEC = 1;
const STOPPING = { statusCode: 503, error: 'Service Unavailable', message: 'server: shutting down; nothing was changed, retry shortly' };

export interface StoppingGate {
  /** every request from now on is refused */
  close(): void;
}

export function registerStoppingGate(fastify: FastifyInstance): StoppingGate {
  let closed = false;
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closed) return done();
    void reply.code(503).header('Connection', 'close').header('Retry-After', String(RETRY_AFTER_SEC)).send(STOPPING);
  });
  return { close: () => (closed = true) };
}
