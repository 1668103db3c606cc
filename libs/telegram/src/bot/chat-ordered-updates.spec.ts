import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { BotContext } from './bot-context';
import { handleUpdatesInChatOrder } from './chat-ordered-updates';

const message = (updateId: number, chatId: number): Update => ({ update_id: updateId, message: { message_id: updateId, date: 0, chat: { id: chatId, type: 'private', first_name: 'x' }, text: 'hi' } }) as Update;
const press = (updateId: number, chatId: number): Update =>
  ({ update_id: updateId, callback_query: { id: String(updateId), chat_instance: 'c', data: 'd', from: { id: chatId, is_bot: false, first_name: 'x' }, message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private', first_name: 'x' } } } }) as Update;

describe('handleUpdatesInChatOrder', () => {
  /** a bot whose handler takes as long as the test says, recording when each update starts and ends */
  function botWith(durationMs: (update: Update) => number, fail?: (update: Update) => boolean, maxQueuedPerChat = 20) {
    const log: string[] = [];
    const bot = {
      handleUpdate: async (update: Update) => {
        log.push(`start ${update.update_id}`);
        await new Promise((resolve) => setTimeout(resolve, durationMs(update)));
        log.push(`end ${update.update_id}`);
        if (fail?.(update)) throw new Error(`update ${update.update_id} broke`);
      },
    } as unknown as Telegraf<BotContext>;
    const errors: string[] = [];
    const dropped: Array<{ updateId: number; chatId: number | undefined; firstOfBurst: boolean }> = [];
    handleUpdatesInChatOrder(
      bot,
      {
        failed: (update, error) => errors.push(error.message),
        dropped: (update, chatId, firstOfBurst) => dropped.push({ updateId: update.update_id, chatId, firstOfBurst }),
      },
      maxQueuedPerChat,
    );
    return { bot, log, errors, dropped };
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

  it('handles one chat\'s updates one after another, in the order they came, buttons included', async () => {
    const { bot, log } = botWith((update) => (update.update_id === 1 ? 40 : 5));
    await Promise.all([bot.handleUpdate(message(1, 10)), bot.handleUpdate(press(2, 10)), bot.handleUpdate(message(3, 10))]);
    await settle();

    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('does not make another chat wait: its update is handled while the first chat\'s is still running', async () => {
    const { bot, log } = botWith((update) => (update.update_id === 1 ? 80 : 5));
    await bot.handleUpdate(message(1, 10));
    await bot.handleUpdate(message(2, 20));
    await settle();

    expect(log.indexOf('end 2')).toBeLessThan(log.indexOf('end 1'));
  });

  it('returns before the update is handled, so the polling loop fetches the next updates at once', async () => {
    const { bot, log } = botWith(() => 50);
    await bot.handleUpdate(message(1, 10));

    expect(log).not.toContain('end 1');
    await settle();
    expect(log).toEqual(['start 1', 'end 1']);
  });

  it('reports a failed update and goes on with the chat\'s next one', async () => {
    const { bot, log, errors } = botWith(() => 5, (update) => update.update_id === 1);
    await bot.handleUpdate(message(1, 10));
    await bot.handleUpdate(message(2, 10));
    await settle();

    expect(errors).toEqual(['update 1 broke']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('skips a chat\'s updates past its limit, says so once per burst, and takes them again once the queue emptied', async () => {
    const { bot, log, dropped } = botWith(() => 5, undefined, 3);
    for (let id = 1; id <= 6; id++) await bot.handleUpdate(message(id, 10));
    await bot.handleUpdate(message(7, 20));
    await settle();

    expect(log.filter((line) => line.startsWith('end')).sort()).toEqual(['end 1', 'end 2', 'end 3', 'end 7']);
    expect(log).not.toContain('start 4');
    expect(dropped).toEqual([
      { updateId: 4, chatId: 10, firstOfBurst: true },
      { updateId: 5, chatId: 10, firstOfBurst: false },
      { updateId: 6, chatId: 10, firstOfBurst: false },
    ]);

    for (let id = 8; id <= 11; id++) await bot.handleUpdate(press(id, 10));
    await settle();
    expect(log).toEqual(expect.arrayContaining(['end 8', 'end 9', 'end 10']));
    expect(dropped.slice(3)).toEqual([{ updateId: 11, chatId: 10, firstOfBurst: true }]);
  });
});
