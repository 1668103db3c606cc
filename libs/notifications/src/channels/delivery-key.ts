import { createHash } from 'node:crypto';

/**
 * A stable id for one batch sent to one target: the same notifications to the same target always get the same
 * key, so a re-send after a crash carries the key the receiver already saw.
 */
export function deliveryKey(target: string, notificationIds: readonly string[]): string {
  return createHash('sha256').update(`${target}\n${notificationIds.join(',')}`).digest('base64url').slice(0, 22);
}
