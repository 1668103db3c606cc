// Runs the fake exchange as its own process. Prints one JSON line on stdout once listening: {"port":N}
// Flags: --port N (default 0 = a free port), --symbols BTC/USDT,ETH/USDT, --prices BTC/USDT=65000,ETH/USDT=3200,
// --exit-with-parent (exit when stdin closes, so a crashed test run leaves no orphan).
// Control it over HTTP on the same port: POST /__control/price {"symbol","price"}, POST /__control/fail
// {"status":500|429,"count"?}, POST /__control/recover, GET /__control/requests?path=/ticker/24hr.
import { FakeExchange } from './fake-exchange';

function flag(name: string): string | undefined {
  const args = process.argv;
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

function parsePrices(text: string | undefined): Record<string, number> {
  const prices: Record<string, number> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const [symbol, price] = pair.split('=');
    prices[symbol.trim()] = Number(price);
  }
  return prices;
}

async function main(): Promise<void> {
  const symbols = (flag('symbols') ?? 'BTC/USDT,ETH/USDT,SOL/USDT').split(',').map((s) => s.trim()).filter(Boolean);
  const fake = new FakeExchange({ symbols, prices: parsePrices(flag('prices')) });
  const port = await fake.start(Number(flag('port') ?? 0));

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (process.argv.includes('--exit-with-parent')) process.stdin.on('end', shutdown).on('close', shutdown).resume();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`fake exchange failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
