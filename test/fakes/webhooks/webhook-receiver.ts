// A local HTTP endpoint that receives webhook deliveries: records each request (raw body and headers) and
// answers with the status the test chose for it.
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
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

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ path: request.url ?? '/', headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        response.writeHead(this.statuses.shift() ?? this.defaultStatus, { 'content-type': 'text/plain' });
        response.end('ok');
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

  to(path: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
