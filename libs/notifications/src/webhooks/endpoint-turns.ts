// One request at a time per webhook endpoint, inside this process, in the order its jobs first asked. A job that
// is not next is deferred by the queue (so it holds no slot) for a delay that grows with its place in line: the
// next one looks again soon, the back of a long line rarely.

const NEXT_IN_LINE_DELAY_MS = 100;
const DELAY_PER_PLACE_MS = 20;
const MAX_DELAY_MS = 2_000;
/** a waiting job that has not asked again for this long is gone (its queue closed, or it was removed) */
const FORGET_AFTER_MS = 15 * MAX_DELAY_MS;

export class EndpointTurns {
  private readonly busy = new Set<string>();
  /** per endpoint, the jobs waiting in the order they first asked, each with when it last asked */
  private readonly lines = new Map<string, Map<string, number>>();

  /** `true`: the job has the endpoint now (call release when done); a number: ask again after that many ms. */
  take(endpointId: string, jobId: string, now = Date.now()): true | number {
    const line = this.lines.get(endpointId);
    if (line) forgetGone(line, now);
    if (!this.busy.has(endpointId) && (!line?.size || line.keys().next().value === jobId)) {
      line?.delete(jobId);
      if (line && !line.size) this.lines.delete(endpointId);
      this.busy.add(endpointId);
      return true;
    }
    const own = line ?? new Map<string, number>();
    this.lines.set(endpointId, own);
    // a job asking again keeps its place (Map keeps the first insertion's order)
    own.set(jobId, now);
    return Math.min(MAX_DELAY_MS, NEXT_IN_LINE_DELAY_MS + DELAY_PER_PLACE_MS * placeOf(own, jobId));
  }

  release(endpointId: string): void {
    this.busy.delete(endpointId);
  }
}

function forgetGone(line: Map<string, number>, now: number): void {
  for (const [jobId, askedAt] of line) if (now - askedAt > FORGET_AFTER_MS) line.delete(jobId);
}

function placeOf(line: Map<string, number>, jobId: string): number {
  let place = 0;
  for (const waiting of line.keys()) {
    if (waiting === jobId) return place;
    place++;
  }
  return place;
}
