import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Tradepulse-Signature';
export const DELIVERY_HEADER = 'X-Tradepulse-Delivery';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the endpoint's secret>` */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
