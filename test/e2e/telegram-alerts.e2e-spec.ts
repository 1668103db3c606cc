// Alerts from a Telegram chat: one-line /alert, the guided dialogue, /alerts with remove buttons, /remove, and a
// firing that reaches the chat that set the alert. Each test talks in chats of its own, and replies to one chat
// come a second apart (3 s in a group), so the tests run side by side (it.concurrent); the firing, which moves
// the BTC price others read, runs alone after them.
import { FakeBotApi } from '../fakes/telegram';
import { sendTicks, waitForTriggers } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer } from './support/server-process';
import {
  API_KEY, buttonsOf, callbackAnswer, isHelp, newGroupChatId, newPrivateChatId, REPLY_MS, startBotServer, TelegramChat, waitForBotState,
} from './support/telegram-helpers';

/** How long a firing may take to reach Telegram: outbox relay, notification batch window (2 s), throttled sender. */
const FIRING_MS = 20_000;

describe('telegram alert commands', () => {
  const fake = new FakeBotApi();
  let server: RunningServer;
  let anonymous: ApiClient;
  let admin: ApiClient;

  /** A new private chat with an account made by /start, and a REST client for that account made by /token. */
  async function member(): Promise<{ chat: TelegramChat; rest: ApiClient }> {
    const chat = new TelegramChat(fake, newPrivateChatId());
    expect((await chat.say('/start')).text).toMatch(/is ready/);
    const apiKey = API_KEY.exec((await chat.say('/token')).text ?? '')?.[0];
    if (!apiKey) throw new Error('/token sent no API key');
    return { chat, rest: anonymous.as(apiKey) };
  }

  async function activeAlerts(rest: ApiClient): Promise<any[]> {
    const answer = await rest.get('/api/v1/alerts?status=active');
    expect(answer.status).toBe(200);
    return answer.body.items;
  }

  beforeAll(async () => {
    await fake.start();
    server = await startBotServer(fake);
    anonymous = new ApiClient(server.url);
    admin = anonymous.as(server.adminKey);
    await waitForBotState(anonymous, 'online', 20_000);
    await sendTicks(admin, { symbol: 'BTC/USDT', price: 60_000 }, { symbol: 'ETH/USDT', price: 3000 });
  });

  afterAll(async () => {
    await server?.dispose();
    await fake.stop();
  });

  describe('/alert in one line', () => {
    it.concurrent('creates the alert for the chat\'s account, visible over REST', async () => {
      const { chat, rest } = await member();
      const reply = await chat.say('/alert BTC/USDT above 70000');
      expect(reply.text).toContain('Alert');
      expect(reply.text).toContain('BTC/USDT above 70000');
      const [alert] = await activeAlerts(rest);
      expect(alert).toMatchObject({ symbol: 'BTC/USDT', condition: 'above', price: '70000', status: 'active' });
      expect(reply.text).toContain(alert.id.slice(0, 8));
    });

    it.concurrent('answers "abc" as a price with the right form and creates nothing', async () => {
      const { chat, rest } = await member();
      const reply = await chat.say('/alert BTC above abc');
      expect(reply.text).toContain('"abc" is not a price');
      expect(reply.text).toContain('Usage: /alert');
      expect(reply.text).toContain('above|below|crosses');
      expect(await activeAlerts(rest)).toHaveLength(0);
    });

    it.concurrent('refuses a price with a comma instead of guessing a decimal or a thousands separator', async () => {
      const { chat, rest } = await member();
      for (const price of ['0,5', '70,000']) {
        const reply = await chat.say(`/alert SOL below ${price}`);
        expect(reply.text).toContain(`"${price}" has a comma`);
      }
      expect(await activeAlerts(rest)).toHaveLength(0);
    });

    it.concurrent('applies the API\'s price range: a price the API refuses gets its reason and stores nothing', async () => {
      const { chat, rest } = await member();
      for (const price of ['99999999999999999999999', '0.0000000000000000001']) {
        const reply = await chat.say(`/alert BTC above ${price}`);
        expect(reply.text).toContain('price: must be between');
        expect(reply.text).not.toMatch(/something went wrong/i);
      }
      expect(await activeAlerts(rest)).toHaveLength(0);
      // tiny prices read back in plain decimals, as the API writes them
      expect((await chat.say('/alert BTC below 0.0000001')).text).toContain('BTC/USDT below 0.0000001');
    });

    it.concurrent('answers an unknown symbol, a wrong condition and a wrong number of words with the usage', async () => {
      const { chat } = await member();
      const unknown = await chat.say('/alert DOGE above 1');
      expect(unknown.text).toContain('Unknown symbol "DOGE"');
      expect(unknown.text).toContain('BTC/USDT');
      expect((await chat.say('/alert BTC sideways 1')).text).toContain('above, below or crosses');
      expect((await chat.say('/alert BTC above')).text).toContain('Usage: /alert');
    });
  });

  describe('the guided /alert dialogue', () => {
    it.concurrent('goes symbol → current price → condition → price (asking again after "abc") → confirm, then creates the alert', async () => {
      const { chat, rest } = await member();

      const askSymbol = await chat.say('/alert');
      expect(askSymbol.text).toContain('Which symbol?');
      expect(buttonsOf(askSymbol).map((b) => b.callback_data)).toEqual(expect.arrayContaining(['alert:sym:BTC/USDT', 'alert:sym:ETH/USDT']));

      const symbol = chat.press(askSymbol.message_id!, 'alert:sym:BTC/USDT');
      await callbackAnswer(fake, symbol.queryId);
      const askCondition = await chat.next('sendMessage', symbol.after);
      expect(askCondition.text).toContain('BTC/USDT');
      expect(askCondition.text).toContain('60000');
      expect(buttonsOf(askCondition).map((b) => b.callback_data)).toEqual(['alert:cond:above', 'alert:cond:below', 'alert:cond:crosses']);

      expect((await chat.say('above')).text).toMatch(/which price/i);
      const again = await chat.say('abc');
      expect(again.text).toContain('"abc" is not a price');
      const confirm = await chat.say('65000');
      expect(confirm.text).toContain('BTC/USDT above 65000');
      expect(buttonsOf(confirm).map((b) => b.callback_data)).toEqual(['alert:confirm', 'alert:cancel']);

      const yes = chat.press(confirm.message_id!, 'alert:confirm');
      await callbackAnswer(fake, yes.queryId);
      const created = await chat.next('sendMessage', yes.after);
      expect(created.text).toContain('BTC/USDT above 65000');
      const [alert] = await activeAlerts(rest);
      expect(alert).toMatchObject({ symbol: 'BTC/USDT', condition: 'above', price: '65000' });
    });

    it.concurrent("keeps one member's dialogue in a group: another member's chatter is not an answer", async () => {
      const owner = await anonymous.register(uniqueName('grouper'));
      const groupId = newGroupChatId();
      const alice = new TelegramChat(fake, groupId, { id: 9_100_001, username: 'alice_g' });
      const bob = new TelegramChat(fake, groupId, { id: 9_100_002, username: 'bob_g' });
      expect((await alice.say(`/link ${(await owner.post('/api/v1/me/telegram-link')).body.code}`)).text).toContain('linked');
      expect((await alice.say('/alert')).text).toContain('Which symbol?');
      const after = alice.mark();
      fake.sendText(groupId, 'lol what', { id: 9_100_002, username: 'bob_g' });
      // a barrier from bob: everything his chatter caused has been sent by the time /help is answered
      await bob.sayAndAwait('/help', isHelp);
      expect(alice.all().filter((call) => call.seq > after && !isHelp(call))).toEqual([]);
      expect((await alice.say('ETH')).text).toContain('ETH/USDT');
    });

    it.concurrent('takes typed answers as well as buttons, and "cancel" ends it without an alert', async () => {
      const { chat, rest } = await member();
      await chat.say('/alert');
      expect((await chat.say('eth')).text).toContain('ETH/USDT');
      await chat.say('below');
      await chat.say('2500');
      expect((await chat.say('cancel')).text).toContain('Cancelled');
      expect(await activeAlerts(rest)).toHaveLength(0);
      // the dialogue is over: plain text gets the hint again
      expect((await chat.say('2500')).text).toContain('/help');
    });

    it.concurrent('answers a button of a dialogue that is over with "expired"', async () => {
      const { chat } = await member();
      const askSymbol = await chat.say('/alert');
      await chat.say('/help');
      const stale = chat.press(askSymbol.message_id!, 'alert:sym:BTC/USDT');
      expect((await chat.next('sendMessage', stale.after)).text).toContain('expired');
    });
  });

  describe('/alerts and removal', () => {
    it.concurrent('lists the active alerts with stats and one remove button each', async () => {
      const { chat, rest } = await member();
      await chat.say('/alert BTC above 71000');
      await chat.say('/alert ETH below 2000');
      const [first, second] = await activeAlerts(rest);
      const list = await chat.say('/alerts');
      expect(list.text).toContain('2 active');
      expect(list.text).toMatch(/triggered/);
      expect(list.text).toContain('BTC/USDT above 71000');
      expect(list.text).toContain('ETH/USDT below 2000');
      expect(buttonsOf(list).map((b) => b.callback_data).sort()).toEqual([`alert:rm:${first.id}:1`, `alert:rm:${second.id}:1`].sort());
      expect(list.text).not.toContain('Page');
    });

    it.concurrent('removes an alert with its inline button: cancelled over REST, the list message edited', async () => {
      const { chat, rest } = await member();
      await chat.say('/alert BTC above 72000');
      await chat.say('/alert SOL above 300');
      const alerts = await activeAlerts(rest);
      const btc = alerts.find((a) => a.symbol === 'BTC/USDT');
      const list = await chat.say('/alerts');

      const press = chat.press(list.message_id!, `alert:rm:${btc.id}`);
      const answer = await callbackAnswer(fake, press.queryId);
      expect(answer.params.text).toBe('Alert removed');
      const edited = await chat.next('editMessageText', press.after);
      expect(edited.message_id).toBe(list.message_id);
      expect(edited.text).not.toContain('BTC/USDT above 72000');
      expect(edited.text).toContain('SOL/USDT above 300');
      expect(buttonsOf(edited).map((b) => b.callback_data)).toEqual([`alert:rm:${alerts.find((a) => a.symbol === 'SOL/USDT').id}:1`]);

      const removed = await rest.get(`/api/v1/alerts/${btc.id}`);
      expect(removed.status).toBe(200);
      expect(removed.body.status).toBe('cancelled');
    });

    it.concurrent('pages a long list, 20 alerts a page, and keeps a removal on the page it was made on', async () => {
      const { chat, rest } = await member();
      for (let i = 0; i < 25; i++) expect((await rest.post('/api/v1/alerts', { symbol: 'ETH/USDT', condition: 'above', price: 10_000 + i })).status).toBe(201);
      const list = await chat.say('/alerts');
      expect(list.text).toContain('25 active');
      expect(list.text).toContain('Page 1 of 2');
      const firstPage = buttonsOf(list).map((b) => b.callback_data);
      expect(firstPage.filter((data) => data?.startsWith('alert:rm:'))).toHaveLength(20);
      expect(firstPage).toContain('alert:page:2');
      expect(firstPage).not.toContain('alert:page:0');

      const next = chat.press(list.message_id!, 'alert:page:2');
      const second = await chat.next('editMessageText', next.after);
      expect(second.text).toContain('Page 2 of 2');
      const secondPage = buttonsOf(second).map((b) => b.callback_data!);
      const removals = secondPage.filter((data) => data.startsWith('alert:rm:'));
      expect(removals).toHaveLength(5);
      expect(secondPage).toContain('alert:page:1');
      expect(secondPage).not.toContain('alert:page:3');
      // together the two pages list every active alert once
      const listed = [...firstPage, ...secondPage].filter((data) => data?.startsWith('alert:rm:')).map((data) => data!.split(':')[2]);
      expect(new Set(listed)).toEqual(new Set((await rest.get('/api/v1/alerts?status=active&pageSize=100')).body.items.map((a: { id: string }) => a.id)));

      const remove = chat.press(list.message_id!, removals[0]);
      const edited = await chat.next('editMessageText', remove.after);
      expect(edited.text).toContain('24 active');
      expect(edited.text).toContain('Page 2 of 2');
      expect(buttonsOf(edited).filter((b) => b.callback_data?.startsWith('alert:rm:'))).toHaveLength(4);
    });

    it.concurrent('answers a second tap on the same remove button without an error', async () => {
      const { chat, rest } = await member();
      await chat.say('/alert BTC above 73000');
      const [alert] = await activeAlerts(rest);
      const list = await chat.say('/alerts');
      const first = chat.press(list.message_id!, `alert:rm:${alert.id}`);
      await chat.next('editMessageText', first.after);
      // a second device, or a double tap that arrives before the edit: the same button once more
      const second = chat.press(list.message_id!, `alert:rm:${alert.id}`);
      await callbackAnswer(fake, second.queryId);
      // updates are handled in order: once /help is answered, whatever the second tap caused has been sent
      const barrier = await chat.sayAndAwait('/help', isHelp);
      const between = fake.callsAfter(second.after).filter((call) => call.seq < barrier.seq && call.method === 'sendMessage' && String(call.chat_id) === String(chat.id));
      expect(between.map((call) => call.text)).toEqual([]);
    });

    it.concurrent('keeps the REST list and the /alerts stats current after an alert is set in the chat', async () => {
      const { chat, rest } = await member();
      // both read once before the change, so that both are cached
      expect(await activeAlerts(rest)).toHaveLength(0);
      expect((await chat.say('/alerts')).text).toContain('0 active');
      await chat.say('/alert BTC above 74000');
      const afterCreate = { rest: (await activeAlerts(rest)).length, chat: /(\d+) active/.exec((await chat.say('/alerts')).text ?? '')?.[1] };
      expect(afterCreate).toEqual({ rest: 1, chat: '1' });
    });

    it.concurrent('removes an alert with /remove <short id>', async () => {
      const { chat, rest } = await member();
      await chat.say('/alert ETH above 5000');
      const [alert] = await activeAlerts(rest);
      const reply = await chat.say(`/remove ${alert.id.slice(0, 8)}`);
      expect(reply.text).toContain('removed');
      expect(reply.text).toContain(alert.id.slice(0, 8));
      expect((await rest.get(`/api/v1/alerts/${alert.id}`)).body.status).toBe('cancelled');
      expect((await chat.say('/alerts')).text).toContain('No active alerts');
    });

    it.concurrent('says so when /remove names an alert that is no longer active', async () => {
      const { chat, rest } = await member();
      await chat.say('/alert ETH above 5100');
      const [alert] = await activeAlerts(rest);
      expect((await chat.say(`/remove ${alert.id.slice(0, 8)}`)).text).toContain('removed');
      const again = await chat.say(`/remove ${alert.id.slice(0, 8)}`);
      expect(again.text).toContain('no longer active');
      expect(again.text).not.toContain('removed.');
    });

    it.concurrent('answers a button press no handler knows, so the client stops waiting', async () => {
      const { chat } = await member();
      const list = await chat.say('/alerts');
      const press = chat.press(list.message_id!, 'nonsense');
      expect((await callbackAnswer(fake, press.queryId)).params.text).toBe('This button is no longer valid.');
    });

    it.concurrent('answers /remove nonsense clearly, and /remove alone with the usage', async () => {
      const { chat } = await member();
      const reply = await chat.say('/remove nonsense');
      expect(reply.text).toContain('nonsense');
      expect(reply.text).toMatch(/not found/);
      expect(reply.text).not.toMatch(/something went wrong/i);
      expect((await chat.say('/remove')).text).toContain('Usage: /remove');
    });

    it.concurrent("cannot remove another account's alert by its id", async () => {
      const owner = await member();
      const other = await member();
      await owner.chat.say('/alert SOL below 10');
      const [alert] = await activeAlerts(owner.rest);
      const reply = await other.chat.say(`/remove ${alert.id}`);
      expect(reply.text).toMatch(/not found/);
      expect((await owner.rest.get(`/api/v1/alerts/${alert.id}`)).body.status).toBe('active');
    });
  });

  describe('a firing', () => {
    it('reaches the chat that set the alert as a message naming the symbol', async () => {
      const { chat, rest } = await member();
      await sendTicks(admin, { symbol: 'BTC/USDT', price: 60_000 });
      await chat.say('/alert BTC above 61000');
      const [alert] = await activeAlerts(rest);
      const after = chat.mark();
      await sendTicks(admin, { symbol: 'BTC/USDT', price: 62_000 });
      // the firing itself is committed by the alerts engine…
      const [trigger] = await waitForTriggers(rest, alert.id);
      expect(trigger.price).toBe('62000');
      // …and its notification must reach this chat: that is the notifications plugin's Telegram channel
      const message = await chat.next('sendMessage', after, FIRING_MS).catch(() => {
        throw new Error(
          `the alert ${alert.id} fired but no sendMessage reached chat ${chat.id} within ${FIRING_MS} ms: ` +
            'is the notifications plugin (its Telegram channel) wired into the server? apps/server/src/app.module.ts imports no NotificationsModule yet',
        );
      });
      expect(message.text).toContain('BTC/USDT');
    }, FIRING_MS + REPLY_MS * 4);
  });
});
