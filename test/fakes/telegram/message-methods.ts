// Bot API methods that send, change or delete messages, with the errors Telegram gives for misuse.
import { badRequest, BotApiError, required, type BotApiMethod, type BotApiState } from './bot-api-state';
import { chatFor, chatKey } from './chats';
import { checkHtml } from './html-text';
import { unixTime, type StoredMessage } from './message-store';
import type { ChatId } from './types';

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

let fileCounter = 0;

export const messageMethods: Record<string, BotApiMethod> = {
  sendMessage(state, { params }) {
    const chatId = writableChat(state, params);
    const text = checkedText(params.text, params.parse_mode, TEXT_LIMIT, 'message text is empty', 'message is too long');
    return saveSent(state, chatId, { text, ...markupOf(params) });
  },

  sendDocument(state, { params, files }) {
    const chatId = writableChat(state, params);
    const caption = params.caption === undefined ? undefined
      : checkedText(params.caption, params.parse_mode, CAPTION_LIMIT, 'message caption is empty', 'message caption is too long');
    const upload = files.document;
    if (!upload && typeof params.document !== 'string') throw badRequest('there is no document in the request');
    const fileId = upload ? `doc-${++fileCounter}` : String(params.document);
    if (upload) state.files.set(fileId, upload.data);
    const document = upload
      ? { file_id: fileId, file_unique_id: fileId, file_name: upload.filename, mime_type: upload.contentType, file_size: upload.data.length }
      : { file_id: fileId, file_unique_id: fileId };
    return saveSent(state, chatId, { document, ...(caption !== undefined && { caption }), ...markupOf(params) });
  },

  sendChatAction(state, { params }) {
    writableChat(state, params);
    required(params, 'action');
    return true;
  },

  editMessageText(state, { params }) {
    if (params.inline_message_id) return true;
    const message = existingMessage(state, params, 'message to edit not found');
    const text = checkedText(params.text, params.parse_mode, TEXT_LIMIT, 'message text is empty', 'message is too long');
    const reply_markup = params.reply_markup;
    if (message.text === text && sameMarkup(message.reply_markup, reply_markup)) throw badRequest(NOT_MODIFIED);
    return state.messages.save({ ...message, text, reply_markup, edit_date: unixTime() });
  },

  editMessageReplyMarkup(state, { params }) {
    if (params.inline_message_id) return true;
    const message = existingMessage(state, params, 'message to edit not found');
    if (sameMarkup(message.reply_markup, params.reply_markup)) throw badRequest(NOT_MODIFIED);
    return state.messages.save({ ...message, reply_markup: params.reply_markup, edit_date: unixTime() });
  },

  deleteMessage(state, { params }) {
    const chatId = required<ChatId>(params, 'chat_id');
    if (!state.messages.delete(chatId, required<number>(params, 'message_id'))) throw badRequest('message to delete not found');
    return true;
  },

  answerCallbackQuery(state, { params }) {
    const queryId = String(required(params, 'callback_query_id'));
    if (!state.openCallbackQueries.delete(queryId)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    return true;
  },
};

function writableChat(state: BotApiState, params: Record<string, unknown>): ChatId {
  const chatId = required<ChatId>(params, 'chat_id');
  if (state.blockedChats.has(chatKey(chatId))) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
  return chatId;
}

function checkedText(value: unknown, parseMode: unknown, limit: number, emptyError: string, longError: string): string {
  const text = value === undefined || value === null ? '' : String(value);
  let visible = text;
  if (parseMode === 'HTML') {
    const check = checkHtml(text);
    if (!check.ok) throw new BotApiError(400, check.error);
    visible = check.visibleText;
  }
  if (visible.trim() === '') throw badRequest(emptyError);
  if (visible.length > limit) throw badRequest(longError);
  return text;
}

function markupOf(params: Record<string, unknown>): Record<string, unknown> {
  return params.reply_markup === undefined ? {} : { reply_markup: params.reply_markup };
}

function saveSent(state: BotApiState, chatId: ChatId, content: Record<string, unknown>): StoredMessage {
  const message_id = state.messages.nextId(chatId);
  return state.messages.save({ message_id, from: state.bot, chat: chatFor(chatId), date: unixTime(), ...content });
}

function existingMessage(state: BotApiState, params: Record<string, unknown>, notFound: string): StoredMessage {
  const message = state.messages.get(required<ChatId>(params, 'chat_id'), required<number>(params, 'message_id'));
  if (!message) throw badRequest(notFound);
  return message;
}

function sameMarkup(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
