// Runs once before the e2e workers: makes sure the build's embedded database template is there (`npm run build`
// makes it; this covers a dist/ compiled without that last step), so that every embedded server under test copies it
// on its first start, as an installed server does, instead of running initdb (seconds of CPU, more on a busy machine).
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

export default function globalSetup(): void {
  // a plain Node process: PGlite's WASM loader does not run inside Jest's module sandbox
  execFileSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/embedded-database-template.js')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
