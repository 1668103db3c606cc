// Starts main.ts in a child process (the app under test then runs with
// TELEGRAM_API_ROOT = url) and returns a client for its control port.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FakeBotApiClient } from './control-client';

export interface FakeBotApiProcessOptions {
  port?: number;
  token?: string;
  maxPollTimeoutSec?: number;
  /** a built main.js (dist/test/fakes/telegram/main.js); by default main.ts runs from source through @swc/core */
  script?: string;
  startTimeoutMs?: number;
}

export interface FakeBotApiProcess {
  port: number;
  /** the apiRoot for telegraf / TELEGRAM_API_ROOT */
  url: string;
  controlUrl: string;
  client: FakeBotApiClient;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Registers a .ts loader with the same transform Jest uses, then runs main.ts. */
function sourceRunner(swcPath: string, mainPath: string): string {
  return [
    `const { transformSync } = require(${JSON.stringify(swcPath)});`,
    `const { readFileSync } = require('node:fs');`,
    `require.extensions['.ts'] = (module, file) => module._compile(transformSync(readFileSync(file, 'utf8'), {`,
    `  filename: file, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },`,
    `}).code, file);`,
    `require(${JSON.stringify(mainPath)});`,
  ].join('\n');
}

export async function startFakeBotApiProcess(options: FakeBotApiProcessOptions = {}): Promise<FakeBotApiProcess> {
  const flags = ['--port', String(options.port ?? 0), '--exit-with-parent'];
  if (options.token) flags.push('--token', options.token);
  if (options.maxPollTimeoutSec !== undefined) flags.push('--max-poll-timeout', String(options.maxPollTimeoutSec));
  const args = options.script
    ? [options.script, ...flags]
    : ['-e', sourceRunner(require.resolve('@swc/core'), join(__dirname, 'main.ts')), '--', ...flags];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const started = await firstLine(child, options.startTimeoutMs ?? 10_000);
  const { port, url, controlUrl } = JSON.parse(started) as { port: number; url: string; controlUrl: string };
  return { port, url, controlUrl, child, client: new FakeBotApiClient(controlUrl), stop: () => stopChild(child) };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (reason: string): void => {
      clearTimeout(timer);
      lines.close();
      child.kill();
      reject(new Error(`fake Bot API process ${reason}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code) => fail(`exited with code ${code} before listening`));
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      lines.close();
      resolve(line);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
