import { ThresholdBook, ThresholdSide } from './threshold-book';

function drain(side: ThresholdSide, price: number, strict = false): number[] {
  const out: number[] = [];
  side.takeReached(price, strict, out);
  return out;
}

describe('ThresholdSide', () => {
  it('takes rising entries at or below the price, nearest to the old price first', () => {
    const side = new ThresholdSide('rising');
    [105, 101, 110, 103].forEach((t, handle) => side.insert(t, handle));
    expect(drain(side, 104)).toEqual([1, 3]);
    expect(side.size).toBe(2);
    expect(side.peekThreshold()).toBe(105);
  });

  it('takes falling entries at or above the price', () => {
    const side = new ThresholdSide('falling');
    [95, 99, 90, 97].forEach((t, handle) => side.insert(t, handle));
    expect(drain(side, 97)).toEqual([1, 3]);
    expect(side.peekThreshold()).toBe(95);
  });

  it('leaves an entry exactly at the price when the query is strict', () => {
    const side = new ThresholdSide('rising');
    side.insert(100, 7);
    expect(drain(side, 100, true)).toEqual([]);
    expect(drain(side, 100)).toEqual([7]);
  });

  it('removes one handle among several at the same threshold', () => {
    const side = new ThresholdSide('falling');
    for (let h = 0; h < 5; h++) side.insert(50, h);
    expect(side.remove(50, 3)).toBe(true);
    expect(side.remove(50, 3)).toBe(false);
    expect(side.remove(51, 2)).toBe(false);
    expect(drain(side, 0).sort()).toEqual([0, 1, 2, 4]);
  });

  it('reports NaN and -1 when empty so reach loops stop without a size check', () => {
    const side = new ThresholdSide('rising');
    expect(side.peekThreshold()).toBeNaN();
    expect(side.pop()).toBe(-1);
  });

  it('grows and shrinks its arrays as entries come and go', () => {
    const side = new ThresholdSide('rising');
    for (let h = 0; h < 10_000; h++) side.insert((h * 7919) % 10_007, h);
    const grown = side.byteLength;
    expect(drain(side, 20_000)).toHaveLength(10_000);
    expect(side.byteLength).toBeLessThan(grown);
  });
});

describe('ThresholdBook', () => {
  it('keeps the rising and falling sides apart', () => {
    const book = new ThresholdBook();
    book.rising.insert(110, 1);
    book.falling.insert(90, 2);
    expect(book.size).toBe(2);
    expect(book.side('rising').peekThreshold()).toBe(110);
    expect(book.side('falling').peekThreshold()).toBe(90);
  });
});
