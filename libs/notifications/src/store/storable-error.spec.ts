import { storableError } from './deliveries.repository';

describe('storableError', () => {
  it('cuts at 500 characters without leaving half of a surrogate pair, and drops NUL', () => {
    const cut = storableError(`${'x'.repeat(499)}😀 and more`);
    expect(cut).toBe(`${'x'.repeat(499)}\ufffd`);
    expect(storableError('gateway\u0000 down')).toBe('gateway down');
    expect(storableError('pair 😀 kept')).toBe('pair 😀 kept');
    expect(storableError('lone \udc00 low')).toBe('lone \ufffd low');
  });
});
