// Checks the API key of a Socket.IO handshake (`auth: { token, lastNotificationId? }`) in a namespace
// middleware, so the verdict is known before the connection completes and before any client event is read.
import type { ApiKeyService, AuthUser } from '@tradepulse/platform';
import type { Socket } from 'socket.io';

export interface SocketSession {
  user?: AuthUser;
  /** why the socket is refused; sent in an `error` event before it is disconnected */
  refusal?: string;
  /** the last notification id the client saw, for the replay */
  lastNotificationId?: string;
  lastActiveAt: number;
  admitted?: boolean;
}

const NOTIFICATION_ID = /^(0|[1-9][0-9]{0,17})$/;

export function session(socket: Socket): SocketSession {
  return socket.data as SocketSession;
}

export function socketAuthMiddleware(keys: ApiKeyService) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    void authenticate(socket, keys).then(
      () => next(),
      (error: Error) => {
        session(socket).refusal = `unauthorized: could not check the API key (${error.message})`;
        next();
      },
    );
  };
}

async function authenticate(socket: Socket, keys: ApiKeyService): Promise<void> {
  const data = session(socket);
  data.lastActiveAt = Date.now();
  const auth = (socket.handshake.auth ?? {}) as { token?: unknown; lastNotificationId?: unknown };
  if (typeof auth.token !== 'string' || !auth.token) {
    data.refusal = 'unauthorized: send the API key in the handshake as auth: { token }';
    return;
  }
  const user = await keys.verify(auth.token);
  if (!user) {
    data.refusal = 'unauthorized: unknown or revoked API key';
    return;
  }
  data.user = user;
  const last = auth.lastNotificationId;
  if ((typeof last === 'string' || typeof last === 'number') && NOTIFICATION_ID.test(String(last))) data.lastNotificationId = String(last);
}
