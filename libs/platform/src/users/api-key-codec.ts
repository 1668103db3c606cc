// Key format `tp_<keyId>_<secret>`: keyId 16 hex chars, secret 32 random bytes in base64url.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

const KEY_PATTERN = /^tp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function generateApiKey(): { keyId: string; secret: string; apiKey: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, apiKey: `tp_${keyId}_${secret}` };
}

export function parseApiKey(apiKey: string): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(apiKey);
  return match ? { keyId: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** The stored hash as bytes, parsed once per cached key rather than on every request. */
export function storedDigest(storedHash: string): Buffer {
  return Buffer.from(storedHash, 'hex');
}

export function secretMatches(secret: string, stored: Buffer): boolean {
  // one-shot hash: no Hash object per request (this runs on every authenticated request)
  const presented = hash('sha256', secret, 'buffer');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** ADMIN_API_KEY may be any string; it is stored under a fixed key id with the hash of the whole string. */
export const ENV_ADMIN_KEY_ID = 'env-admin';
