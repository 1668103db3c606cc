import { Migration } from '@mikro-orm/migrations';
import { cascadeByTriggerDown, cascadeByTriggerUp } from '../database/cascade-by-trigger';

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

const OUTBOX_ROWS_OF_USERS = { child: 'outbox', column: 'user_id', parent: 'users' };

/**
 * Outbox rows lose their foreign key to users, as trigger rows and notifications lost theirs. The key re-checked
 * the user once per row inside the producer's transaction: a lookup and a KEY SHARE lock (a WAL record) on the
 * user, 1,000 of each for a tick firing 1,000 alerts, about an eighth of the firing statement's database time
 * (30 → 26 ms of backend CPU, PostgreSQL 15). A producer appends outbox rows in the transaction of a state change
 * on a row of that user which references the user (the firing statement takes user_id from the alerts its update
 * holds locked until it commits), so the user exists by construction and a concurrent delete of the user waits
 * for that commit. Removing a deleted user's pending rows, which the key's cascade did, a statement-level trigger
 * now does: one delete per deleting statement.
 */
export class Migration20261124000730OutboxOwnerFromProducer extends Migration {
  override async up(): Promise<void> {
    for (const sql of cascadeByTriggerUp(OUTBOX_ROWS_OF_USERS)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of cascadeByTriggerDown(OUTBOX_ROWS_OF_USERS)) this.addSql(sql);
  }
}

/**
 * The outbox no longer keeps event keys unique: the relay does, where it matters. It inserts each outbox row's
 * notification `on conflict (event_key) do nothing` into notifications, whose event key is unique, so an event
 * appended twice (a replay) is relayed into one notification and its second row is deleted like any other. The
 * outbox's own unique index cost every appended row a second index insertion with a uniqueness check on a
 * 60-byte text key: 10% of the database time of a tick firing 1,000 alerts (26 → 23.5 ms of backend CPU).
 */
export class Migration20261124000740OutboxKeysUniqueWhenRelayed extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "outbox" drop constraint if exists "outbox_event_key_key";');
  }

  override async down(): Promise<void> {
    this.addSql('delete from "outbox" o using "outbox" kept where kept."event_key" = o."event_key" and kept."id" < o."id";');
    this.addSql('alter table "outbox" add constraint "outbox_event_key_key" unique ("event_key");');
  }
}
