// Shapes shared by the fake Bot API server, its HTTP control endpoints and its control client.

export type ChatId = number | string;

/** A file the bot uploaded (sendDocument). The bytes stay in the fake: `fileContent(fileId)`. */
export interface UploadedDocument {
  /** absent when the call failed */
  fileId?: string;
  filename: string;
  /** bytes */
  size: number;
  mimeType?: string;
}

/** One Bot API request as the fake saw it (getUpdates polls are not recorded). */
export interface RecordedCall {
  /** 1, 2, 3… in arrival order, shared by successful and failed calls */
  seq: number;
  method: string;
  /** Date.now() when the request arrived, ms */
  at: number;
  ok: boolean;
  errorCode?: number;
  description?: string;
  chat_id?: ChatId;
  /** assigned by the fake for send*, targeted by edit* and deleteMessage */
  message_id?: number;
  text?: string;
  caption?: string;
  parse_mode?: string;
  reply_markup?: unknown;
  callback_query_id?: string;
  document?: UploadedDocument;
  /** every field as received; JSON fields of multipart bodies parsed, files replaced by their description */
  params: Record<string, unknown>;
}

export type CallPredicate = (call: RecordedCall) => boolean;

/** What the next calls of a method answer instead of their normal result. */
export interface FailureSpec {
  /** HTTP status and error_code, e.g. 429, 500, 400, 403 */
  status?: number;
  /** seconds, sent as parameters.retry_after (429) */
  retryAfter?: number;
  description?: string;
  /** destroy the socket without answering: the client sees a network error */
  dropConnection?: boolean;
}

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

/** An update as pushed by a test; update_id is assigned by the fake when missing. */
export type UpdateInput = { update_id?: number } & Record<string, unknown>;
export type Update = { update_id: number } & Record<string, unknown>;

export interface WebhookState {
  url: string;
  secret_token?: string;
  allowed_updates?: string[];
  max_connections?: number;
  drop_pending_updates?: boolean;
}

/** One attempt to POST an update to the webhook set by the bot. */
export interface WebhookDelivery {
  updateId: number;
  url: string;
  /** HTTP status of the bot's answer, 0 when the request failed */
  status: number;
  error?: string;
  at: number;
}

export interface FakeBotApiOptions {
  /** when set, other tokens get 401 Unauthorized; by default every token is accepted */
  token?: string;
  /** getUpdates `timeout` is capped to this many seconds, so test shutdowns never wait long */
  maxPollTimeoutSec?: number;
  botUsername?: string;
}
