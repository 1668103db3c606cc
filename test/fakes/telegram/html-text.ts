// Checks text sent with parse_mode HTML the way the Bot API does, so a bad split or a missing
// escape fails in tests as it would in production. Stricter than Telegram on one point: a bare
// '&' that does not start an entity is rejected (Telegram's handling of it is undocumented).

const SUPPORTED_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler',
  'a', 'tg-emoji', 'code', 'pre', 'blockquote',
]);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const ENTITY = /^&(?:(lt|gt|amp|quot)|#(\d+)|#x([0-9a-fA-F]+));/;
const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?>/;

export type HtmlCheck = { ok: true; visibleText: string } | { ok: false; error: string };

export function checkHtml(text: string): HtmlCheck {
  const open: string[] = [];
  let visible = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '<') {
      const tag = TAG.exec(text.slice(i));
      if (!tag) return fail(`Unclosed start tag at byte offset ${i}`);
      const [whole, closing, rawName] = tag;
      const name = rawName.toLowerCase();
      if (!SUPPORTED_TAGS.has(name)) return fail(`Unsupported ${closing ? 'end' : 'start'} tag "${name}" at byte offset ${i}`);
      if (!closing) open.push(name);
      else if (open.pop() !== name) return fail(`Unexpected end tag at byte offset ${i}`);
      i += whole.length;
    } else if (char === '&') {
      const entity = ENTITY.exec(text.slice(i, i + 12));
      if (!entity) return fail(`Character '&' at byte offset ${i} does not start an entity`);
      const codePoint = entity[1] ? undefined : Number.parseInt(entity[2] ?? entity[3], entity[2] ? 10 : 16);
      if (codePoint !== undefined && codePoint > 0x10ffff) return fail(`Invalid entity at byte offset ${i}`);
      visible += codePoint === undefined ? NAMED_ENTITIES[entity[1]] : String.fromCodePoint(codePoint);
      i += entity[0].length;
    } else {
      visible += char;
      i += 1;
    }
  }
  if (open.length > 0) return fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]}"`);
  return { ok: true, visibleText: visible };
}

function fail(reason: string): HtmlCheck {
  return { ok: false, error: `Bad Request: can't parse entities: ${reason}` };
}
