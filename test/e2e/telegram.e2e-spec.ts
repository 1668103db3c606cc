// The Telegram bot through the real telegraf client and a local Bot API server: accounts, /link, /price, /token,
// bad input, a failing handler, and Telegram being unreachable when the server starts. Tests that only talk in
// chats of their own run side by side (it.concurrent): replies to one chat come a second apart (3 s in a group).
// Those that make the Bot API fail for every chat, or move prices, run alone.
import { FakeBotApi } from '../fakes/telegram';
import { sendTicks } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer } from './support/server-process';
import {
  API_KEY, botHealth, callbackAnswer, isHelp, newGroupChatId, newPrivateChatId, startBotServer, stopAndReport, TelegramChat, waitForBotState,
} from './support/telegram-helpers';

/** telegraf's polling waits 5 s after a failed getUpdates and our launcher backs off up to 30 s: room for both. */
const RECOVERY_MS = 45_000;

describe('telegram bot (polling)', () => {
  const fake = new FakeBotApi();
  let server: RunningServer;
  let anonymous: ApiClient;
  let admin: ApiClient;

  const chat = (id = newPrivateChatId()) => new TelegramChat(fake, id);

  beforeAll(async () => {
    await fake.start();
    server = await startBotServer(fake);
    anonymous = new ApiClient(server.url);
    admin = anonymous.as(server.adminKey);
    await waitForBotState(anonymous, 'online', 20_000);
  });

  afterAll(async () => {
    await server?.dispose();
    await fake.stop();
  });

  describe('accounts', () => {
    it.concurrent('creates the account of a new private chat on /start and names it in the reply', async () => {
      const alice = chat();
      const reply = await alice.say('/start');
      expect(reply.text).toContain(`user${alice.id}`);
      expect(reply.text).toMatch(/account .* is ready/);
      expect(reply.parse_mode).toBe('HTML');
    });

    it.concurrent('says welcome back, by the same name, on a second /start', async () => {
      const bob = chat();
      await bob.say('/start');
      const again = await bob.say('/start');
      expect(again.text).toContain('Welcome back');
      expect(again.text).toContain(`user${bob.id}`);
    });

    it.concurrent('answers /start in a group chat by asking for a private chat', async () => {
      const group = chat(newGroupChatId());
      const reply = await group.say('/start');
      expect(reply.text).toMatch(/private chat/i);
      expect(reply.text).not.toMatch(/is ready/);
    });

    it.concurrent('gives a chat with neither account nor link the "no account" reply, never an error', async () => {
      const stranger = chat();
      for (const command of ['/alerts', '/alert BTC/USDT above 70000', '/token']) {
        const reply = await stranger.say(command);
        expect(reply.text).toContain('no Tradepulse account');
        expect(reply.text).toContain('/start');
        expect(reply.text).toContain('/link');
      }
    });

    it.concurrent('sends an API key on /token in a private chat, and the key works over REST', async () => {
      const carol = chat();
      await carol.say('/start');
      const reply = await carol.say('/token');
      const apiKey = API_KEY.exec(reply.text ?? '')?.[0];
      expect(apiKey).toBeDefined();
      const me = await anonymous.as(apiKey).get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ username: `user${carol.id}`, telegramLinked: true });
    });
  });

  describe('/link', () => {
    it.concurrent('attaches the chat to an account registered over REST', async () => {
      const dora = await anonymous.register(uniqueName('dora'));
      const before = await dora.get('/api/v1/me');
      expect(before.body.telegramLinked).toBe(false);
      const issued = await dora.post('/api/v1/me/telegram-link');
      expect(issued.status).toBe(201);
      expect(issued.body.code).toMatch(/^[A-Z0-9]{8}$/);

      const doraChat = chat();
      const reply = await doraChat.say(`/link ${issued.body.code}`);
      expect(reply.text).toContain('linked');
      expect(reply.text).toContain(before.body.username);

      const me = await dora.get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.telegramLinked).toBe(true);
      // the chat now acts as that account
      expect((await doraChat.say('/start')).text).toContain('Welcome back');
    });

    it.concurrent('links a group chat too, but sends API keys only in a private chat', async () => {
      const gus = await anonymous.register(uniqueName('gus'));
      const group = chat(newGroupChatId());
      expect((await group.say(`/link ${(await gus.post('/api/v1/me/telegram-link')).body.code}`)).text).toContain('linked');
      const reply = await group.say('/token');
      expect(reply.text).toMatch(/private chat/);
      expect(reply.text).not.toMatch(API_KEY);
      expect((await gus.get('/api/v1/me/api-keys')).body.items).toHaveLength(1);
    });

    it.concurrent('takes the account away from the chat linked before at once: it can no longer get API keys', async () => {
      const hal = await anonymous.register(uniqueName('hal'));
      const first = chat();
      expect((await first.say(`/link ${(await hal.post('/api/v1/me/telegram-link')).body.code}`)).text).toContain('linked');
      // the account is now cached for the first chat
      expect((await first.say('/settings')).text).toContain('Account');
      const second = chat();
      expect((await second.say(`/link ${(await hal.post('/api/v1/me/telegram-link')).body.code}`)).text).toContain('linked');
      const keysBefore = (await hal.get('/api/v1/me/api-keys')).body.items.length;
      const token = await first.say('/token');
      expect(token.text).toContain('no Tradepulse account');
      expect(token.text).not.toMatch(API_KEY);
      expect((await hal.get('/api/v1/me/api-keys')).body.items).toHaveLength(keysBefore);
    });

    it.concurrent('answers a wrong code clearly and links nothing', async () => {
      const eve = await anonymous.register(uniqueName('eve'));
      await eve.post('/api/v1/me/telegram-link');
      const eveChat = chat();
      const reply = await eveChat.say('/link WRONGCODE');
      expect(reply.text).toMatch(/unknown or expired/);
      expect(reply.text).not.toMatch(/something went wrong/i);
      expect((await eve.get('/api/v1/me')).body.telegramLinked).toBe(false);
      const usage = await eveChat.say('/link');
      expect(usage.text).toContain('Usage: /link');
    });
  });

  describe('/price', () => {
    it('shows the latest price after a tick', async () => {
      await sendTicks(admin, { symbol: 'ETH/USDT', price: 3456.78 });
      const reply = await chat().say('/price ETH/USDT');
      expect(reply.text).toContain('ETH/USDT');
      expect(reply.text).toContain('3456.78');
    });

    it('resolves a short symbol: /price eth', async () => {
      await sendTicks(admin, { symbol: 'ETH/USDT', price: 3500 });
      const reply = await chat().say('/price eth');
      expect(reply.text).toContain('<b>ETH/USDT</b>: 3500');
    });

    it('answers an unknown symbol by listing the known ones', async () => {
      const reply = await chat().say('/price DOGE');
      expect(reply.text).toContain('DOGE');
      expect(reply.text).toMatch(/don't know|unknown/i);
      for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) expect(reply.text).toContain(symbol);
    });

    it('answers /price without a symbol with the usage', async () => {
      const reply = await chat().say('/price');
      expect(reply.text).toContain('Usage: /price');
    });
  });

  describe('bad input', () => {
    it.concurrent('answers an unknown command by pointing to /help', async () => {
      const reply = await chat().say('/frobnicate');
      expect(reply.text).toContain('/frobnicate');
      expect(reply.text).toContain('/help');
    });

    it.concurrent('lists every command on /help', async () => {
      const reply = await chat().say('/help');
      for (const command of ['/start', '/link', '/price', '/alert', '/alerts', '/remove', '/token']) expect(reply.text).toContain(command);
    });

    it.concurrent('reads a command in capitals as the command, and leaves commands addressed to another bot alone', async () => {
      const mine = chat();
      expect((await mine.say('/HELP')).text).toContain('Tradepulse commands');
      expect((await mine.say('/Price@Tradepulse_Test_Bot eth')).text).toContain('ETH/USDT');
      const group = chat(newGroupChatId());
      const after = group.mark();
      fake.sendText(group.id, '/start@some_other_bot');
      // a barrier: the answer to the next command comes after whatever the first would have caused
      await group.sayAndAwait('/help', isHelp);
      expect(group.all().filter((call) => call.seq > after).map((call) => call.text)).toEqual([expect.stringContaining('Tradepulse commands')]);
    });

    it.concurrent('answers a 5,000-character unknown command and a long wrong argument without going silent', async () => {
      const long = 'x'.repeat(5000);
      const unknown = await chat().say(`/${long}`);
      expect(unknown.text).toContain("I don't know");
      expect(unknown.text!.length).toBeLessThanOrEqual(4096);
      const owner = chat();
      await owner.say('/start');
      const remove = await owner.say(`/remove ${long}`);
      expect(remove.text).toContain('⚠️');
      expect(remove.text!.length).toBeLessThanOrEqual(4096);
    });

    it.concurrent('answers plain text outside a dialogue with a hint instead of silence', async () => {
      const reply = await chat().say('hello bot');
      expect(reply.text).toContain('/help');
    });
  });

  describe('replies within the Bot API limits', () => {
    it('sends its replies to one chat at least a second apart, in the order of the commands', async () => {
      const eager = chat();
      let last = eager.mark();
      for (const text of ['/help', '/price eth', '/frobnicate']) fake.sendText(eager.id, text);
      const replies = [];
      for (let i = 0; i < 3; i++) {
        replies.push(await eager.next('sendMessage', last));
        last = replies[i].seq;
      }

      expect(replies.map((call) => call.text)).toEqual([expect.stringContaining('Tradepulse commands'), expect.stringContaining('ETH/USDT'), expect.stringContaining('/frobnicate')]);
      for (const [i, reply] of replies.slice(1).entries()) expect(reply.at - replies[i].at).toBeGreaterThanOrEqual(950);
    });

    it('answers a private chat at once while a busy group waits three seconds for its next reply', async () => {
      const group = chat(newGroupChatId());
      const groupFirst = await group.say('/help');
      const groupSecondAfter = group.mark();
      fake.sendText(group.id, '/help');
      // the group's update is fetched on its own first, so that the private chat's comes in a later poll
      await new Promise((resolve) => setTimeout(resolve, 300));
      const reply = await chat().say('/price eth');
      const groupSecond = await group.next('sendMessage', groupSecondAfter);

      // 20 messages a minute in a group: its second reply waits 3 s; the private chat's does not wait behind it
      expect(groupSecond.at - groupFirst.at).toBeGreaterThanOrEqual(2_950);
      expect(reply.at).toBeLessThan(groupSecond.at - 1_000);
    });
  });

  describe('Telegram refusing a reply', () => {
    it('sends a reply refused with 429 again after retry_after, instead of an apology', async () => {
      const reader = chat();
      const after = reader.mark();
      fake.failNext('sendMessage', 1, { status: 429, retryAfter: 1 });
      const reply = await reader.say('/price eth');
      expect(reply.text).toContain('ETH/USDT');
      const refused = fake.callsAfter(after, true).find((call) => call.method === 'sendMessage' && !call.ok)!;
      expect(refused.errorCode).toBe(429);
      expect(reply.at - refused.at).toBeGreaterThanOrEqual(1_000);
      expect(reader.all().filter((call) => call.seq > after).map((call) => call.text)).toEqual([reply.text]);
    });
  });

  describe('a failing handler', () => {
    it('answers with a short apology when a Bot API call inside the handler fails, and keeps working', async () => {
      const frank = chat();
      await frank.say('/start');
      const { body } = await anonymous.as(API_KEY.exec((await frank.say('/token')).text ?? '')![0]).post('/api/v1/alerts', { symbol: 'SOL/USDT', condition: 'above', price: 500 });
      const list = await frank.say('/alerts');
      // the removal itself succeeds; editing the list message then fails on Telegram's side
      fake.failNext('editMessageText', 1, { status: 400, description: 'Bad Request: message can not be edited' });
      const { after, queryId } = frank.press(list.message_id!, `alert:rm:${body.id}`);
      await callbackAnswer(fake, queryId);
      const apology = await frank.next('sendMessage', after);
      expect(apology.text).toMatch(/sorry, something went wrong/i);
      // the bot is still there
      expect((await frank.say('/start')).text).toContain('Welcome back');
    });
  });

  describe('Telegram refusing an edit with 429', () => {
    it('edits the list once retry_after has passed, and sends no apology: the removal did happen', async () => {
      const gina = chat();
      await gina.say('/start');
      const rest = anonymous.as(API_KEY.exec((await gina.say('/token')).text ?? '')![0]);
      const { body } = await rest.post('/api/v1/alerts', { symbol: 'SOL/USDT', condition: 'above', price: 501 });
      const list = await gina.say('/alerts');
      fake.failNext('editMessageText', 1, { status: 429, retryAfter: 1 });
      const { after, queryId } = gina.press(list.message_id!, `alert:rm:${body.id}:1`);
      await callbackAnswer(fake, queryId);
      const edited = await gina.next('editMessageText', after);

      const refused = fake.callsAfter(after, true).find((call) => call.method === 'editMessageText' && !call.ok)!;
      expect(refused.errorCode).toBe(429);
      expect(edited.at - refused.at).toBeGreaterThanOrEqual(1_000);
      expect(edited.text).toContain('No active alerts');
      expect(gina.all().filter((call) => call.seq > after)).toEqual([]);
      expect((await rest.get(`/api/v1/alerts/${body.id}`)).body.status).toBe('cancelled');
    });
  });

  describe('shutdown', () => {
    it('stops polling on SIGTERM without launching the bot again', async () => {
      const mark = fake.calls.at(-1)?.seq ?? 0;
      expect(await server.stop()).toBe(0);
      // getUpdates is not recorded; anything else after SIGTERM (deleteWebhook, setMyCommands, getMe) is a relaunch
      expect(fake.callsAfter(mark, true).map((call) => call.method)).toEqual([]);
      expect(server.output()).not.toContain('polling stopped');
    });
  });
});

