import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import { isPublicAddress, TARGET_REFUSED, WebhookTargetPolicy } from './webhook-target';

const resolveTo = (addresses: Record<string, string[]>) => async (hostname: string) => {
  if (!addresses[hostname]) throw new Error('ENOTFOUND');
  return addresses[hostname];
};

describe('isPublicAddress', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1', '::127.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::', '2001:0:4136:e378:8000:63bf:3fff:fdd2'])(
    'refuses %s',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111'])('accepts %s', (address) => expect(isPublicAddress(address)).toBe(true));
});

describe('WebhookTargetPolicy', () => {
  const lookup = resolveTo({ 'hooks.example.com': ['93.184.216.34'], 'sneaky.example.com': ['93.184.216.34', '10.0.0.5'], localhost: ['127.0.0.1', '::1'] });

  it('accepts a public https target', async () => {
    expect(await new WebhookTargetPolicy([], lookup).refusal('https://hooks.example.com/in')).toBeUndefined();
  });

  it('refuses loopback, private and link-local targets, by literal or by name, naming the reason', async () => {
    const policy = new WebhookTargetPolicy([], lookup);
    for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]/x', 'http://169.254.169.254/latest', 'https://sneaky.example.com/']) {
      expect(await policy.refusal(url)).toMatch(/private, loopback and link-local/);
    }
  });

  it('refuses other schemes, bad URLs and names that do not resolve', async () => {
    const policy = new WebhookTargetPolicy([], lookup);
    expect(await policy.refusal('ftp://hooks.example.com/')).toMatch(/http and https/);
    expect(await policy.refusal('not a url')).toMatch(/valid URL/);
    expect(await policy.refusal('https://nowhere.invalid/')).toMatch(/does not resolve/);
  });

  it('lets the allowlist name a host, or a host and port', async () => {
    const policy = new WebhookTargetPolicy(['127.0.0.1:9000', 'localhost', '[::1]:8443'], lookup);
    expect(await policy.refusal('http://127.0.0.1:9000/hook')).toBeUndefined();
    expect(await policy.refusal('http://127.0.0.1:9001/hook')).toMatch(/refused/);
    expect(await policy.refusal('http://localhost:1234/hook')).toBeUndefined();
    expect(await policy.refusal('https://[::1]:8443/hook')).toBeUndefined();
    expect(await policy.refusal('https://[::1]/hook')).toMatch(/refused/);
  });
});

describe('WebhookTargetPolicy.connectLookup', () => {
  let server: Server;
  let port: number;
  let received: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      received++;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => (received = 0));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = async (policy: WebhookTargetPolicy, url: string) => {
    const connections = new Agent({ connect: { lookup: policy.connectLookup } });
    try {
      return await fetch(url, { method: 'POST', body: '{}', dispatcher: connections });
    } finally {
      await connections.close();
    }
  };

  it('refuses a name that passed the check and then resolves to loopback (DNS rebinding): nothing reaches the address', async () => {
    let lookups = 0;
    const rebinding = new WebhookTargetPolicy([], async () => (lookups++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']));
    const url = `http://rebind.example.com:${port}/hook`;
    expect(await rebinding.refusal(url)).toBeUndefined();
    const failure = await post(rebinding, url).catch((error: { cause?: NodeJS.ErrnoException }) => error.cause);
    expect(failure).toMatchObject({ code: TARGET_REFUSED, message: expect.stringMatching(/rebind\.example\.com is 127\.0\.0\.1/) });
    expect(received).toBe(0);
  });

  it('connects to the addresses it checked', async () => {
    const policy = new WebhookTargetPolicy([], async () => ['93.184.216.34']);
    const addresses = await new Promise((resolve, reject) =>
      policy.connectLookup('hooks.example.com', { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
    );
    expect(addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);
    const one = await new Promise((resolve, reject) =>
      policy.connectLookup('hooks.example.com', { family: 4 }, (error, address, family) => (error ? reject(error) : resolve({ address, family }))),
    );
    expect(one).toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('lets an allowlisted name connect wherever it resolves', async () => {
    const policy = new WebhookTargetPolicy(['localhost'], async () => ['127.0.0.1']);
    const response = await post(policy, `http://localhost:${port}/hook`);
    expect(response.status).toBe(200);
    expect(received).toBe(1);
  });
});
