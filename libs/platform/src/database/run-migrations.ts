// Applies pending migrations with a short-lived ORM before Nest starts, so every module can read its tables
// from its first lifecycle hook. Schema sync is never used: both databases get the same migration set.
import { MigrationObject, MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Client } from 'pg';

/** MikroORM's default migrations table, where the Migrator records each applied migration by name. */
const MIGRATIONS_TABLE = 'public.mikro_orm_migrations';

export async function runMigrations(url: string, migrations: MigrationObject[]): Promise<string[]> {
  // the usual start finds nothing to do: one query answers that, without setting up an ORM and the Migrator
  const applied = await appliedMigrationNames(url);
  if (migrations.every((migration) => applied.has(migration.name))) return [];
  // loaded only now: the Migrator brings umzug and its CLI (see lazy-migrations.ts)
  const { Migrator } = require('@mikro-orm/migrations') as typeof import('@mikro-orm/migrations');
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: { migrationsList: migrations, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: 1 },
  });
  try {
    const pending = await orm.getMigrator().up();
    return pending.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

/** Names in the migrations table; none when the table does not exist yet (a new database). */
async function appliedMigrationNames(url: string): Promise<Set<string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query<{ name: string | null }>(`select to_regclass('${MIGRATIONS_TABLE}')::text as name`);
    if (!table.rows[0]?.name) return new Set();
    const rows = await client.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE}`);
    return new Set(rows.rows.map((row) => row.name));
  } finally {
    await client.end();
  }
}
