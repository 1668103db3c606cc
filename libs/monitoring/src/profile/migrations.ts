import { Migration } from '@mikro-orm/migrations';

export class Migration20261124000200ProfileSwitches extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "profile_switches" (
      "id" bigserial primary key,
      "from_profile" text not null,
      "to_profile" text not null,
      "actor_id" uuid null,
      "actor_name" text not null,
      "request_id" text null,
      "created_at" timestamptz not null default now()
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "profile_switches";');
  }
}
