// Per-route count, average, p95 and error rate for GET /api/metrics: a ring of recent latencies per route.

const SAMPLES_PER_ROUTE = 1024;

interface RouteWindow {
  count: number;
  errors: number;
  totalMs: number;
  recent: Float64Array;
  next: number;
}

export interface RouteSummary {
  count: number;
  avgMs: number;
  p95Ms: number;
  errorRate: number;
}

export class RouteStats {
  private readonly routes = new Map<string, RouteWindow>();

  record(route: string, ms: number, isError: boolean): void {
    let window = this.routes.get(route);
    if (!window) {
      window = { count: 0, errors: 0, totalMs: 0, recent: new Float64Array(SAMPLES_PER_ROUTE), next: 0 };
      this.routes.set(route, window);
    }
    window.count++;
    window.totalMs += ms;
    if (isError) window.errors++;
    window.recent[window.next % SAMPLES_PER_ROUTE] = ms;
    window.next++;
  }

  summary(): Record<string, RouteSummary> {
    const out: Record<string, RouteSummary> = {};
    for (const [route, w] of this.routes) {
      const samples = Array.from(w.recent.subarray(0, Math.min(w.next, SAMPLES_PER_ROUTE))).sort((a, b) => a - b);
      const p95 = samples.length ? samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))] : 0;
      out[route] = { count: w.count, avgMs: round(w.totalMs / w.count), p95Ms: round(p95), errorRate: round(w.errors / w.count, 4) };
    }
    return out;
  }
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
