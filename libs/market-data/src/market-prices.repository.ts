// The last price of every symbol, kept so that a restart knows where the market was.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';

export interface StoredPrice {
  symbol: string;
  price: number;
  updatedAtMs: number;
}

@Injectable()
export class MarketPricesRepository {
  constructor(private readonly em: EntityManager) {}

  async all(): Promise<StoredPrice[]> {
    const rows = await this.em.getConnection().execute<{ symbol: string; price: string; updated_at: Date }[]>('select symbol, price::text as price, updated_at from market_prices');
    return rows.map((row) => ({ symbol: row.symbol, price: Number(row.price), updatedAtMs: new Date(row.updated_at).getTime() }));
  }

  /** One multi-row upsert; a stored price newer than the one given is kept. */
  async saveNewer(prices: readonly StoredPrice[]): Promise<void> {
    if (!prices.length) return;
    const values: unknown[] = [];
    const rows = prices.map((p) => {
      values.push(p.symbol, p.price, new Date(p.updatedAtMs));
      return '(?, ?, ?)';
    });
    await this.em.getConnection().execute(
      `insert into market_prices (symbol, price, updated_at) values ${rows.join(', ')}
       on conflict (symbol) do update set price = excluded.price, updated_at = excluded.updated_at where market_prices.updated_at <= excluded.updated_at`,
      values,
    );
  }
}
