// Alert use cases for REST and Telegram. Every change is mirrored into the engine's trigger index.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ProfileService } from '@tradepulse/config';
import { MarketDataService } from '@tradepulse/market-data';
import { AppCache, conflict, invalid, limitExceeded, notFound, Page } from '@tradepulse/platform';
import { Alert } from './alert.entity';
import { AlertCreationWriter, NewAlert } from './alert-creation.writer';
import { AlertEngine } from './alert-engine';
import { decimalText, toAlertView } from './alert-view';
import { AlertsRepository, AlertCounts } from './alerts.repository';
import { AlertTriggerView, AlertView, CreateAlertDto, ListAlertsQueryDto, PRICE_CONDITIONS, UpdateAlertDto } from './dto/alert.dto';

export interface AlertStats extends AlertCounts {
  system?: { activeAlerts: number; symbols: number; lastTickLagMs: number; evaluationsPerSec: number };
}

@Injectable()
export class AlertsService {
  /** per-user limit and default cooldown; kept current by a profile subscription */
  private limits: { maxPerUser: number; defaultCooldownSec: number; statsCacheTtlSec: number };

  constructor(
    private readonly em: EntityManager,
    private readonly alerts: AlertsRepository,
    private readonly engine: AlertEngine,
    private readonly creation: AlertCreationWriter,
    private readonly market: MarketDataService,
    profiles: ProfileService,
    private readonly cache: AppCache,
  ) {
    this.limits = profiles.section('alerts');
    profiles.onChange('alerts', (next) => (this.limits = next));
  }

  async create(userId: string, dto: CreateAlertDto): Promise<AlertView> {
    this.checkShape(dto);
    const now = new Date();
    const alert: NewAlert = {
      id: randomUUID(),
      userId,
      symbol: dto.symbol,
      condition: dto.condition,
      price: dto.price !== undefined ? String(dto.price) : null,
      percent: dto.percent !== undefined ? String(dto.percent) : null,
      windowSec: dto.windowSec ?? null,
      frequency: dto.frequency ?? 'once',
      cooldownSec: dto.cooldownSec ?? this.limits.defaultCooldownSec,
      note: dto.note ?? null,
      expiresAt: dto.expiresAt ?? null,
      status: 'active',
      lastTriggeredAt: null,
      triggerCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    const outcome = await this.creation.create(alert);
    if (!outcome.created) throw limitExceeded(`alerts: at most ${outcome.limit} active alerts per user in this profile; you have ${outcome.activeAlerts}`);
    this.engine.track(alert);
    await this.invalidate(userId);
    return toAlertView(alert);
  }

  async list(userId: string, query: ListAlertsQueryDto): Promise<Page<AlertView>> {
    const where: Record<string, unknown> = {};
    if (query.status) where.status = query.status;
    if (query.symbol) where.symbol = query.symbol;
    const page = await this.alerts.pageOwned(userId, where, query, { createdAt: 'desc', id: 'desc' });
    return { ...page, items: page.items.map(toAlertView) };
  }

  async get(userId: string, id: string): Promise<AlertView> {
    return toAlertView(await this.require(userId, id));
  }

  async update(userId: string, id: string, dto: UpdateAlertDto): Promise<AlertView> {
    const em = this.em.fork();
    const alert = await this.alerts.findOwned(userId, id, em);
    if (!alert) throw notFound(`alert ${id}`);
    // a note may still annotate a finished alert; anything else would be stored and never take effect
    const changesFiring = dto.price !== undefined || dto.frequency !== undefined || dto.expiresAt !== undefined;
    if (alert.status !== 'active' && changesFiring) throw conflict(`alert ${id} is ${alert.status}: only an active alert can change its price, frequency or expiresAt`);
    if (dto.price !== undefined) {
      if (!PRICE_CONDITIONS.includes(alert.condition)) throw invalid(`price: a ${alert.condition} alert has no price; change percent by creating a new alert`);
      alert.price = String(dto.price);
    }
    if (dto.note !== undefined) alert.note = dto.note;
    if (dto.frequency !== undefined) alert.frequency = dto.frequency;
    if (dto.expiresAt !== undefined) alert.expiresAt = dto.expiresAt;
    await em.flush();
    if (alert.status === 'active') this.engine.track(alert);
    await this.invalidate(userId);
    return toAlertView(alert);
  }

  /** Returns false when the alert was no longer active (already fired, expired or cancelled). */
  async cancel(userId: string, id: string): Promise<boolean> {
    const alert = await this.require(userId, id);
    // a conditional update: if it fired or expired meanwhile, it stays as it is and is no longer active either way
    const cancelled = alert.status === 'active' && (await this.alerts.setStatus(userId, id, 'active', 'cancelled')) > 0;
    this.engine.untrack(id);
    if (cancelled) await this.invalidate(userId);
    return cancelled;
  }

  /** Cached lists and stats of this user are stale after any change, whether it came over REST or Telegram. */
  private invalidate(userId: string): Promise<void> {
    return this.cache.invalidateTag(`${userId}:alerts`);
  }

  async triggers(userId: string, id: string): Promise<{ items: AlertTriggerView[] }> {
    await this.require(userId, id);
    const rows = await this.alerts.triggers(userId, id);
    return { items: rows.map((r) => ({ id: r.id, price: decimalText(r.price)!, triggeredAt: new Date(r.triggered_at), late: r.late })) };
  }

  async stats(userId: string, isAdmin: boolean): Promise<AlertStats> {
    const ttlMs = this.limits.statsCacheTtlSec * 1000;
    const version = await this.cache.tagVersion(`${userId}:alerts`);
    const counts = await this.cache.wrap(`alert-stats:${userId}:${version}`, ttlMs, () => this.alerts.counts(userId));
    if (!isAdmin) return counts;
    return { ...counts, system: { ...this.engine.systemStats(), lastTickLagMs: this.market.lastTickLag } };
  }

  /** Full id or a unique prefix of one of the user's alerts. */
  async resolveId(userId: string, idOrPrefix: string): Promise<string> {
    const ids = await this.alerts.idsByPrefix(userId, idOrPrefix);
    if (ids.length === 0) throw notFound(`alert ${idOrPrefix}`);
    if (ids.length > 1) throw invalid(`id: "${idOrPrefix}" matches several alerts; send more characters`);
    return ids[0];
  }

  private async require(userId: string, id: string): Promise<Alert> {
    const alert = await this.alerts.findOwned(userId, id);
    if (!alert) throw notFound(`alert ${id}`);
    return alert;
  }

  private checkShape(dto: CreateAlertDto): void {
    if (!this.market.prices.has(dto.symbol)) throw invalid(`symbol: unknown symbol "${dto.symbol}"; known: ${this.market.prices.symbols.join(', ')}`);
    if (PRICE_CONDITIONS.includes(dto.condition)) {
      if (dto.price === undefined) throw invalid(`price: required for condition ${dto.condition}`);
      if (dto.percent !== undefined) throw invalid(`percent: not used by condition ${dto.condition}`);
      if (dto.windowSec !== undefined) throw invalid(`windowSec: not used by condition ${dto.condition}`);
    } else {
      if (dto.percent === undefined) throw invalid(`percent: required for condition ${dto.condition}`);
      if (dto.windowSec === undefined) throw invalid(`windowSec: required for condition ${dto.condition}`);
      if (dto.price !== undefined) throw invalid(`price: not used by condition ${dto.condition}`);
    }
  }
}
