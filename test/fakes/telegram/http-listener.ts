// The fake's TCP listener, which can go away and come back on the same port (setDown).
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Longer than Node's client keep-alive (5 s), so the client always closes idle sockets first and
 *  never reuses one the server is closing (an ECONNRESET race that makes tests flaky). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export class HttpListener {
  private readonly server: Server;
  private boundPort = 0;

  constructor(handler: RequestListener, private readonly host = '127.0.0.1') {
    this.server = createServer(handler);
    this.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** 0 until the first listen */
  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    if (this.boundPort === 0) throw new Error('The fake server has not been started');
    return `http://${this.host}:${this.boundPort}`;
  }

  listen(port: number): Promise<number> {
    if (this.server.listening) return Promise.resolve(this.boundPort);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve(this.boundPort);
      });
    });
  }

  /** Stops accepting and destroys every open socket, pending long polls included. */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
