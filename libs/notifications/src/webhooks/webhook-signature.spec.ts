import { createHmac } from 'node:crypto';
import { signBody } from './webhook-signature';

describe('signBody', () => {
  it('is the hex HMAC-SHA256 of the body with the secret, prefixed sha256=', () => {
    const body = JSON.stringify({ items: [{ id: '1', title: 'Ünïcode' }] });
    expect(signBody('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
    expect(signBody('s3cret', body)).not.toBe(signBody('other', body));
  });
});
