import { Migration } from '@mikro-orm/migrations';

export class Migration20261124000500TelegramUpdates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "telegram_updates" ("update_id" bigint primary key, "received_at" timestamptz not null default now());`);
    this.addSql(`create index "telegram_updates_received_idx" on "telegram_updates" ("received_at");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "telegram_updates";');
  }
}
