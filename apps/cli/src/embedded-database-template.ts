// The last step of `npm run build`: makes the embedded database's template (see embedded-database-template.ts) with
// the same initdb thread a first start without one runs, unless the template for this PGlite is already there, and
// removes the templates of other PGlite versions. Prints one line saying which.
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BUILT_TEMPLATES, builtTemplate, templateDirectory } from '../../../libs/platform/src/database/embedded-database-template';
import { createEmbeddedDatabase, pgDataDirectory } from '../../../libs/platform/src/database/embedded-database';

async function main(): Promise<void> {
  const template = templateDirectory();
  if (builtTemplate()) {
    process.stdout.write(`embedded database template: ${template} (up to date)\n`);
  } else {
    await makeTemplate(template);
    process.stdout.write(`embedded database template: ${template} (made)\n`);
  }
  removeOtherTemplates(basename(template));
}

async function makeTemplate(template: string): Promise<void> {
  mkdirSync(BUILT_TEMPLATES, { recursive: true });
  const staging = mkdtempSync(join(BUILT_TEMPLATES, '.making-'));
  try {
    // the options that do not shape initdb's output (see INITDB_OPTIONS) are the default profile's
    await createEmbeddedDatabase({ dataDir: staging, maxConnections: 32, sharedBuffersMb: 16 });
    rmSync(template, { recursive: true, force: true });
    // whole or not at all: a server never sees a template half made
    renameSync(pgDataDirectory(staging), template);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Other PGlite versions' templates, and what an interrupted build left. */
function removeOtherTemplates(keep: string): void {
  for (const name of readdirSync(BUILT_TEMPLATES)) {
    if (name !== keep) rmSync(join(BUILT_TEMPLATES, name), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`making the embedded database template failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
