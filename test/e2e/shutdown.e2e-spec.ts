// SIGTERM while the server is busy (ticks firing alerts, a webhook request unanswered): requests that arrive
// from then on get 503 with Retry-After, the process exits 0 within 10 s, and the webhook request it had to
// abort is POSTed again after the restart with the same delivery id, counted as no failure of the endpoint. Every
// firing committed while it stopped was also turned into a notification by the stopping process itself.
import { WebhookReceiver } from '../fakes/webhooks/webhook-receiver';
import { ALERTS_SERVER_ENV, createAlert, EXTRA_SYMBOLS, nextTs, sendTicks, triggersOf } from './support/alerts-helpers';
import { ApiAnswer, ApiClient, uniqueName } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';
import { waitFor } from './support/wait-for';

/** without Redis the claim is sent again by the first recovery pass, 2 s after start; with Redis the job is still queued */
const REDELIVERY_MS = 30_000;
const DELIVERY_HEADER = 'x-tradepulse-delivery';

describe('SIGTERM under load', () => {
  const receiver = new WebhookReceiver();
  const symbol = EXTRA_SYMBOLS[11];
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let apiOnly: RunningServer | undefined;

  beforeAll(() => receiver.start());

  afterAll(async () => {
    await second?.dispose();
    await apiOnly?.dispose();
    await first?.dispose();
    await receiver.stop();
  });

  it('refuses new requests with 503, exits 0 in time, relays what it fired while stopping, and puts back the webhook request it aborted', async () => {
    const env = {
      ...ALERTS_SERVER_ENV,
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      // the held request must outlast the shutdown's grace, not time out on its own
      TP__WEBHOOKS__TIMEOUT_MS: '30000',
      // one failure disables the endpoint: the aborted request must not count as one
      TP__WEBHOOKS__DISABLE_AFTER_FAILURES: '1',
      TP__NOTIFICATIONS__BATCH_WINDOW_MS: '100',
    };
    first = await startServer({ env });
    const admin = new ApiClient(first.url).as(first.adminKey);
    const trader = await new ApiClient(first.url).register(uniqueName('sigterm'));
    receiver.hold('/held');
    expect((await trader.post('/api/v1/webhooks', { url: `${receiver.url}/held`, secret: 'a-secret-of-sixteen-or-more' })).status).toBe(201);
    const alert = await createAlert(trader, { symbol, condition: 'crosses', price: 100, frequency: 'every_time', cooldownSec: 0 });
    await sendTicks(admin, { symbol, price: 99 }, { symbol, price: 101 });
    const held = await waitFor(() => receiver.to('/held')[0]);

    // ticks keep firing the alert until the server stops taking them
    let loading = true;
    let flips = 0;
    const load = (async () => {
      while (loading) await admin.post('/api/v1/admin/market/ticks', { ticks: [{ symbol, price: flips++ % 2 ? 99 : 101, ts: nextTs() }] }).catch(() => undefined);
    })();
    let refused: ApiAnswer | undefined;
    let stoppedAt = 0;
    let exited: Promise<number | null>;
    try {
      await waitFor(() => flips > 20);
      stoppedAt = Date.now();
      exited = first.stop('SIGTERM');
      // the held request keeps the process in its 3 s webhook grace
      await new Promise((resolve) => setTimeout(resolve, 500));
      refused = await admin.post('/api/v1/admin/market/ticks', { ticks: [{ symbol, price: 150, ts: nextTs() }] });
    } finally {
      loading = false;
      await load;
    }
    expect(refused!.status).toBe(503);
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(refused!.body.message).toContain('shutting down');
    expect(await exited!).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);

    // a process without the worker role relays nothing: what the inbox holds now, the stopping process relayed
    apiOnly = await startServer({ reuse: first, env: { ...env, ROLES: 'api' } });
    const inbox = new ApiClient(apiOnly.url).as(trader.apiKey);
    const triggers = await triggersOf(inbox, alert.id);
    const notified = (await inbox.get('/api/v1/notifications?pageSize=500')).body.items.filter((item: any) => item.data.alertId === alert.id);
    expect(triggers.length).toBeGreaterThan(10);
    expect(notified).toHaveLength(triggers.length);
    await apiOnly.stop('SIGTERM');

    receiver.release('/held');
    second = await startServer({ reuse: first, env });
    const again = await waitFor(
      () => receiver.to('/held').find((request) => request.at > stoppedAt && request.headers[DELIVERY_HEADER] === held.headers[DELIVERY_HEADER]),
      REDELIVERY_MS,
    );
    expect(again.rawBody).toBe(held.rawBody);
    const restarted = new ApiClient(second.url).as(trader.apiKey);
    const endpoint = await waitFor(async () => {
      const [item] = (await restarted.get('/api/v1/webhooks')).body.items;
      return item.lastDeliveredAt ? item : false;
    });
    expect(endpoint).toMatchObject({ enabled: true, consecutiveFailures: 0, lastError: null });
    // the tick refused during the shutdown changed nothing: the price is the last one taken before it
    const [price] = (await restarted.get(`/api/v1/market/prices?symbols=${encodeURIComponent(symbol)}`)).body.items;
    expect([99, 101]).toContain(Number(price.price));
  }, 90_000);
});
