// Of the server's 10 s shutdown deadline, how long deliveries under way (channel sends, webhook requests) may take
// before what remains is put back for the recovery sweep or the queue.
const SHUTDOWN_GRACE_MS = 3_000;
export const SHUTDOWN_GRACE_SEC = SHUTDOWN_GRACE_MS / 1000;

/** Resolves true once `work` has settled, false if the grace ran out first (its timer keeps no process alive). */
export function settledWithinGrace(work: Promise<unknown>): Promise<boolean> {
  const graceOver = new Promise<false>((resolve) => setTimeout(() => resolve(false), SHUTDOWN_GRACE_MS).unref());
  return Promise.race([work.then(() => true, () => true), graceOver]);
}
