// A TCP proxy in front of the server that reads the WebSocket frames the server sends, as they cross the wire:
// which were compressed (permessage-deflate sets RSV1 on a compressed message's frame) and their payload sizes,
// and the 101 answer's headers (the negotiated extension parameters). A client connects to the proxy's URL as
// to the server. Meant for one connection: the bytes of every connection are read as one stream.
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';

export interface ServerFrame {
  /** 1 text, 2 binary, 8 close, 9 ping, 10 pong */
  opcode: number;
  compressed: boolean;
  /** bytes on the wire after the frame header: the compressed size when compressed */
  payloadBytes: number;
}

export class FrameRecordingProxy {
  readonly frames: ServerFrame[] = [];
  /** the server's answer to the upgrade request, up to the blank line */
  upgradeAnswer = '';
  private server?: Server;
  private readonly connections = new Set<Socket>();
  private unread = Buffer.alloc(0);

  constructor(private readonly target: string) {}

  /** Listens on a free loopback port; returns the URL to give the client. */
  async start(): Promise<string> {
    const { hostname, port } = new URL(this.target);
    this.server = createServer((client) => {
      const upstream = connect(Number(port), hostname);
      for (const socket of [client, upstream]) {
        this.connections.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.connections.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        this.read(chunk);
        client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private read(chunk: Buffer): void {
    this.unread = Buffer.concat([this.unread, chunk]);
    if (!this.upgradeAnswer) {
      const end = this.unread.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.upgradeAnswer = this.unread.subarray(0, end).toString('latin1');
      this.unread = this.unread.subarray(end + 4);
    }
    for (let frame = this.nextFrame(); frame; frame = this.nextFrame()) this.frames.push(frame);
  }

  /** RFC 6455 section 5.2: the frame at the start of the unread bytes, once it has fully arrived. */
  private nextFrame(): ServerFrame | undefined {
    const bytes = this.unread;
    if (bytes.length < 2) return undefined;
    let payloadBytes = bytes[1] & 0x7f;
    let headerBytes = 2;
    if (payloadBytes === 126) {
      if (bytes.length < 4) return undefined;
      payloadBytes = bytes.readUInt16BE(2);
      headerBytes = 4;
    } else if (payloadBytes === 127) {
      if (bytes.length < 10) return undefined;
      payloadBytes = Number(bytes.readBigUInt64BE(2));
      headerBytes = 10;
    }
    if (bytes[1] & 0x80) headerBytes += 4;
    if (bytes.length < headerBytes + payloadBytes) return undefined;
    this.unread = bytes.subarray(headerBytes + payloadBytes);
    return { opcode: bytes[0] & 0x0f, compressed: (bytes[0] & 0x40) !== 0, payloadBytes };
  }
}
