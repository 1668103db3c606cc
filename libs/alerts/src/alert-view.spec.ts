import { decimalText } from './alert-view';

describe('decimalText', () => {
  it('drops the trailing zeros of numeric(38, 18) and never answers in exponent form', () => {
    expect(decimalText('65000.000000000000000000')).toBe('65000');
    expect(decimalText('0.000000100000000000')).toBe('0.0000001');
    expect(decimalText('1e-7')).toBe('0.0000001');
    expect(decimalText('0.000000000000000001')).toBe('0.000000000000000001');
    expect(decimalText('99999999999999980000.5')).toBe('99999999999999980000.5');
    expect(decimalText(null)).toBeNull();
  });
});
