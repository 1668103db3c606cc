// The bench's handle on socket-swarm.js: spawns it with a temp file of API keys, waits for its clients to
// connect, and asks it for counts and reports over its stdin/stdout JSON lines.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhaseReport, SwarmCommand, SwarmConfig, SwarmEvent } from './socket-swarm';

const CONNECT_TIMEOUT_MS = 60_000;
const ANSWER_TIMEOUT_MS = 30_000;

type Connected = Extract<SwarmEvent, { event: 'connected' }>;
type Stopped = Extract<SwarmEvent, { event: 'stopped' }>;

export class SwarmProcess {
  private readonly partial: string[] = [];
  private readonly waiting: Array<{ event: string; resolve: (event: SwarmEvent) => void }> = [];
  private readonly exited: Promise<number | null>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly configDir: string,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Spawns the swarm and resolves once every client has tried to connect. */
  static async start(config: SwarmConfig): Promise<{ swarm: SwarmProcess; connected: Connected }> {
    const configDir = mkdtempSync(join(tmpdir(), 'tp-swarm-'));
    const configPath = join(configDir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
    const child = spawn(process.execPath, [join(__dirname, 'socket-swarm.js'), configPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    const swarm = new SwarmProcess(child, configDir);
    const connected = (await swarm.next('connected', CONNECT_TIMEOUT_MS)) as Connected;
    return { swarm, connected };
  }

  get pid(): number {
    return this.child.pid!;
  }

  async count(phase: string): Promise<number> {
    return ((await this.ask({ cmd: 'count', phase }, 'count')) as Extract<SwarmEvent, { event: 'count' }>).items;
  }

  report(phase: string): Promise<PhaseReport> {
    return this.ask({ cmd: 'report', phase }, 'report') as Promise<PhaseReport>;
  }

  /** Closes every client and waits for the process to exit; safe to call twice. */
  async stop(): Promise<Stopped | undefined> {
    let stopped: Stopped | undefined;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      stopped = (await this.ask({ cmd: 'stop' }, 'stopped').catch(() => undefined)) as Stopped | undefined;
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.configDir, { recursive: true, force: true });
    return stopped;
  }

  private ask(command: SwarmCommand, answer: SwarmEvent['event']): Promise<SwarmEvent> {
    const reply = this.next(answer, ANSWER_TIMEOUT_MS);
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    return reply;
  }

  private next(event: SwarmEvent['event'], timeoutMs: number): Promise<SwarmEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket swarm: no "${event}" within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      void this.exited.then((code) => reject(new Error(`socket swarm exited with ${code} before "${event}"; stderr: ${this.stderr}`)));
      this.waiting.push({
        event,
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
      });
    });
  }

  /** A report is one line of megabytes arriving in pipe-sized chunks: only new text is searched for its end. */
  private onData(text: string): void {
    let newline = text.indexOf('\n');
    if (newline < 0) {
      this.partial.push(text);
      return;
    }
    let rest = text;
    while (newline >= 0) {
      const line = this.partial.join('') + rest.slice(0, newline);
      this.partial.length = 0;
      rest = rest.slice(newline + 1);
      if (line.trim()) this.deliver(JSON.parse(line) as SwarmEvent);
      newline = rest.indexOf('\n');
    }
    if (rest) this.partial.push(rest);
  }

  private deliver(event: SwarmEvent): void {
    const index = this.waiting.findIndex((waiter) => waiter.event === event.event);
    if (index >= 0) this.waiting.splice(index, 1)[0].resolve(event);
  }
}
