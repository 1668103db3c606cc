import type { Redis } from '@tradepulse/platform';
import IORedis from 'ioredis';
import { publishPerTurn } from './turn-publisher';

type Result = [Error | null, unknown];

/** A publisher whose pipelines record what they were given and answer `outcome`. */
function recordingPublisher(outcome: () => Promise<Result[]> = async () => []) {
  const pipelines: Array<Array<[string, string | Buffer]>> = [];
  const publisher = {
    publish: async () => 1,
    pipeline() {
      const commands: Array<[string, string | Buffer]> = [];
      pipelines.push(commands);
      const pipeline = {
        publish(channel: string, message: string | Buffer) {
          commands.push([channel, message]);
          return pipeline;
        },
        exec: outcome,
      };
      return pipeline;
    },
  };
  return { publisher: publisher as unknown as Redis, pipelines };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('publishPerTurn', () => {
  it('sends the publishes of one turn as one pipeline, in order, and those of the next turn in another', async () => {
    const { publisher, pipelines } = recordingPublisher();
    publishPerTurn(publisher, () => undefined);
    void publisher.publish('room:a', 'first');
    void publisher.publish('room:b', Buffer.from('second'));
    expect(pipelines).toEqual([]);
    await nextTurn();
    void publisher.publish('room:a', 'third');
    await nextTurn();
    expect(pipelines).toEqual([
      [
        ['room:a', 'first'],
        ['room:b', Buffer.from('second')],
      ],
      [['room:a', 'third']],
    ]);
  });

  it('reports a failed pipeline and a failed publish inside one', async () => {
    const outcomes: Array<() => Promise<Result[]>> = [async () => Promise.reject(new Error('Connection is closed.')), async () => [[null, 1], [new Error('READONLY'), null]]];
    const { publisher } = recordingPublisher(() => outcomes.shift()!());
    const failures: string[] = [];
    publishPerTurn(publisher, (error) => failures.push(error.message));
    void publisher.publish('room:a', 'lost');
    await nextTurn();
    void publisher.publish('room:a', 'fine');
    void publisher.publish('room:b', 'refused');
    await nextTurn();
    await nextTurn();
    expect(failures).toEqual(['Connection is closed.', 'READONLY']);
  });

  it('leaves no unhandled rejection when the client has quit before the turn ends', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    const client = new IORedis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      const failures: Error[] = [];
      publishPerTurn(client as unknown as Redis, (error) => failures.push(error));
      client.disconnect();
      void client.publish('room:a', 'after quit');
      await nextTurn();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(failures.length).toBeGreaterThan(0);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
