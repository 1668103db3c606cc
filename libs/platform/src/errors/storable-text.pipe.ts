// Refuses text that PostgreSQL cannot store, in every body, query and route parameter, before anything else reads
// it: a NUL character or an unpaired UTF-16 surrogate. Without it, such a string reached the database and came
// back as a 500, or (where the driver lost the connection over it) as a 503 telling the client to retry a request
// that could never succeed.
import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** no NUL and no unpaired surrogate: PostgreSQL text and jsonb refuse both */
const STORABLE_TEXT = /^(?:[^\u0000\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
/** deeper than any DTO: a body nested past this is refused by validation anyway */
const MAX_DEPTH = 32;

@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const field = unstorableField(value, metadata.type === 'param' || metadata.type === 'query' ? (metadata.data ?? '') : '', 0);
    if (field !== undefined) throw new BadRequestException(`${field || metadata.type}: must not contain NUL characters or unpaired surrogates`);
    return value;
  }
}

/** The path of the first string (or object key) that PostgreSQL could not store, or undefined. */
export function unstorableField(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return STORABLE_TEXT.test(value) ? undefined : path;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableField(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (!STORABLE_TEXT.test(key)) return keyPath;
    const found = unstorableField(item, keyPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
