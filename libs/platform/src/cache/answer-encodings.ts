// Compressed forms of a cached answer, made once per entry and encoding rather than on every hit. Same
// encodings and brotli quality as the compression plugin (http-setup.ts), which leaves a body that already
// has a Content-Encoding alone.
import { negotiate } from '@fastify/accept-negotiator';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export type AnswerEncoding = 'br' | 'gzip';

const SUPPORTED: Array<AnswerEncoding | 'identity'> = ['br', 'gzip', 'identity'];
export const BROTLI_QUALITY = 4;

/** The encoding this client prefers among ours, or undefined to send the body as is. */
export function preferredEncoding(acceptEncoding: string | undefined): AnswerEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const chosen = negotiate(acceptEncoding, SUPPORTED);
  return chosen === 'br' || chosen === 'gzip' ? chosen : undefined;
}

export function encode(text: string, encoding: AnswerEncoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(text, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }) : gzipSync(text);
}
