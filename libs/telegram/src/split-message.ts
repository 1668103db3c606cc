// Splits a Telegram HTML message into messages that each fit Telegram's size limit and parse.
import { openTagsAt, scanMarkup, type MarkupToken } from './telegram-html';

/** characters per sendMessage text */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Splits `html` into parts of at most `limit` characters. The limit counts raw markup, so parts are
 * conservative (Telegram counts the text after parsing).
 *
 * A part ends at the last newline of its window, else at the last space (either preferred in the
 * second half of the window, so parts are not needlessly short), else at the limit; never inside
 * a tag, an entity such as `&amp;`, or a surrogate pair. The newline or space at a cut is dropped.
 * Elements open at a cut are closed at the end of the part and reopened at the start of the next,
 * so every part parses on its own. Joining the parts therefore gives back the input minus one
 * whitespace character per cut, plus those closing and reopening tags (none for plain text).
 * Blank parts are left out: Telegram refuses empty messages.
 */
export function splitMessage(html: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = html;
  while (rest.length > limit) {
    const cut = cutFirstPart(rest, limit);
    parts.push(cut.part);
    rest = cut.rest;
  }
  parts.push(rest);
  const nonBlank = parts.filter((part) => part.replace(/<[^>]*>/g, '').trim() !== '');
  return nonBlank.length > 0 ? nonBlank : [html];
}

function cutFirstPart(text: string, limit: number): { part: string; rest: string } {
  const tokens = scanMarkup(text, limit + 1);
  let budget = limit;
  // shrinks the window until the part plus its closing tags fit, and the reopened rest is shorter
  while (budget > 0) {
    const { end, resume } = findCut(text, tokens, budget);
    const open = openTagsAt(tokens, end);
    const closers = open.map((tag) => `</${tag.name}>`).reverse().join('');
    const openers = open.map((tag) => tag.raw).join('');
    if (end + closers.length > limit) budget = limit - closers.length;
    else if (openers.length >= resume) budget = end - 1;
    else return { part: text.slice(0, end) + closers, rest: openers + text.slice(resume) };
  }
  throw new Error(`Cannot split this message: its markup nests too deep for ${limit}-character parts`);
}

/** `end`: where the part stops; `resume`: where the next part starts (after a dropped separator). */
function findCut(text: string, tokens: readonly MarkupToken[], budget: number): { end: number; resume: number } {
  const canCutAt = (position: number): boolean =>
    position > 0 && !splitsSurrogatePair(text, position) && !tokens.some((token) => token.start < position && position < token.end);
  const half = Math.max(Math.floor(budget / 2), 1);
  const preferences: Array<[separator: string, lowest: number]> = [['\n', half], [' ', half], ['\n', 1], [' ', 1]];
  for (const [separator, lowest] of preferences) {
    for (let at = text.lastIndexOf(separator, budget); at >= lowest; at = text.lastIndexOf(separator, at - 1)) {
      if (canCutAt(at)) return { end: at, resume: at + 1 };
    }
  }
  for (let at = budget; at > 0; at -= 1) {
    if (canCutAt(at)) return { end: at, resume: at };
  }
  throw new Error(`Cannot split this message: no place to cut within ${budget} characters`);
}

function splitsSurrogatePair(text: string, position: number): boolean {
  const before = text.charCodeAt(position - 1);
  const after = text.charCodeAt(position);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}
