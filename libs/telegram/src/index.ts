export { escapeHtml } from './telegram-html';
export { splitMessage, TELEGRAM_TEXT_LIMIT } from './split-message';
export { classifySendFailure, type SendFailure } from './send-failure';
export {
  TelegramSender,
  TelegramSenderStoppedError,
  type SendMessageExtra,
  type SendOptions,
  type SendPriority,
  type TelegramMessageApi,
  type TelegramSenderLogger,
  type TelegramSenderOptions,
  type TelegramSenderStats,
} from './telegram-sender';
