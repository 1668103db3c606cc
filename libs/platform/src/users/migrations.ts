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
