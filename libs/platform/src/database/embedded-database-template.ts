// The embedded database's template: a data directory that PGlite's initdb made once, at build time
// (apps/cli/src/embedded-database-template.ts), which a first start copies instead of running initdb again.
// Measured here: initdb takes 3-4 s of WebAssembly, copying the template's 39 MB in 971 files 0.1-0.3 s (up to
// 0.9 s on a loaded machine). A PostgreSQL data directory holds no absolute path and PGlite leaves no
// postmaster.pid in it, so a copy opens like the original. Light imports only: the main thread reads it first.
import { constants, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';

/** Where `npm run build` keeps templates: dist/embedded-database-template (this file runs from dist/libs/platform/src/database). */
export const BUILT_TEMPLATES = resolve(__dirname, '../../../../embedded-database-template');

/**
 * The PGlite.create options that shape what initdb writes, spread into every PGlite.create that may run initdb.
 * None are set: startParams (shared_buffers, max_connections) apply when PostgreSQL starts, not to initdb. They are
 * part of the template's name, so a template made with other options is never used.
 */
export const INITDB_OPTIONS: Pick<PGliteOptions, 'initDbStartParams' | 'username' | 'database'> = {};

/** The template directory for this PGlite and these initdb options; a template of any other is never looked at. */
export function templateDirectory(templates = BUILT_TEMPLATES): string {
  const options = createHash('sha256').update(JSON.stringify(INITDB_OPTIONS)).digest('hex').slice(0, 8);
  return join(templates, `pglite-${pgliteVersion()}-${options}`);
}

/** The template for this PGlite, or undefined when the build made none. */
export function builtTemplate(templates = BUILT_TEMPLATES): string | undefined {
  const template = templateDirectory(templates);
  // PG_VERSION is in every data directory; the build renames a template into place only once it is complete
  return existsSync(join(template, 'PG_VERSION')) ? template : undefined;
}

/** The template to copy into `pgdata`, or undefined: none was built, or `pgdata` already holds something. */
export function findTemplate(pgdata: string, templates = BUILT_TEMPLATES): string | undefined {
  return isEmptyOrAbsent(pgdata) ? builtTemplate(templates) : undefined;
}

/**
 * Copies `template` into `pgdata`, which must be absent or empty (it is never replaced otherwise). The copy goes to
 * a sibling first and is renamed into place, so a process ending mid-copy leaves no half database that a next
 * start would open. Reads the template only: any number of processes copy it at once. Throws when it fails.
 */
export function copyTemplate(template: string, pgdata: string): void {
  const partial = `${pgdata}.partial`;
  mkdirSync(dirname(pgdata), { recursive: true });
  // what an earlier start left when it ended mid-copy
  rmSync(partial, { recursive: true, force: true });
  try {
    // a reflink where the filesystem has them (btrfs, xfs, APFS), else a plain copy
    cpSync(template, partial, { recursive: true, mode: constants.COPYFILE_FICLONE });
    // rmdir refuses a directory that is not empty: what is in pgdata stays as it is
    if (existsSync(pgdata)) rmdirSync(pgdata);
    renameSync(partial, pgdata);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** False when it cannot be read either: such a directory is left to initdb, as before templates existed. */
function isEmptyOrAbsent(directory: string): boolean {
  try {
    return readdirSync(directory).length === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** PGlite's package.json is not in its `exports`, so it is read from beside the entry point. */
function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
