export { FakeBotApi } from './fake-bot-api';
export { FakeBotApiClient, type FakeBotApiState } from './control-client';
export { startFakeBotApiProcess, type FakeBotApiProcess, type FakeBotApiProcessOptions } from './child-process';
export type {
  CallPredicate, ChatId, FailureSpec, FakeBotApiOptions, RecordedCall, TelegramUser, Update, UpdateInput, UploadedDocument,
  WebhookDelivery, WebhookState,
} from './types';
