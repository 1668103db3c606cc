// Updates waiting for the bot, and the one long poll (getUpdates) that may be waiting for them.
import type { Update, UpdateInput } from './types';

/** Telegram leaves these out unless allowed_updates names them. */
const OPT_IN_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export type PollOutcome = { updates: Update[] } | { conflict: true };

export interface PollRequest {
  offset?: number;
  limit?: number;
  allowedUpdates?: string[];
  timeoutMs: number;
}

interface WaitingPoll {
  request: PollRequest;
  settle: (outcome: PollOutcome) => void;
  timer: NodeJS.Timeout;
}

export class UpdateQueue {
  private pending: Update[] = [];
  private nextUpdateId = 1;
  private allowedUpdates: string[] | undefined;
  private waiting: WaitingPoll | undefined;

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Gives the update an id when it has none; returns it as the bot will see it. */
  assignId(input: UpdateInput): Update {
    const updateId = input.update_id ?? this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, updateId + 1);
    return { ...input, update_id: updateId };
  }

  push(update: Update): void {
    this.pending.push(update);
    if (!this.waiting) return;
    const updates = this.take(this.waiting.request);
    if (updates.length > 0) this.settleWaiting({ updates });
  }

  /**
   * Answers at once when updates are waiting or timeoutMs is 0; otherwise waits for one.
   * Like Telegram, a new poll ends the previous one with a 409 Conflict.
   */
  poll(request: PollRequest): { outcome: Promise<PollOutcome>; cancel: () => void } {
    if (request.allowedUpdates) this.allowedUpdates = request.allowedUpdates.length > 0 ? request.allowedUpdates : undefined;
    this.settleWaiting({ conflict: true });
    const updates = this.take(request);
    if (updates.length > 0 || request.timeoutMs <= 0) {
      return { outcome: Promise.resolve({ updates }), cancel: () => undefined };
    }
    const outcome = new Promise<PollOutcome>((settle) => {
      const timer = setTimeout(() => this.settleWaiting({ updates: [] }), request.timeoutMs);
      this.waiting = { request, settle, timer };
    });
    const poll = this.waiting;
    return { outcome, cancel: () => this.waiting === poll && this.settleWaiting({ updates: [] }) };
  }

  /** Ends the waiting poll with no updates (server stopping). */
  releaseWaiting(): void {
    this.settleWaiting({ updates: [] });
  }

  clear(): void {
    this.pending = [];
  }

  private take({ offset = 0, limit = 100 }: PollRequest): Update[] {
    if (offset < 0) {
      this.pending = this.pending.slice(offset);
    } else {
      this.pending = this.pending.filter((update) => update.update_id >= offset);
    }
    return this.pending.filter((update) => this.isAllowed(update)).slice(0, Math.min(Math.max(limit, 1), 100));
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    return this.allowedUpdates ? this.allowedUpdates.includes(type) : !OPT_IN_TYPES.has(type);
  }

  private settleWaiting(outcome: PollOutcome): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    clearTimeout(waiting.timer);
    waiting.settle(outcome);
  }
}
