import { isPublicAddress, WebhookTargetPolicy } from './webhook-target';

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