describe('telegram bot with the Bot API down at start', () => {
  const fake = new FakeBotApi();
  let server: RunningServer;
  let anonymous: ApiClient;

  beforeAll(async () => {
    await fake.start();
    await fake.setDown(true);
    server = await startBotServer(fake);
    anonymous = new ApiClient(server.url);
  });

  afterAll(async () => {
    await server?.dispose();
    await fake.stop();
  });

  it('starts anyway and reports the bot offline without failing readiness', async () => {
    const health = await waitForBotState(anonymous, 'offline', 20_000);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.details.telegram.lastError).toBeTruthy();
    expect((await anonymous.get('/health/live')).status).toBe(200);
    expect((await anonymous.register(uniqueName('api_still_works'))).userId).toBeDefined();
  });

  it('comes online once the Bot API is back, without a restart, and answers /start', async () => {
    await fake.setDown(false);
    const health = await waitForBotState(anonymous, 'online', RECOVERY_MS);
    expect(health.status).toBe(200);
    const reply = await new TelegramChat(fake, newPrivateChatId()).say('/start', RECOVERY_MS);
    expect(reply.text).toMatch(/is ready/);
    expect(server.process.exitCode).toBeNull();
  }, RECOVERY_MS * 2 + 10_000);

  it('reports the bot offline when the Bot API becomes unreachable while running, without failing readiness', async () => {
    await waitForBotState(anonymous, 'online', RECOVERY_MS);
    await fake.setDown(true);
    try {
      const during = await waitForBotState(anonymous, 'offline', 15_000).catch(async () => {
        const now = await botHealth(anonymous);
        throw new Error(`the Bot API has been down for 15 s, yet /health/ready still reports telegram ${JSON.stringify(now.body?.details?.telegram)}`);
      });
      expect(during.status).toBe(200);
    } finally {
      await fake.setDown(false);
    }
  }, RECOVERY_MS + 20_000);

  it('keeps answering after an outage while running, without a restart', async () => {
    await fake.setDown(true);
    await fake.setDown(false);
    const reply = await new TelegramChat(fake, newPrivateChatId()).say('/start', RECOVERY_MS);
    expect(reply.text).toMatch(/is ready/);
    await waitForBotState(anonymous, 'online', RECOVERY_MS);
  }, RECOVERY_MS * 2 + 10_000);

  it('exits 0 promptly on SIGTERM while Telegram is unreachable', async () => {
    await fake.setDown(true);
    const started = Date.now();
    const code = await server.stop();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('telegram bot never reachable', () => {
  const fake = new FakeBotApi();
  let server: RunningServer;

  beforeAll(async () => {
    await fake.start();
    await fake.setDown(true);
    server = await startBotServer(fake);
  });

  afterAll(async () => {
    await server?.dispose();
    await fake.stop();
  });

  it('exits 0 promptly on SIGTERM although the bot never launched', async () => {
    await waitForBotState(new ApiClient(server.url), 'offline', 20_000);
    const { code, errors, ms } = await stopAndReport(server);
    expect({ code, errors }).toEqual({ code: 0, errors: [] });
    expect(ms).toBeLessThan(10_000);
  });
});

describe('telegram bot with registration closed', () => {
  const fake = new FakeBotApi();
  let server: RunningServer;

  beforeAll(async () => {
    await fake.start();
    server = await startBotServer(fake, { ALLOW_REGISTRATION: 'false' });
    await waitForBotState(new ApiClient(server.url), 'online', 20_000);
  });

  afterAll(async () => {
    await server?.dispose();
    await fake.stop();
  });

  it('points a chat without an account to /link, not to a /start that cannot create one', async () => {
    const chat = new TelegramChat(fake, newPrivateChatId());
    expect((await chat.say('/start')).text).toContain('registration is closed');
    const reply = await chat.say('/alerts');
    expect(reply.text).toContain('Registration is closed');
    expect(reply.text).toContain('/link');
    expect(reply.text).not.toContain('Send /start');
  });
});
