// The profile's memory budget held against the process's resident memory: a pure state machine that says when
// the process crossed the budget (either way), so a crossing is reported once, not on every check.

export type BudgetCrossing = 'over' | 'back-under';

export class MemoryBudget {
  private over = false;

  /** The crossing this reading makes, if any. */
  observe(rssBytes: number, budgetMb: number): BudgetCrossing | undefined {
    const over = rssBytes > budgetMb * 1024 * 1024;
    if (over === this.over) return undefined;
    this.over = over;
    return over ? 'over' : 'back-under';
  }

  get isOver(): boolean {
    return this.over;
  }
}
