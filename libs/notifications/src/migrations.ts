import { Migration } from '@mikro-orm/migrations';

/**
 * The notification store, one delivery record per notification × channel, preferences and webhook endpoints.
 * Categories and priorities are not checked here: an unknown value written by a producer must not block the
 * relay batch it arrives in.
 */
export class Migration20261124000400Notifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "notifications" (
      "id" bigserial primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "category" text not null,
      "priority" text not null,
      "title" text not null,
      "body" text not null,
      "data" jsonb not null default '{}',
      "event_key" text not null unique,
      "occurred_at" timestamptz not null,
      "created_at" timestamptz not null default now(),
      "read_at" timestamptz null,
      "dispatched_at" timestamptz null
    );`);
    this.addSql(`create index "notifications_user_idx" on "notifications" ("user_id", "id" desc);`);
    this.addSql(`create index "notifications_unread_idx" on "notifications" ("user_id", "id" desc) where "read_at" is null;`);
    this.addSql(`create index "notifications_undispatched_idx" on "notifications" ("id") where "dispatched_at" is null;`);
    this.addSql(`create table "deliveries" (
      "notification_id" bigint not null references "notifications" ("id") on delete cascade,
      "channel" text not null,
      "status" text not null check ("status" in ('claimed','sent','failed','skipped')),
      "attempts" int not null default 0,
      "last_error" text null,
      "updated_at" timestamptz not null default now(),
      primary key ("notification_id", "channel")
    );`);
    this.addSql(`create index "deliveries_claimed_idx" on "deliveries" ("updated_at") where "status" = 'claimed';`);
    this.addSql(`create table "notification_preferences" (
      "user_id" uuid primary key references "users" ("id") on delete cascade,
      "channels" jsonb not null default '{}',
      "muted_categories" text[] not null default '{}',
      "digest_enabled" boolean not null default false,
      "digest_window_sec" int not null default 300,
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create table "webhooks" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "url" text not null,
      "secret" text not null,
      "consecutive_failures" int not null default 0,
      "last_error" text null,
      "last_delivered_at" timestamptz null,
      "disabled_at" timestamptz null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "webhooks_user_idx" on "webhooks" ("user_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "webhooks";');
    this.addSql('drop table if exists "notification_preferences";');
    this.addSql('drop table if exists "deliveries";');
    this.addSql('drop table if exists "notifications";');
  }
}

/**
 * Cheaper writes per notification (measured on 5,000-notification batches, see the branch perf-notifications-2):
 * - "not yet dispatched" moves from `notifications.dispatched_at` (a partial index on it made every dispatch a
 *   non-HOT update of the wide row, with new entries in all its indexes) to a narrow queue the relay inserts into
 *   and the claim deletes from;
 * - deliveries lose their foreign key to notifications: a record is only written for an id the same statement took
 *   out of that queue, and the relay writes the queue row in the statement that creates the notification, so the
 *   id exists by construction; the per-row check (and its KEY SHARE lock, a write to the notification's page) is
 *   gone. Cascading from a deleted user no longer reaches deliveries: nothing deletes users, and a stray record
 *   is never read without its notification (every query on deliveries joins notifications).
 */
export class Migration20261124000410UndispatchedQueue extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "undispatched_notifications" ("notification_id" bigint primary key);`);
    this.addSql(`insert into "undispatched_notifications" ("notification_id") select "id" from "notifications" where "dispatched_at" is null;`);
    this.addSql(`drop index "notifications_undispatched_idx";`);
    this.addSql(`alter table "notifications" drop column "dispatched_at";`);
    this.addSql(`alter table "deliveries" drop constraint "deliveries_notification_id_fkey";`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "deliveries" d where not exists (select 1 from "notifications" n where n."id" = d."notification_id");`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_notification_id_fkey" foreign key ("notification_id") references "notifications" ("id") on delete cascade;`);
    this.addSql(`alter table "notifications" add column "dispatched_at" timestamptz null;`);
    this.addSql(`update "notifications" n set "dispatched_at" = now() where not exists (select 1 from "undispatched_notifications" u where u."notification_id" = n."id");`);
    this.addSql(`create index "notifications_undispatched_idx" on "notifications" ("id") where "dispatched_at" is null;`);
    this.addSql('drop table if exists "undispatched_notifications";');
  }
}

/**
 * Notifications lose their foreign key to users, as deliveries lost theirs to notifications: the relay copies
 * `user_id` from an outbox row, whose own foreign key checked the user when the producer committed it, so the key
 * holds by construction. The check cost the relay a lookup and a KEY SHARE row lock (a WAL record) on the user for
 * every notification: 2,000 notifications inserted in 30 ms with it, 18 ms without (EXPLAIN ANALYZE, PostgreSQL
 * 15). Nothing deletes users, so nothing relied on the cascade.
 */
export class Migration20261124000710NotificationsWithoutUserKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "notifications" drop constraint "notifications_user_id_fkey";`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "notifications" n where not exists (select 1 from "users" u where u."id" = n."user_id");`);
    this.addSql(`alter table "notifications" add constraint "notifications_user_id_fkey" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }
}

/**
 * Each delivery record keeps the dedupe key of the batch it was claimed in (null on a record that was never
 * claimed: a skip). A claim left by a stopped process is sent again as the same batch with the same key, so a
 * receiver that got the first send can recognise the second; deriving the key from whatever stale claims a
 * recovery pass found together would group them differently and give the repeat a new key. A record claimed
 * before this column existed is sent again as a batch of its own.
 */
export class Migration20261124000800DeliveryDedupeKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "deliveries" add column "dedupe_key" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "deliveries" drop column "dedupe_key";`);
  }
}

/**
 * One endpoint per user and URL: the same URL registered twice got every notification twice, under two delivery
 * ids, so its receiver could not tell the repeat. A second registration is now refused (409). Duplicates stored
 * before this keep their oldest registration.
 */
export class Migration20261124001000WebhookUrlPerUser extends Migration {
  override async up(): Promise<void> {
    this.addSql(`delete from "webhooks" w using "webhooks" older where older."user_id" = w."user_id" and older."url" = w."url" and (older."created_at", older."id") < (w."created_at", w."id");`);
    this.addSql(`create unique index "webhooks_user_url_idx" on "webhooks" ("user_id", "url");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "webhooks_user_url_idx";`);
  }
}
