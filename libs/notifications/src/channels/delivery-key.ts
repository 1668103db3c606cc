import { createHash } from 'node:crypto';

/**
 * The id a receiver sees for one batch sent to one target: the batch's dedupe key (kept on its delivery records)
 * and the notifications sent, so a re-send of the batch after a crash carries the id the receiver already saw,
 * and different contents never share one.
 */
export function deliveryKey(target: string, batchDedupeKey: string, notificationIds: readonly string[]): string {
  return createHash('sha256').update(`${target}\n${batchDedupeKey}\n${notificationIds.join(',')}`).digest('base64url').slice(0, 22);
}
