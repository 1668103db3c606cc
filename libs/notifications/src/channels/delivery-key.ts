import { createHash } from 'node:crypto';

/**
 * The id a receiver sees for one batch sent to one target: made of the batch's dedupe key (kept on its delivery
 * records), so a re-send after a crash carries the id the receiver already saw.
 */
export function deliveryKey(target: string, batchDedupeKey: string): string {
  return createHash('sha256').update(`${target}\n${batchDedupeKey}`).digest('base64url').slice(0, 22);
}
