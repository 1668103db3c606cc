// What the fake Bot API remembers between calls, and how a method refuses a call.
import type { MessageStore } from './message-store';
import type { ApiRequest } from './request-body';
import type { TelegramUser, WebhookState } from './types';
import type { UpdateQueue } from './update-queue';

export interface BotApiState {
  bot: TelegramUser;
  messages: MessageStore;
  updates: UpdateQueue;
  /** uploaded bytes by file_id */
  files: Map<string, Buffer>;
  /** chats (by String(id)) whose user blocked the bot */
  blockedChats: Set<string>;
  /** callback query ids the bot has not answered yet */
  openCallbackQueries: Set<string>;
  commands: unknown[];
  webhook: WebhookState | undefined;
}

export type BotApiMethod = (state: BotApiState, request: ApiRequest) => unknown;

/** An `{ ok: false }` answer; the HTTP status equals error_code, as with the real Bot API. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }

  toJSON(): Record<string, unknown> {
    return { ok: false, error_code: this.code, description: this.description, ...(this.parameters && { parameters: this.parameters }) };
  }
}

export function badRequest(reason: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${reason}`);
}

export function required<T>(params: Record<string, unknown>, name: string): T {
  const value = params[name];
  if (value === undefined || value === null || value === '') throw badRequest(`${name} is empty`);
  return value as T;
}
