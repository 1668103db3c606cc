// Socket.IO on the same HTTP server as Fastify, with the profile's heartbeat and compression threshold, and
// with REDIS_URL the Redis adapter so a room emit reaches sockets held by every process.
// main.ts: app.useWebSocketAdapter(new SocketIoAdapter(app)) before app.listen().
import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { createAdapter } from '@socket.io/redis-adapter';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { createRedisClient, Redis } from '@tradepulse/platform';
import { publishPerTurn } from './turn-publisher';

// @nestjs/platform-socket.io pins its own socket.io (4.8.3) beside the root one: type against the server it
// really creates, not the root package's.
type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;

const PUBLISH_FAILURE_LOG_INTERVAL_MS = 10_000;
/** permessage-deflate's window (2^11 = 2 KB) and zlib's memLevel: 16 KB of compressor per socket */
const COMPRESSION_WINDOW_BITS = 11;
const COMPRESSION_MEM_LEVEL = 4;

export class SocketIoAdapter extends IoAdapter {
  private readonly logger = new Logger('SocketIoAdapter');
  private readonly redisClients: Redis[] = [];

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const profiles = this.app.get(ProfileService);
    const config = this.app.get(AppConfig);
    // heartbeat and compression are read once: the listening server cannot change them (restart-required keys)
    const { pingIntervalMs, pingTimeoutMs, compressionThresholdBytes } = profiles.bootValue('websocket');
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      pingInterval: pingIntervalMs,
      pingTimeout: pingTimeoutMs,
      perMessageDeflate: {
        threshold: compressionThresholdBytes,
        // ws honours `threshold` only without context takeover; with it, every frame pays for deflate whatever its size
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        // a socket keeps its compressor from its first compressed message on: zlib's defaults (32 KB window,
        // memLevel 8) hold 256 KB per socket, these 16 KB. Each message is compressed on its own, and a 2 KB window
        // spans several notifications: batches of 10 to 100 compress as well as with the defaults (measured)
        serverMaxWindowBits: COMPRESSION_WINDOW_BITS,
        zlibDeflateOptions: { memLevel: COMPRESSION_MEM_LEVEL },
      },
      httpCompression: { threshold: compressionThresholdBytes },
      maxHttpBufferSize: 64 * 1024,
    });
    const url = config.env.REDIS_URL;
    if (url) server.adapter(this.redisAdapter(url, `tp:${config.redisPrefix}:socket.io`));
    return server;
  }

  override async close(server: IoServer): Promise<void> {
    await super.close(server);
    await Promise.allSettled(this.redisClients.map((client) => client.quit()));
  }

  private redisAdapter(url: string, key: string): ReturnType<typeof createAdapter> {
    const publisher = createRedisClient(url, { maxRetriesPerRequest: null, lazyConnect: false });
    const subscriber = publisher.duplicate();
    for (const client of [publisher, subscriber]) {
      client.on('error', (error: Error) => this.logger.warn(`Socket.IO Redis adapter: ${error.message}`));
      this.redisClients.push(client);
    }
    let loggedAt = 0;
    publishPerTurn(publisher, (error) => {
      if (Date.now() - loggedAt < PUBLISH_FAILURE_LOG_INTERVAL_MS) return;
      loggedAt = Date.now();
      // the emit reached this process's sockets; other processes' clients find it in GET /api/v1/notifications or a replay
      this.logger.warn(`Socket.IO Redis adapter: emits did not reach the other processes: ${error.message}`);
    });
    // loaded only in Redis mode (see redis-client.ts)
    const adapter = require('@socket.io/redis-adapter') as typeof import('@socket.io/redis-adapter');
    return adapter.createAdapter(publisher, subscriber, { key });
  }
}
