// HTTP control of the fake, for tests that run it in another process (main.ts).
// The same routes are served under /__control/ on the Bot API port and on the control port;
// only the control port survives setDown(true).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { FakeBotApi } from './fake-bot-api';
import { readBody } from './request-body';
import { sendJson } from './send-json';
import type { ChatId, FailureSpec, RecordedCall, TelegramUser, UpdateInput } from './types';

export const CONTROL_PREFIX = '/__control/';
const MAX_WAIT_MS = 60_000;

interface ControlBody {
  chatId?: ChatId;
  text?: string;
  from?: Partial<TelegramUser>;
  messageId?: number;
  data?: string;
  method?: string;
  count?: number;
  down?: boolean;
  blocked?: boolean;
}

/** For a listener that serves only control routes (the control port). */
export function controlRequestListener(fake: FakeBotApi): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    handleControlRequest(fake, req, res, url).catch((error: Error) => sendJson(res, 500, { error: error.message }));
  };
}

export async function handleControlRequest(fake: FakeBotApi, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!url.pathname.startsWith(CONTROL_PREFIX)) return sendJson(res, 404, { error: 'not a control route' });
  const path = url.pathname.slice(CONTROL_PREFIX.length);
  const body = req.method === 'POST' ? await readJson(req) : {};
  const route = `${req.method} ${path.startsWith('files/') ? 'files/' : path}`;
  switch (route) {
    case 'GET state':
      return sendJson(res, 200, {
        port: fake.port, url: fake.url, down: fake.isDown, webhookInfo: fake.webhookInfo ?? null,
        commands: fake.commands, pendingUpdateCount: fake.pendingUpdateCount,
      });
    case 'GET calls':
      return sendJson(res, 200, { calls: await callsAfter(fake, url.searchParams) });
    case 'GET webhook-deliveries':
      return sendJson(res, 200, { deliveries: await deliveriesAfter(fake, url.searchParams) });
    case 'GET files/': {
      const content = fake.fileContent(decodeURIComponent(path.slice('files/'.length)));
      if (!content) return sendJson(res, 404, { error: 'no such file' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length });
      res.end(content);
      return;
    }
    case 'POST updates':
      return sendJson(res, 200, { update: fake.pushUpdate(body as UpdateInput) });
    case 'POST text':
      return sendJson(res, 200, { update: fake.sendText(body.chatId as ChatId, body.text ?? '', body.from) });
    case 'POST button':
      return sendJson(res, 200, { update: fake.pressButton(body.chatId as ChatId, body.messageId ?? 0, body.data ?? '', body.from) });
    case 'POST fail':
      fake.failNext(body.method ?? '*', body.count ?? 1, body as FailureSpec);
      return sendJson(res, 200, { ok: true });
    case 'POST blocked':
      fake.setBlocked(body.chatId as ChatId, body.blocked ?? true);
      return sendJson(res, 200, { ok: true });
    case 'POST reset':
      fake.reset();
      return sendJson(res, 200, { ok: true });
    case 'POST down': {
      const down = body.down ?? true;
      if (down && req.socket.localPort === fake.port) {
        // going down destroys this very socket, so answer first (the control port has no such race)
        await new Promise<void>((resolve) => res.end(JSON.stringify({ ok: true }), () => resolve()));
        return fake.setDown(true);
      }
      await fake.setDown(down);
      return sendJson(res, 200, { ok: true });
    }
    default:
      return sendJson(res, 404, { error: `unknown control route ${route}` });
  }
}

/** Calls after `after` (a seq); with waitMs, holds the request until one arrives or time is up. */
async function callsAfter(fake: FakeBotApi, query: URLSearchParams): Promise<RecordedCall[]> {
  const after = Number(query.get('after') ?? 0);
  const includeFailed = query.get('failed') === '1';
  const waitMs = Math.min(Number(query.get('waitMs') ?? 0), MAX_WAIT_MS);
  const found = fake.callsAfter(after, includeFailed);
  if (found.length > 0 || waitMs <= 0) return found;
  const wait = includeFailed ? fake.waitForCall.bind(fake) : fake.waitForMessage.bind(fake);
  await wait((call) => call.seq > after, waitMs).catch(() => undefined);
  return fake.callsAfter(after, includeFailed);
}

async function deliveriesAfter(fake: FakeBotApi, query: URLSearchParams): Promise<unknown[]> {
  const after = Number(query.get('after') ?? 0);
  const waitMs = Math.min(Number(query.get('waitMs') ?? 0), MAX_WAIT_MS);
  if (fake.webhookDeliveries.length <= after && waitMs > 0) {
    await fake.waitForWebhookDelivery(() => fake.webhookDeliveries.length > after, waitMs).catch(() => undefined);
  }
  return fake.webhookDeliveries.slice(after);
}

async function readJson(req: IncomingMessage): Promise<ControlBody> {
  const body = await readBody(req);
  return body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as ControlBody);
}
