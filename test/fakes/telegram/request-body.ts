// Reads a Bot API request into one params object, whatever way the client sent it
// (query string, JSON, urlencoded or multipart, as the real Bot API accepts).
import type { IncomingMessage } from 'node:http';
import { boundaryOf, parseMultipart, type FormFile } from './multipart';

export interface ApiRequest {
  params: Record<string, unknown>;
  files: Record<string, FormFile>;
}

/** the real Bot API accepts uploads up to 50 MB */
const MAX_BODY_BYTES = 60 * 1024 * 1024;

/** Fields that arrive as strings in multipart or query strings but are JSON in the Bot API. */
const JSON_FIELDS = new Set([
  'reply_markup', 'allowed_updates', 'commands', 'entities', 'caption_entities',
  'link_preview_options', 'reply_parameters', 'scope',
]);
const NUMERIC_FIELDS = new Set(['chat_id', 'message_id', 'offset', 'limit', 'timeout', 'cache_time', 'max_connections']);
const BOOLEAN_FIELDS = new Set([
  'disable_notification', 'protect_content', 'drop_pending_updates', 'show_alert',
  'disable_content_type_detection', 'disable_web_page_preview',
]);

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request Entity Too Large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Throws on a malformed JSON body; the caller answers 400. */
export function parseApiRequest(req: IncomingMessage, url: URL, body: Buffer): ApiRequest {
  const raw: Record<string, unknown> = Object.fromEntries(url.searchParams);
  let files: Record<string, FormFile> = {};
  const contentType = req.headers['content-type'] ?? '';
  if (body.length > 0 && contentType.startsWith('application/json')) {
    Object.assign(raw, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(raw, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (contentType.startsWith('multipart/form-data')) {
    const form = parseMultipart(body, boundaryOf(contentType) ?? '');
    Object.assign(raw, form.fields);
    files = form.files;
  }
  return { params: normalize(raw), files };
}

function normalize(raw: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    params[key] = typeof value === 'string' ? fromString(key, value) : value;
  }
  return params;
}

function fromString(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (NUMERIC_FIELDS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
