import { Migration } from '@mikro-orm/migrations';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALL_MIGRATIONS } from './migrations';

/** Every plugin's file of migration classes (each is named migrations.ts). */
function migrationFiles(dir = resolve(__dirname, '../../../libs')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return migrationFiles(join(dir, entry.name));
    return entry.name === 'migrations.ts' ? [join(dir, entry.name)] : [];
  });
}

describe('ALL_MIGRATIONS', () => {
  it('lists every migration class of every plugin, by its class name, in name order', () => {
    const names = ALL_MIGRATIONS.map((migration) => migration.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const migration of ALL_MIGRATIONS) {
      expect(migration.class.prototype).toBeInstanceOf(Migration);
      expect(migration.class.name).toBe(migration.name);
    }
  });

  it('leaves no exported migration class out of its plugin list', () => {
    const modules = migrationFiles().map((file) => require(file) as Record<string, unknown>);
    expect(modules.length).toBeGreaterThanOrEqual(7);
    const exported = modules.flatMap((module) => Object.keys(module).filter((key) => (module[key] as { prototype?: unknown })?.prototype instanceof Migration));
    expect(exported.sort()).toEqual(ALL_MIGRATIONS.map((migration) => migration.name));
  });
});
