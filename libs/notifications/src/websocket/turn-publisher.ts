// The Socket.IO Redis adapter's publishes of one event-loop turn go out as one pipeline. A dispatch pass emits to
// hundreds of user rooms in one turn, and each publish on its own was a write syscall: 5 % of the server's CPU at
// 2,000 critical notifications/s (a profile on a machine where syscalls were slow). ioredis' enableAutoPipelining
// does the same, but at shutdown it rejected pipelined commands outside any handler, an unhandled rejection that
// ended the process with exit 1; here the pipeline's outcome is always handled.
import type { Redis } from '@tradepulse/platform';

type Message = [channel: string, message: string | Buffer];

/**
 * Replaces `publisher.publish` (the adapter's only use of it is fire-and-forget). `onFailure` hears of a pipeline
 * that failed, or of its first failed publish: those emits reached this process's sockets, not other processes'.
 */
export function publishPerTurn(publisher: Redis, onFailure: (error: Error) => void): void {
  let pending: Message[] | undefined;
  const send = (messages: readonly Message[]) => {
    const pipeline = publisher.pipeline();
    for (const [channel, message] of messages) pipeline.publish(channel, message);
    pipeline.exec().then((results) => {
      const failed = results?.find(([error]) => error);
      if (failed) onFailure(failed[0]!);
    }, onFailure);
  };
  const publish = (channel: string, message: string | Buffer): Promise<number> => {
    if (!pending) {
      const messages: Message[] = (pending = []);
      setImmediate(() => {
        pending = undefined;
        send(messages);
      });
    }
    pending.push([channel, message]);
    return Promise.resolve(0);
  };
  publisher.publish = publish as Redis['publish'];
}
