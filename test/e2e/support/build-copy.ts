// A copy of the built server whose embedded database template, which `npm run build` makes beside it, is missing
// (a build that skipped that step) or cannot be copied: its first start runs initdb. Under the repository's .tmp/,
// so that it finds node_modules and config/ the way dist/ does.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT } from './server-process';

export interface BuildCopy {
  /** its server entry point, for startServer({ main }) */
  main: string;
  dispose(): void;
}

export function copyBuild(template: 'missing' | 'uncopyable', builtTemplate: string): BuildCopy {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const root = mkdtempSync(join(ROOT, '.tmp', 'build-'));
  for (const part of ['apps', 'libs']) cpSync(join(ROOT, 'dist', part), join(root, 'dist', part), { recursive: true });
  if (template === 'uncopyable') {
    const copy = join(root, 'dist', 'embedded-database-template', basename(builtTemplate));
    cpSync(builtTemplate, copy, { recursive: true });
    // a FIFO, which fs.cp refuses to copy, halfway through the directory
    execFileSync('mkfifo', [join(copy, 'base', 'fifo')]);
  }
  return {
    main: join(root, 'dist/apps/server/src/main.js'),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
