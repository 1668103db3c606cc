import { Migration } from '@mikro-orm/migrations';
import { cascadeByTriggerDown, cascadeByTriggerUp } from '@tradepulse/platform';

export class Migration20261124000300Alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "alerts" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "symbol" text not null,
      "condition" text not null check ("condition" in ('above','below','crosses_up','crosses_down','crosses','pct_up','pct_down')),
      "price" numeric(38, 18) null check ("price" > 0),
      "percent" numeric(10, 4) null check ("percent" > 0 and "percent" <= 1000),
      "window_sec" integer null check ("window_sec" > 0),
      "frequency" text not null default 'once' check ("frequency" in ('once','every_time')),
      "cooldown_sec" integer not null check ("cooldown_sec" >= 0),
      "status" text not null default 'active' check ("status" in ('active','triggered','expired','cancelled')),
      "note" text null,
      "expires_at" timestamptz null,
      "last_triggered_at" timestamptz null,
      "trigger_count" integer not null default 0,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "alerts_user_status_created_idx" on "alerts" ("user_id", "status", "created_at" desc);`);
    this.addSql(`create index "alerts_user_symbol_idx" on "alerts" ("user_id", "symbol");`);
    this.addSql(`create index "alerts_active_idx" on "alerts" ("symbol") where "status" = 'active';`);
    this.addSql(`create index "alerts_expiry_idx" on "alerts" ("expires_at") where "status" = 'active' and "expires_at" is not null;`);
    this.addSql(`create table "alert_triggers" (
      "id" bigserial primary key,
      "alert_id" uuid not null references "alerts" ("id") on delete cascade,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "price" numeric(38, 18) not null,
      "late" boolean not null default false,
      "triggered_at" timestamptz not null
    );`);
    this.addSql(`create unique index "alert_triggers_once_idx" on "alert_triggers" ("alert_id", "triggered_at");`);
    this.addSql(`create index "alert_triggers_user_time_idx" on "alert_triggers" ("user_id", "triggered_at" desc);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "alert_triggers";');
    this.addSql('drop table if exists "alerts";');
  }
}

/**
 * A trigger row's owner is its alert's owner, copied by the firing statement; the row already references the alert
 * (on delete cascade) and the alert its user (on delete cascade). The second foreign key only re-checked that, once
 * per trigger row inside the firing transaction: about a fifth of PostgreSQL's CPU for a tick that fires 1,000 alerts.
 */
export class Migration20261124000600AlertTriggersOwnerFromAlert extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "alert_triggers" drop constraint if exists "alert_triggers_user_id_fkey";');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "alert_triggers" add constraint "alert_triggers_user_id_fkey" foreign key ("user_id") references "users" ("id") on delete cascade;');
  }
}

const TRIGGER_ROWS_OF_ALERTS = { child: 'alert_triggers', column: 'alert_id', parent: 'alerts' };

/**
 * Trigger rows are written only by the firing statement, from the rows its own `UPDATE alerts … RETURNING` changed:
 * each alert row is locked by that update until the statement commits, so it exists when its trigger row is
 * inserted and a concurrent delete waits for the commit. The foreign key re-checked that once per row (a query
 * per trigger row, about an eighth of PostgreSQL's CPU for a tick firing 1,000 alerts). What it also did, removing
 * an alert's trigger rows with the alert, a statement-level trigger now does: one delete per deleting statement.
 */
export class Migration20261124000720AlertTriggersCascadeByTrigger extends Migration {
  override async up(): Promise<void> {
    for (const sql of cascadeByTriggerUp(TRIGGER_ROWS_OF_ALERTS)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of cascadeByTriggerDown(TRIGGER_ROWS_OF_ALERTS)) this.addSql(sql);
  }
}

