// A delivery channel is one class: `@NotificationChannel('name')` on an injectable that implements
// ChannelSender, listed in the module's providers. The dispatcher discovers it at start.
import { DiscoveryService } from '@nestjs/core';
import type { StoredNotification } from '../notification';

export interface ChannelSender {
  /**
   * Sends one batch of one user's notifications (already claimed for this channel). Resolves when sent, or
   * with 'queued' when the channel reports the outcome itself later (the records stay claimed until then).
   * Throw DeliverySkipped when the user has no target on this channel; any other error marks them failed.
   * `dedupeKey` is the batch's, kept on its records: a repeat of the batch after a crash carries the same one, so a
   * channel whose receiver can recognise a repeat passes it along (see deliveryKey).
   */
  send(userId: string, items: StoredNotification[], dedupeKey: string): Promise<void | 'queued'>;

  /**
   * Which of these users this channel cannot reach (no chat linked, no endpoint), with why: asked before the
   * claim, so such a user costs the channel no claim, no send and no outcome (the record is written 'skipped'
   * with the claim). One call answers the flushes of a whole turn. Without it, every user is tried.
   */
  unreachable?(userIds: readonly string[]): Promise<Map<string, string>>;

  /**
   * Drops the sends still waiting (shutdown): each rejects with DeliveryDeferred, so its claim stays and the next
   * start's recovery sends it. Resolves once the requests in flight have ended.
   */
  stop?(): Promise<void>;
}

/** Marks a provider as a notification channel; the argument is its name in preferences and delivery records. */
export const NotificationChannel = DiscoveryService.createDecorator<string>();

/** The user cannot be reached on this channel (no chat linked, no endpoint): recorded as 'skipped'. */
export class DeliverySkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeliverySkipped';
  }
}

/**
 * Not sent, and certainly not received (the receiver was unreachable, or the process is stopping before the send):
 * the records stay claimed but are released, so the next recovery sweep of any process (or of the next start) sends
 * the batch again, with its dedupe key. Nothing is lost to an outage shorter than the recovery's attempts.
 */
export class DeliveryDeferred extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeliveryDeferred';
  }
}
