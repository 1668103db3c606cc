// Telegram's HTML parse mode: escaping user text, and finding the tags and entities in markup.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Makes any text safe inside Telegram HTML, attribute values included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ESCAPES[char]);
}

export interface MarkupToken {
  kind: 'tag' | 'entity';
  /** index of '<' or '&' */
  start: number;
  /** index after '>' or ';' */
  end: number;
  /** tag name, lower case ('' for entities) */
  name: string;
  closing: boolean;
  raw: string;
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>/y;
const ENTITY = /&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/y;

/** Tags and entities that start before `until`, in order. Anything else is text. */
export function scanMarkup(html: string, until = html.length): MarkupToken[] {
  const tokens: MarkupToken[] = [];
  for (let i = 0; i < until && i < html.length; i += 1) {
    const char = html[i];
    if (char !== '<' && char !== '&') continue;
    const pattern = char === '<' ? TAG : ENTITY;
    pattern.lastIndex = i;
    const match = pattern.exec(html);
    if (!match) continue;
    const isTag = char === '<';
    tokens.push({
      kind: isTag ? 'tag' : 'entity',
      start: i,
      end: i + match[0].length,
      name: isTag ? match[2].toLowerCase() : '',
      closing: isTag && match[1] === '/',
      raw: match[0],
    });
    i += match[0].length - 1;
  }
  return tokens;
}

/** The opening tags still open at `position`, outermost first. */
export function openTagsAt(tokens: readonly MarkupToken[], position: number): MarkupToken[] {
  const open: MarkupToken[] = [];
  for (const token of tokens) {
    if (token.start >= position) break;
    if (token.kind !== 'tag') continue;
    if (!token.closing) open.push(token);
    else {
      const index = open.map((tag) => tag.name).lastIndexOf(token.name);
      if (index >= 0) open.splice(index);
    }
  }
  return open;
}
