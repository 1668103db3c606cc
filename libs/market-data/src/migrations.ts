import { Migration } from '@mikro-orm/migrations';

export class Migration20261124000250MarketPrices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "market_prices" (
      "symbol" text primary key,
      "price" numeric(38, 18) not null,
      "updated_at" timestamptz not null
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "market_prices";');
  }
}

/**
 * Candles outlive a restart: GET /market/candles answers from memory, which a start fills from here, and the
 * persist loop writes every candle ticks changed since its last pass. Old candles are pruned past what a series
 * keeps in memory.
 */
export class Migration20261125000100MarketCandles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "market_candles" (
      "symbol" text not null,
      "interval" text not null,
      "open_time" timestamptz not null,
      "open" double precision not null,
      "high" double precision not null,
      "low" double precision not null,
      "close" double precision not null,
      "volume" integer not null,
      primary key ("symbol", "interval", "open_time")
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "market_candles";');
  }
}
