// N Socket.IO clients of /ws in a process of their own, so the bench's clients do not share the server's or
// the producer's event loop. Run as `node dist/test/bench/support/socket-swarm.js <config.json>`, where the
// file holds { url, apiKeys } (one client per key). Records, per notification id, when the event was produced
// (item.data.sentAt, epoch ms) and when it arrived here (Date.now(), the same machine clock), grouped by
// item.data.phase. Talks JSON lines: commands on stdin, answers on stdout (see SwarmCommand / SwarmEvent).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { io, Socket } from 'socket.io-client';

export interface SwarmConfig {
  url: string;
  apiKeys: string[];
}

export type SwarmCommand = { cmd: 'count'; phase: string } | { cmd: 'report'; phase: string } | { cmd: 'stop' };

export interface PhaseReport {
  event: 'report';
  phase: string;
  /** one entry per distinct notification id; the three arrays are parallel */
  ids: number[];
  sentAt: number[];
  receivedAt: number[];
  /** `notification` events that carried at least one item of the phase (a batch is one event) */
  messages: number;
  /** items whose id had arrived before (same socket or another) */
  duplicates: number;
}

export type SwarmEvent =
  | { event: 'connected'; connected: number; refused: Record<string, number>; connectMs: number }
  | { event: 'count'; phase: string; items: number }
  | PhaseReport
  | { event: 'stopped'; disconnects: number; errors: Record<string, number> };

interface Item {
  id: string;
  data?: { sentAt?: number; phase?: string };
}

/** Handshakes in flight at once: enough to connect 1,000 clients in a few seconds without a connect storm. */
const CONNECT_CONCURRENCY = 50;
const CONNECT_TIMEOUT_MS = 20_000;
/** how long after the last handshake a refusal (`error` event, then disconnect) is waited for */
const REFUSAL_SETTLE_MS = 500;

class PhaseLog {
  readonly seen = new Set<string>();
  readonly ids: number[] = [];
  readonly sentAt: number[] = [];
  readonly receivedAt: number[] = [];
  messages = 0;
  duplicates = 0;
}

class Swarm {
  private readonly sockets: Socket[] = [];
  private readonly phases = new Map<string, PhaseLog>();
  private readonly errors: Record<string, number> = {};
  private disconnects = 0;
  private stopping = false;

  constructor(private readonly config: SwarmConfig) {}

  async connectAll(): Promise<SwarmEvent> {
    const started = Date.now();
    const refused: Record<string, number> = {};
    let next = 0;
    const worker = async () => {
      while (next < this.config.apiKeys.length) {
        const outcome = await this.connect(this.config.apiKeys[next++]);
        if (outcome !== 'ok') refused[outcome] = (refused[outcome] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
    const connectMs = Date.now() - started;
    // a refused socket connects first, then gets an `error` event and is dropped: count what is still open
    await new Promise((resolve) => setTimeout(resolve, REFUSAL_SETTLE_MS));
    const open = this.sockets.filter((socket) => socket.connected).length;
    for (const [reason, times] of Object.entries(this.errors)) refused[`refused: ${reason}`] = times;
    return { event: 'connected', connected: open, refused, connectMs };
  }

  count(phase: string): SwarmEvent {
    return { event: 'count', phase, items: this.phases.get(phase)?.ids.length ?? 0 };
  }

  /** Hands over the phase's records and forgets them. */
  report(phase: string): PhaseReport {
    const log = this.phases.get(phase) ?? new PhaseLog();
    this.phases.delete(phase);
    return { event: 'report', phase, ids: log.ids, sentAt: log.sentAt, receivedAt: log.receivedAt, messages: log.messages, duplicates: log.duplicates };
  }

  stop(): SwarmEvent {
    this.stopping = true;
    for (const socket of this.sockets) socket.close();
    return { event: 'stopped', disconnects: this.disconnects, errors: this.errors };
  }

  private connect(token: string): Promise<string> {
    const socket = io(this.config.url, { path: '/ws', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: CONNECT_TIMEOUT_MS });
    this.sockets.push(socket);
    socket.on('notification', (payload: { items: Item[] }) => this.record(payload.items, Date.now()));
    socket.on('disconnect', () => {
      if (!this.stopping) this.disconnects++;
    });
    socket.on('error', (payload: { reason?: string }) => {
      const reason = payload?.reason ?? 'unknown';
      this.errors[reason] = (this.errors[reason] ?? 0) + 1;
    });
    return new Promise((resolve) => {
      socket.once('connect', () => resolve('ok'));
      socket.once('connect_error', (error) => resolve(`connect_error: ${error.message}`));
    });
  }

  private record(items: Item[], receivedAt: number): void {
    const touched = new Set<PhaseLog>();
    for (const item of items) {
      const phase = item.data?.phase;
      if (typeof phase !== 'string') continue;
      let log = this.phases.get(phase);
      if (!log) this.phases.set(phase, (log = new PhaseLog()));
      touched.add(log);
      if (log.seen.has(item.id)) {
        log.duplicates++;
        continue;
      }
      log.seen.add(item.id);
      log.ids.push(Number(item.id));
      log.sentAt.push(Number(item.data?.sentAt));
      log.receivedAt.push(receivedAt);
    }
    for (const log of touched) log.messages++;
  }
}

function send(event: SwarmEvent): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify(event)}\n`, () => resolve()));
}

async function main(configPath: string): Promise<void> {
  const swarm = new Swarm(JSON.parse(readFileSync(configPath, 'utf8')) as SwarmConfig);
  await send(await swarm.connectAll());
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as SwarmCommand;
    if (command.cmd === 'count') await send(swarm.count(command.phase));
    else if (command.cmd === 'report') await send(swarm.report(command.phase));
    else if (command.cmd === 'stop') {
      await send(swarm.stop());
      break;
    }
  }
  process.exit(0);
}

if (require.main === module) {
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write('usage: node socket-swarm.js <config.json with { url, apiKeys }>\n');
    process.exit(2);
  }
  main(configPath).catch((error: Error) => {
    process.stderr.write(`socket-swarm: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
