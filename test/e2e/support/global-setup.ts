// Runs once before the e2e workers: an initialised PGlite data directory that every embedded server under test
// starts from (copying it takes ~0.2 s; running initdb takes ~6 s of CPU, far more on a loaded machine).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PGLITE_TEMPLATE = resolve(__dirname, '../../../dist/e2e-pglite-template');

export default function globalSetup(): void {
  if (existsSync(join(PGLITE_TEMPLATE, 'PG_VERSION'))) return;
  rmSync(PGLITE_TEMPLATE, { recursive: true, force: true });
  const script = `require('@electric-sql/pglite').PGlite.create(${JSON.stringify(PGLITE_TEMPLATE)}).then((db) => db.close())`;
  // a plain Node process: PGlite's WASM loader does not run inside Jest's module sandbox
  execFileSync(process.execPath, ['-e', script], { cwd: resolve(__dirname, '../../..'), stdio: 'inherit' });
}
