import Decimal from 'decimal.js';
import { Alert } from './alert.entity';
import type { AlertView } from './dto/alert.dto';
import type { IndexedAlert } from './engine';

/** An alert's own fields, without the ORM relation: what views and the trigger index read. */
export type AlertFields = Omit<Alert, 'user'>;

/**
 * Decimal strings without the column's trailing zeros and never in exponent form: "65000", not
 * "65000.000000000000000000"; "0.0000001", not "1e-7".
 */
export function decimalText(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : new Decimal(value).toFixed();
}

export function toAlertView(alert: AlertFields): AlertView {
  return {
    id: alert.id,
    symbol: alert.symbol,
    condition: alert.condition,
    price: decimalText(alert.price),
    percent: decimalText(alert.percent),
    windowSec: alert.windowSec ?? null,
    frequency: alert.frequency,
    cooldownSec: alert.cooldownSec,
    status: alert.status,
    note: alert.note ?? null,
    expiresAt: alert.expiresAt ?? null,
    lastTriggeredAt: alert.lastTriggeredAt ?? null,
    triggerCount: alert.triggerCount,
    createdAt: alert.createdAt,
  };
}

/**
 * `reloaded`: read back from the database at start, where an every_time alert that has fired is placed by the last
 * price (it fired in a region the price may still be in), or, when it fired after that price was persisted
 * (`persistedPriceAtMs`, the tick time of the symbol's persisted price), as at its threshold. Not after a failed
 * commit: the alert whose firing did not commit would then stay silent; armed, it fires again, at worst once more
 * than needed.
 */
export function toIndexedAlert(alert: AlertFields, reloaded = false, persistedPriceAtMs?: number): IndexedAlert {
  const firedAtMs = alert.lastTriggeredAt?.getTime();
  const reloadedFired = reloaded && alert.frequency === 'every_time' && firedAtMs !== undefined;
  return {
    id: alert.id,
    symbol: alert.symbol,
    condition: alert.condition,
    price: alert.price ? Number(alert.price) : undefined,
    percent: alert.percent ? Number(alert.percent) : undefined,
    windowSec: alert.windowSec ?? undefined,
    frequency: alert.frequency,
    cooldownMs: alert.cooldownSec * 1000,
    lastFiredAtMs: firedAtMs,
    placeByLastPrice: reloadedFired,
    firedAfterLastPrice: reloadedFired && firedAtMs > (persistedPriceAtMs ?? Number.NEGATIVE_INFINITY),
  };
}
