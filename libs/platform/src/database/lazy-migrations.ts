// A plugin's migrations by name, with their classes loaded only when the Migrator needs them. Migration
// classes extend @mikro-orm/migrations, whose Migrator pulls in umzug and its CLI (about 700 modules and
// 13 MB); the usual start has nothing to apply and only needs the names (see run-migrations.ts).
import type { MigrationObject } from '@mikro-orm/core';

type MigrationClass = MigrationObject['class'];

/** `load` returns the module exporting one class per name (the class name is the migration's name). */
export function lazyMigrations(load: () => object, names: string[]): MigrationObject[] {
  return names.map((name) => ({
    name,
    get class(): MigrationClass {
      const found = (load() as Record<string, unknown>)[name];
      if (typeof found !== 'function') throw new Error(`migration ${name} is listed but its module exports no class of that name`);
      return found as MigrationClass;
    },
  }));
}
