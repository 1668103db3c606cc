// Producing notifications through the alert flow, and waiting until they are stored.
import { createAlert, sendTicks } from './alerts-helpers';
import type { ApiClient } from './api-client';
import { waitFor } from './wait-for';

/** Creates `count` above-alerts on `symbol` (which no other test ticks) and fires them all with one tick; returns their ids. */
export async function fireAlertsOn(admin: ApiClient, client: ApiClient, symbol: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createAlert(client, { symbol, condition: 'above', price: 10 + i })).id);
  await sendTicks(admin, { symbol, price: 100 });
  return ids;
}

/** Waits until the notifications of these alerts are in the caller's inbox, and returns them. */
export function storedFor(client: ApiClient, alertIds: string[]): Promise<any[]> {
  return waitFor(async () => {
    const page = await client.get('/api/v1/notifications?pageSize=500');
    const items = page.body.items.filter((item: any) => alertIds.includes(item.data.alertId));
    return items.length === alertIds.length ? items : false;
  });
}
