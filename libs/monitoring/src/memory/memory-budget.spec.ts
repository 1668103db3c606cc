import { MemoryBudget } from './memory-budget';

const MB = 1024 * 1024;

describe('MemoryBudget', () => {
  it('reports crossing over the budget once, and coming back under once', () => {
    const budget = new MemoryBudget();
    expect(budget.observe(100 * MB, 256)).toBeUndefined();
    expect(budget.observe(300 * MB, 256)).toBe('over');
    expect(budget.isOver).toBe(true);
    expect(budget.observe(310 * MB, 256)).toBeUndefined();
    expect(budget.observe(200 * MB, 256)).toBe('back-under');
    expect(budget.isOver).toBe(false);
    expect(budget.observe(250 * MB, 256)).toBeUndefined();
  });

  it('judges each reading against the budget in effect then (a profile switch moves it)', () => {
    const budget = new MemoryBudget();
    expect(budget.observe(300 * MB, 256)).toBe('over');
    expect(budget.observe(300 * MB, 512)).toBe('back-under');
  });

  it('counts exactly the budget as within it', () => {
    expect(new MemoryBudget().observe(256 * MB, 256)).toBeUndefined();
  });
});
