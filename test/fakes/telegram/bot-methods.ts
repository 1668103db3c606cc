// Bot API methods about the bot itself: identity, webhook, command menu, chat lookup.
import { badRequest, required, type BotApiMethod } from './bot-api-state';
import { chatFor } from './chats';
import type { ChatId } from './types';

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const COMMAND = /^[a-z0-9_]{1,32}$/;

export const botMethods: Record<string, BotApiMethod> = {
  getMe(state) {
    return { ...state.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
  },

  setWebhook(state, { params }) {
    const url = typeof params.url === 'string' ? params.url : '';
    const secret = params.secret_token;
    if (secret !== undefined && !SECRET_TOKEN.test(String(secret))) throw badRequest('secret token contains unallowed characters');
    if (params.drop_pending_updates === true) state.updates.clear();
    state.webhook = url === '' ? undefined : {
      url,
      ...(secret !== undefined && { secret_token: String(secret) }),
      ...(Array.isArray(params.allowed_updates) && { allowed_updates: params.allowed_updates as string[] }),
      ...(typeof params.max_connections === 'number' && { max_connections: params.max_connections }),
    };
    return true;
  },

  deleteWebhook(state, { params }) {
    if (params.drop_pending_updates === true) state.updates.clear();
    state.webhook = undefined;
    return true;
  },

  /** Like Telegram, never returns the secret token. */
  getWebhookInfo(state) {
    const webhook = state.webhook;
    return {
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: state.updates.pendingCount,
      ...(webhook?.max_connections !== undefined && { max_connections: webhook.max_connections }),
      ...(webhook?.allowed_updates && { allowed_updates: webhook.allowed_updates }),
    };
  },

  setMyCommands(state, { params }) {
    const commands = required<unknown>(params, 'commands');
    if (!Array.isArray(commands)) throw badRequest('commands must be an array');
    for (const entry of commands as Array<{ command?: unknown; description?: unknown }>) {
      if (!COMMAND.test(String(entry.command ?? ''))) throw badRequest('BOT_COMMAND_INVALID');
      if (!entry.description) throw badRequest('command description is empty');
    }
    state.commands = commands;
    return true;
  },

  getMyCommands(state) {
    return state.commands;
  },

  deleteMyCommands(state) {
    state.commands = [];
    return true;
  },

  getChat(_state, { params }) {
    return chatFor(required<ChatId>(params, 'chat_id'));
  },
};
