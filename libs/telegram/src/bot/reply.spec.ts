import { Telegram } from 'telegraf';
import { FakeBotApi } from '../../../../test/fakes/telegram/fake-bot-api';
import type { RecordedCall } from '../../../../test/fakes/telegram/types';
import { TelegramSender } from '../telegram-sender';
import type { BotContext } from './bot-context';
import { editHtml, replyHtml, replyText } from './reply';

const TOKEN = '123456:REPLY-TEST';

describe('bot replies go through the TelegramSender', () => {
  const fake = new FakeBotApi({ token: TOKEN });
  let sender: TelegramSender;

  const contextOf = (chatId: number): BotContext => ({ chat: { id: chatId, type: 'private' }, update: { update_id: 1 }, state: { sender } }) as unknown as BotContext;
  const sentTo = (chatId: number): RecordedCall[] => fake.sent.filter((call) => call.chat_id === chatId);

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    sender = new TelegramSender(new Telegram(TOKEN, { apiRoot: fake.url }));
  });
  afterEach(() => sender.stop());

  it('waits for the chat\'s turn after a notification just sent to it: never two messages to one chat within a second', async () => {
    await sender.send(701, 'BTC/USDT rose to or above 70000');
    await replyHtml(contextOf(701), '<b>Tradepulse commands</b>');

    const [notification, reply] = sentTo(701);
    expect(reply.text).toBe('<b>Tradepulse commands</b>');
    expect(reply.at - notification.at).toBeGreaterThanOrEqual(950);
  });

  it('goes ahead of notifications waiting for the same chat', async () => {
    sender = new TelegramSender(new Telegram(TOKEN, { apiRoot: fake.url }), { privateChatMessagesPerSec: 20 });
    const waiting = ['n1', 'n2', 'n3'].map((text) => sender.send(702, text));
    await replyHtml(contextOf(702), 'your reply');
    await Promise.all(waiting);

    expect(sentTo(702).map((call) => call.text)).toEqual(['n1', 'your reply', 'n2', 'n3']);
  });

  it('splits a reply over 4,096 characters and puts the buttons on its last part only', async () => {
    sender = new TelegramSender(new Telegram(TOKEN, { apiRoot: fake.url }), { privateChatMessagesPerSec: 20 });
    const keyboard = { inline_keyboard: [[{ text: 'Remove', callback_data: 'rm:1' }]] };
    await replyHtml(contextOf(703), `${'line of the alert list\n'.repeat(300)}`, keyboard);

    const parts = sentTo(703);
    expect(parts).toHaveLength(2);
    expect(parts.map((part) => part.parse_mode)).toEqual(['HTML', 'HTML']);
    expect(parts[0].reply_markup).toBeUndefined();
    expect(parts[1].reply_markup).toEqual(keyboard);
  });

  it('escapes plain text for HTML, so that it shows as written', async () => {
    await replyText(contextOf(704), 'I don\'t know /<script>. Send /help & see');

    expect(sentTo(704)[0]).toMatchObject({ text: 'I don\'t know /&lt;script&gt;. Send /help &amp; see', parse_mode: 'HTML' });
  });

  it('rejects with Telegram\'s refusal when the user blocked the bot', async () => {
    fake.setBlocked(705);
    await expect(replyText(contextOf(705), 'hello')).rejects.toThrow(/blocked/);
  });

  describe('editHtml', () => {
    const telegramError = (code: number, description: string, retryAfter?: number) =>
      Object.assign(new Error(`${code}: ${description}`), { response: { error_code: code, description, ...(retryAfter ? { parameters: { retry_after: retryAfter } } : {}) } });
    const editing = (...failures: Error[]) => {
      const editMessageText = jest.fn(async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return true;
      });
      return { ctx: { editMessageText, state: { sender } } as unknown as BotContext, editMessageText };
    };

    it('waits out a 429 and edits the message then, instead of failing the update', async () => {
      const { ctx, editMessageText } = editing(telegramError(429, 'Too Many Requests: retry after 1', 1));
      const started = Date.now();
      await editHtml(ctx, '<b>Your alerts</b>');

      expect(editMessageText).toHaveBeenCalledTimes(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('holds the bot\'s other sends while the 429 an edit got lasts, as for a message', async () => {
      const { ctx } = editing(telegramError(429, 'Too Many Requests: retry after 2', 2));
      const edited = editHtml(ctx, '<b>Your alerts</b>');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const refusedAt = Date.now();
      await sender.send(706, 'BTC/USDT rose to or above 70000');
      await edited;

      expect(sentTo(706)[0].at - refusedAt).toBeGreaterThanOrEqual(1_900);
    });

    it('holds an edit already admitted to the bot-wide turn when the call before it gets a 429', async () => {
      // 5/s: the second edit starts 220 ms after the first, which is refused after 50 ms
      sender = new TelegramSender(new Telegram(TOKEN, { apiRoot: fake.url }), { botMessagesPerSec: 5 });
      let refusedAt = 0;
      const refused = {
        editMessageText: async () => {
          if (refusedAt) return true;
          await new Promise((resolve) => setTimeout(resolve, 50));
          refusedAt = Date.now();
          throw telegramError(429, 'Too Many Requests: retry after 1', 1);
        },
        state: { sender },
      } as unknown as BotContext;
      const edits: number[] = [];
      const next = { editMessageText: async () => void edits.push(Date.now()), state: { sender } } as unknown as BotContext;
      await Promise.all([editHtml(refused, 'a'), editHtml(next, 'b')]);

      expect(edits).toHaveLength(1);
      expect(edits[0] - refusedAt).toBeGreaterThanOrEqual(950);
    });

    it('counts against the bot-wide rate like a message', async () => {
      sender = new TelegramSender(new Telegram(TOKEN, { apiRoot: fake.url }), { botMessagesPerSec: 5 });
      const edits: number[] = [];
      const ctx = { editMessageText: async () => void edits.push(Date.now()), state: { sender } } as unknown as BotContext;
      await Promise.all([sender.send(707, 'one'), editHtml(ctx, 'a'), sender.send(708, 'two'), editHtml(ctx, 'b')]);

      const times = [...fake.sent.map((call) => call.at), ...edits].sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(180);
    });

    it('takes an edit that would change nothing (a second tap) as done, and does not retry another 400', async () => {
      const unchanged = editing(telegramError(400, 'Bad Request: message is not modified'));
      await editHtml(unchanged.ctx, 'same');
      expect(unchanged.editMessageText).toHaveBeenCalledTimes(1);

      const gone = editing(telegramError(400, 'Bad Request: message to edit not found'));
      await expect(editHtml(gone.ctx, 'list')).rejects.toThrow(/not found/);
      expect(gone.editMessageText).toHaveBeenCalledTimes(1);
    });
  });
});
