// Keys no other process, nor an earlier run of this one, ever makes: a random token drawn once per process plus a
// counter. Nothing is drawn per key (randomBytes per key was 2% of the CPU of POST /alerts, in cache tag versions).
import { randomBytes } from 'node:crypto';

const PROCESS_TOKEN = randomBytes(6).toString('base64url');
let made = 0;

export function uniqueKey(): string {
  return `${PROCESS_TOKEN}.${(++made).toString(36)}`;
}
