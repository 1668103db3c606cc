// autocannon runs: a warm-up, then the measured run; the figures every HTTP bench reports.
import autocannon = require('autocannon');

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** a fresh body per request (autocannon's setupRequest) */
  body?: () => string;
  /** extra headers per request, e.g. rotating API keys over many users */
  headersPerRequest?: () => Record<string, string>;
  connections?: number;
  durationSec?: number;
  warmupSec?: number;
}

export interface LoadFigures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export async function measureLoad(options: LoadOptions): Promise<LoadFigures> {
  const warmupSec = options.warmupSec ?? 3;
  if (warmupSec > 0) await run({ ...options, durationSec: warmupSec });
  const result = await run(options);
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function run(options: LoadOptions): Promise<autocannon.Result> {
  const { body, headersPerRequest } = options;
  const vary = body || headersPerRequest;
  return autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
    connections: options.connections ?? 100,
    pipelining: 1,
    duration: options.durationSec ?? 10,
    ...(vary
      ? {
          requests: [
            {
              setupRequest: (request: Record<string, unknown>) => ({
                ...request,
                ...(body ? { body: body() } : {}),
                ...(headersPerRequest ? { headers: { ...(request.headers as Record<string, string>), ...headersPerRequest() } } : {}),
              }),
            },
          ],
        }
      : {}),
  });
}
