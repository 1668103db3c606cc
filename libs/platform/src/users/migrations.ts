import { Migration } from '@mikro-orm/migrations';

export class Migration20261124000100Users extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "users" (
      "id" uuid primary key,
      "username" text not null unique,
      "role" text not null default 'user' check ("role" in ('user','admin')),
      "telegram_chat_id" bigint null unique,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(`create table "api_keys" (
      "id" text primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "secret_hash" text not null,
      "label" text null,
      "created_at" timestamptz not null default now(),
      "revoked_at" timestamptz null
    );`);
    this.addSql(`create index "api_keys_user_id_idx" on "api_keys" ("user_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "api_keys";');
    this.addSql('drop table if exists "users";');
  }
}

/**
 * Usernames are unique without regard to case: "Alice" and "alice" were two accounts, and one could pass for the
 * other in a chat or a shared list. Accounts that already differ only in case keep the oldest as it is; the others
 * get their id's first 8 characters appended (usernames allow only ASCII, so lower() is the whole case rule).
 */
export class Migration20261125000100UsernamesIgnoreCase extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update "users" u set "username" = u."username" || '-' || left(u."id"::text, 8)
      where exists (select 1 from "users" older where lower(older."username") = lower(u."username")
        and (older."created_at", older."id") < (u."created_at", u."id"));`);
    this.addSql(`create unique index "users_username_ci_idx" on "users" (lower("username"));`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "users_username_ci_idx";');
  }
}
