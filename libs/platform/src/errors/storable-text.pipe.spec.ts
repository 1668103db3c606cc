import { BadRequestException } from '@nestjs/common';
import { StorableTextPipe } from './storable-text.pipe';

describe('StorableTextPipe', () => {
  const pipe = new StorableTextPipe();

  it('refuses a NUL anywhere in a body, naming the field', () => {
    expect(() => pipe.transform({ url: 'http://x', headers: { names: ['ok', 'a\u0000b'] } }, { type: 'body' })).toThrow(
      new BadRequestException('headers.names[1]: must not contain NUL characters or unpaired surrogates'),
    );
  });

  it('refuses an unpaired surrogate in a query value and a NUL in a route parameter', () => {
    expect(() => pipe.transform('\ud800', { type: 'query', data: 'symbol' })).toThrow('symbol: must not contain');
    expect(() => pipe.transform({ symbol: 'BTC\u0000' }, { type: 'query' })).toThrow('symbol: must not contain');
    expect(() => pipe.transform('\u0000', { type: 'param', data: 'id' })).toThrow('id: must not contain');
  });

  it('lets storable text through unchanged, emoji and other paired surrogates included', () => {
    const body = { note: 'to the moon 🚀', nested: [{ text: 'ünïcödé' }], count: 3, none: null };
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
  });
});
