// Multi-step conversations (the guided /alert) keep their state in the cache, keyed by chat and member, with a
// timeout, so that any process of a distributed deployment can take the next message. In a group each member has
// their own: someone else's chatter is not an answer.
import { Injectable } from '@nestjs/common';
import { AppCache } from '@tradepulse/platform';
import type { BotContext } from './bot-context';

export interface Dialogue<S = Record<string, unknown>> {
  /** which plugin's handler continues it, e.g. "alert" */
  name: string;
  step: string;
  data: S;
}

export type DialogueHandler = (ctx: BotContext, text: string, dialogue: Dialogue) => Promise<void>;

const DIALOGUE_TTL_MS = 10 * 60_000;

/** process-wide: the bot's middleware and the plugins may hold different DialogueStore instances */
const handlers = new Map<string, DialogueHandler>();

@Injectable()
export class DialogueStore {
  constructor(private readonly cache: AppCache) {}

  /** A plugin registers the handler that continues its dialogues with plain-text answers. */
  register(name: string, handler: DialogueHandler): void {
    handlers.set(name, handler);
  }

  handler(name: string): DialogueHandler | undefined {
    return handlers.get(name);
  }

  /** The dialogue of the member who sent this update, in this chat. */
  get<S>(ctx: BotContext): Promise<Dialogue<S> | undefined> {
    return this.cache.get<Dialogue<S>>(key(ctx));
  }

  save<S>(ctx: BotContext, dialogue: Dialogue<S>): Promise<void> {
    return this.cache.set(key(ctx), dialogue, DIALOGUE_TTL_MS);
  }

  end(ctx: BotContext): Promise<void> {
    return this.cache.del(key(ctx));
  }
}

function key(ctx: BotContext): string {
  return `tg-dialogue:${ctx.chat?.id}:${ctx.from?.id ?? ctx.chat?.id}`;
}
