import { PriceWindow } from './price-window';

describe('PriceWindow', () => {
  it('is empty (NaN) until a price is pushed', () => {
    const window = new PriceWindow(1000);
    expect(window.min()).toBeNaN();
    expect(window.max()).toBeNaN();
  });

  it('tracks min and max of the prices inside the span, inclusive of its edge', () => {
    const window = new PriceWindow(1000);
    window.push(0, 10);
    window.push(500, 7);
    window.push(900, 12);
    window.advanceTo(1000);
    expect([window.min(), window.max()]).toEqual([7, 12]);
    window.advanceTo(1501);
    expect([window.min(), window.max()]).toEqual([12, 12]);
    window.advanceTo(5000);
    expect(window.min()).toBeNaN();
  });

  it('matches a brute-force min/max over a long random series', () => {
    const window = new PriceWindow(50);
    const history: { at: number; price: number }[] = [];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let at = 0; at < 5000; at += Math.floor(random() * 5)) {
      window.advanceTo(at);
      const inside = history.filter((h) => h.at >= at - 50).map((h) => h.price);
      expect(window.min()).toBe(inside.length ? Math.min(...inside) : Number.NaN);
      expect(window.max()).toBe(inside.length ? Math.max(...inside) : Number.NaN);
      const price = Math.round(random() * 100);
      window.push(at, price);
      history.push({ at, price });
    }
  });
});
