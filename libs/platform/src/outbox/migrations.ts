import { Migration } from '@mikro-orm/migrations';

export class Migration20261124000150Outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "outbox" (
      "id" bigserial primary key,
      "event_key" text not null unique,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "category" text not null,
      "priority" text not null,
      "title" text not null,
      "body" text not null,
      "data" jsonb not null default '{}',
      "occurred_at" timestamptz not null,
      "created_at" timestamptz not null default now(),
      "relayed_at" timestamptz null
    );`);
    this.addSql(`create index "outbox_pending_idx" on "outbox" ("id") where "relayed_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "outbox";');
  }
}
