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

/**
 * The relay deletes the rows it relayed instead of stamping `relayed_at`: the table then holds only pending rows,
 * found through the primary key. A stamped row stayed in `outbox_pending_idx` until vacuum, so every relay pass
 * read the index entries and heap pages of everything relayed since the last vacuum (a bitmap scan of the whole
 * table under load). The event key stays unique without the row: the relay inserts notifications `on conflict
 * (event_key) do nothing`, so a replayed event relayed again creates nothing.
 */
export class Migration20261124000700OutboxDeleteRelayed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`delete from "outbox" where "relayed_at" is not null;`);
    this.addSql(`drop index "outbox_pending_idx";`);
    this.addSql(`alter table "outbox" drop column "relayed_at";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outbox" add column "relayed_at" timestamptz null;`);
    this.addSql(`create index "outbox_pending_idx" on "outbox" ("id") where "relayed_at" is null;`);
  }
}
