// Runs the fake Bot API as its own process. Prints one JSON line on stdout once listening:
//   {"port":N,"controlPort":M,"url":"http://127.0.0.1:N","controlUrl":"http://127.0.0.1:M"}
// Flags: --port N (default 0 = free port), --control-port N, --token T, --max-poll-timeout SEC,
// --exit-with-parent (exit when stdin closes, so a crashed test run leaves no orphan).
import { controlRequestListener } from './control-routes';
import { FakeBotApi } from './fake-bot-api';
import { HttpListener } from './http-listener';

function flag(name: string): string | undefined {
  const args = process.argv;
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(): Promise<void> {
  const maxPollTimeout = flag('max-poll-timeout');
  const fake = new FakeBotApi({
    token: flag('token'),
    maxPollTimeoutSec: maxPollTimeout === undefined ? undefined : Number(maxPollTimeout),
  });
  const control = new HttpListener(controlRequestListener(fake));
  await fake.start(Number(flag('port') ?? 0));
  const controlPort = await control.listen(Number(flag('control-port') ?? 0));

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.all([fake.stop(), control.close()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (process.argv.includes('--exit-with-parent')) {
    process.stdin.on('end', shutdown).on('close', shutdown).resume();
  }
  process.stdout.write(`${JSON.stringify({ port: fake.port, controlPort, url: fake.url, controlUrl: control.url })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`fake Bot API failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
