import fc from 'fast-check';
import { splitMessage, TELEGRAM_TEXT_LIMIT } from './split-message';
import { escapeHtml, openTagsAt, scanMarkup } from './telegram-html';

/** Words of 1–9 letters separated by spaces, with a newline every `lineWords` words. */
function prose(length: number, lineWords = 12): string {
  let text = '';
  for (let word = 0; text.length < length; word += 1) {
    text += 'abcdefghi'.slice(0, 1 + (word % 9)) + (word % lineWords === lineWords - 1 ? '\n' : ' ');
  }
  return text.slice(0, length);
}

/** Joins parts the way the splitter cut them: each cut dropped one newline or space, or nothing. */
function rejoins(parts: string[], input: string): boolean {
  let rebuilt = parts[0];
  for (const part of parts.slice(1)) {
    const next = input.slice(rebuilt.length, rebuilt.length + 1);
    rebuilt += (next === '\n' || next === ' ' ? next : '') + part;
  }
  return rebuilt === input;
}

function isBalanced(html: string): boolean {
  const tokens = scanMarkup(html);
  const opened = tokens.filter((t) => t.kind === 'tag' && !t.closing).length;
  const closed = tokens.filter((t) => t.kind === 'tag' && t.closing).length;
  return opened === closed && openTagsAt(tokens, html.length).length === 0;
}

describe('splitMessage', () => {
  it('keeps a message within the limit whole', () => {
    expect(splitMessage('<b>BTC</b> crossed 70&nbsp;000')).toEqual(['<b>BTC</b> crossed 70&nbsp;000']);
  });

  it('splits 5,000 characters of text into two parts of at most 4,096 that rejoin to the input', () => {
    const input = prose(5000);
    const parts = splitMessage(input);

    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(parts.join('').length).toBe(input.length - 1);
    expect(rejoins(parts, input)).toBe(true);
  });

  it('prefers the last newline, then the last space, and drops the separator', () => {
    expect(splitMessage('aaaa bbbb\ncccc dddd', 16)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitMessage('aaaa bbbb cccc dddd', 16)).toEqual(['aaaa bbbb cccc', 'dddd']);
  });

  it('ignores a newline that would leave a part under half the limit', () => {
    expect(splitMessage('aa\nbbbb cccc dddd eeee', 16)).toEqual(['aa\nbbbb cccc', 'dddd eeee']);
  });

  it('cuts text without any whitespace hard at the limit', () => {
    const input = 'x'.repeat(5000);
    expect(splitMessage(input).map((part) => part.length)).toEqual([4096, 904]);
    expect(splitMessage(input).join('')).toBe(input);
  });

  it('never cuts inside an entity', () => {
    const input = `${'a'.repeat(4094)}&amp;${'b'.repeat(100)}`;
    const [first, second] = splitMessage(input);
    expect(first).toBe('a'.repeat(4094));
    expect(second.startsWith('&amp;')).toBe(true);
  });

  it('never cuts inside a tag, not even at the space between its attributes', () => {
    const input = `${'a'.repeat(10)} <a href="https://x.io/a b">link</a>`;
    const parts = splitMessage(input, 40);
    expect(parts[0]).toBe('a'.repeat(10));
    expect(parts.every(isBalanced)).toBe(true);
  });

  it('closes elements open at a cut and reopens them, attributes included, in the next part', () => {
    const parts = splitMessage(`<b>bold <a href="https://tp.io">${'word '.repeat(8)}</a></b>`, 40);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(40);
      expect(isBalanced(part)).toBe(true);
    }
    expect(parts[1].startsWith('<b><a href="https://tp.io">')).toBe(true);
  });

  it('never separates the two halves of an emoji', () => {
    const parts = splitMessage('😀'.repeat(3000));
    expect(parts.map((part) => part.length)).toEqual([4096, 1904]);
    expect(parts.join('')).toBe('😀'.repeat(3000));
  });

  it('keeps every part within the limit, parseable, and the text intact, for any markup', () => {
    const token = fc.oneof(
      fc.constantFrom('alpha', 'BTC', '70 000', '&amp;', '&lt;', '&#128512;', '😀', ' ', '\n'),
      fc.string({ maxLength: 12 }).map(escapeHtml),
    );
    const element: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { maxDepth: 2, depthIdentifier: 'markup', withCrossShrink: true },
        token,
        fc.tuple(fc.constantFrom('<b>|</b>', '<i>|</i>', '<a href="https://tp.io/x y">|</a>', '<pre><code class="language-ts">|</code></pre>'),
          fc.array(tie('node'), { minLength: 1, maxLength: 6 }))
          .map(([wrap, children]) => wrap.replace('|', () => children.join(''))),
      ),
    })).node;
    const visibleText = (html: string): string => html.replace(/<[^>]+>/g, '').replace(/\s/g, '');

    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 30 }), fc.integer({ min: 200, max: 400 }), (nodes, limit) => {
        const input = nodes.join('');
        const parts = splitMessage(input, limit);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(limit);
          expect(isBalanced(part)).toBe(true);
          expect(part).not.toMatch(/&[#a-z0-9]*$/i);
        }
        expect(parts.map(visibleText).join('')).toBe(visibleText(input));
      }),
    );
  });
});

describe('escapeHtml', () => {
  it('escapes the four characters Telegram HTML reserves', () => {
    expect(escapeHtml('<script> & "x" > y')).toBe('&lt;script&gt; &amp; &quot;x&quot; &gt; y');
  });
});
