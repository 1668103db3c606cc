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
