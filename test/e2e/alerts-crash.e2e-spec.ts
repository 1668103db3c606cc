// Alerts across a crash: a process killed within a second of a firing never persisted the price it fired at (prices
// are saved once a second). After the restart its every_time alerts must not fire again for that same crossing.
// The database is edited into that state: the firing committed, the persisted price the one before it.
import { Client } from 'pg';
import { ALERTS_SERVER_ENV, createAlert, EXTRA_SYMBOLS, sendTicks, tickAndSettle, triggersOf, waitForTriggers } from './support/alerts-helpers';
import { ApiClient, uniqueName } from './support/api-client';
import { RunningServer, startServer } from './support/server-process';
import { databaseUrlOf, SharedDatabase, sharedDatabase } from './support/shared-database';

describe('every_time alerts across a crash right after they fired', () => {
  const symbol = EXTRA_SYMBOLS[0];
  let database: SharedDatabase;
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let db: Client | undefined;

  beforeAll(async () => {
    database = await sharedDatabase();
  });

  afterAll(async () => {
    await db?.end();
    // both servers share one database; the last one to run cleans it up
    await first?.stop();
    await (second ?? first)?.dispose();
    database?.stop();
  });

  it('fires them on the next crossing after the restart, not again, late, on the one they fired on', async () => {
    const env = { ...ALERTS_SERVER_ENV, ...database.env };
    first = await startServer({ env });
    const admin = new ApiClient(first.url, first.adminKey);
    const owner = await new ApiClient(first.url).register(uniqueName('crashed'));
    const beforeFiring = Date.now() - 5_000;
    await sendTicks(admin, { symbol, price: 100, ts: beforeFiring });
    const every = { frequency: 'every_time' as const, cooldownSec: 0 };
    const alerts = [
      await createAlert(owner, { symbol, condition: 'above', price: 105, ...every }),
      await createAlert(owner, { symbol, condition: 'crosses_up', price: 105, ...every }),
      await createAlert(owner, { symbol, condition: 'crosses', price: 105, ...every }),
    ];
    await sendTicks(admin, { symbol, price: 111 });
    for (const alert of alerts) await waitForTriggers(owner, alert.id);
    expect(await first.stop()).toBe(0);
    // as a kill within the second would have left it: the firing committed, the 111 never persisted
    db = new Client({ connectionString: databaseUrlOf(first, database) });
    await db.connect();
    await db.query('update market_prices set price = 100, updated_at = $2 where symbol = $1', [symbol, new Date(beforeFiring)]);

    second = await startServer({ reuse: first, env });
    const again = new ApiClient(second.url, second.adminKey);
    const trader = new ApiClient(second.url, owner.apiKey);
    await tickAndSettle(trader, again, symbol, 112);
    expect(await Promise.all(alerts.map(async (alert) => (await triggersOf(trader, alert.id)).length))).toEqual([1, 1, 1]);
    // the next crossings fire as usual, not late
    await sendTicks(again, { symbol, price: 104 });
    await sendTicks(again, { symbol, price: 106 });
    const counts = await Promise.all(alerts.map((alert, i) => waitForTriggers(trader, alert.id, i === 2 ? 3 : 2)));
    expect(counts.flat().filter((trigger: { late: boolean }) => trigger.late)).toEqual([]);
  });
});
