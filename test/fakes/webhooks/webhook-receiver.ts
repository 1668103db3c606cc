// A local HTTP endpoint that receives webhook deliveries: records each request (raw body and headers) and
// answers with the status the test chose for it, at once or, for a held path, when the test releases it.
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  at: number;
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server?: Server;
  private readonly statuses: number[] = [];
  private defaultStatus = 200;
  /** answers waiting for release(path), per held path */
  private readonly held = new Map<string, Array<() => void>>();
  private readonly open = new Map<string, number>();
  private readonly mostOpen = new Map<string, number>();

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.received.push({ path, headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        this.opened(path);
        const status = this.statuses.shift() ?? this.defaultStatus;
        const answer = () => this.answerWith(response, path, status);
        const waiting = this.held.get(path);
        if (waiting) waiting.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The next requests are answered with these statuses, in order; then `always` (default 200). */
  answer(statuses: number[], always = 200): void {
    this.statuses.splice(0, this.statuses.length, ...statuses);
    this.defaultStatus = always;
  }

  /** Requests to `path` get no answer until release(path): a slow endpoint whose pace the test sets. */
  hold(path: string): void {
    if (!this.held.has(path)) this.held.set(path, []);
  }

  /** Answers the held requests to `path`, and those that come later at once. */
  release(path: string): void {
    const waiting = this.held.get(path) ?? [];
    this.held.delete(path);
    for (const answer of waiting) answer();
  }

  /** Requests to `path` received and not yet answered, at most, at any one time so far. */
  mostAtOnce(path: string): number {
    return this.mostOpen.get(path) ?? 0;
  }

  to(path: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    for (const path of [...this.held.keys()]) this.release(path);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private opened(path: string): void {
    const open = (this.open.get(path) ?? 0) + 1;
    this.open.set(path, open);
    this.mostOpen.set(path, Math.max(open, this.mostAtOnce(path)));
  }

  private answerWith(response: ServerResponse, path: string, status: number): void {
    this.open.set(path, (this.open.get(path) ?? 1) - 1);
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end('ok');
  }
}
