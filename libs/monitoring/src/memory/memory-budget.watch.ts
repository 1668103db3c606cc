// Checks resident memory against the profile's memory.budgetMb every few seconds (and once at start): exported as
// gauges for Prometheus, summarized in /api/metrics, and logged once per crossing. A switched profile's budget
// applies from the next check.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ProfileService } from '@tradepulse/config';
import { gauge } from '@tradepulse/platform';
import { MemoryBudget } from './memory-budget';

const CHECK_INTERVAL_MS = 10_000;

const budgetBytes = gauge({ name: 'tradepulse_memory_budget_bytes', help: "The profile's memory budget (memory.budgetMb)" });
const overBudget = gauge({ name: 'tradepulse_memory_over_budget', help: '1 while resident memory exceeds the memory budget, else 0' });

@Injectable()
export class MemoryBudgetWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MemoryBudget');
  private readonly budget = new MemoryBudget();
  private timer?: NodeJS.Timeout;

  constructor(private readonly profiles: ProfileService) {}

  onApplicationBootstrap(): void {
    this.check();
    this.timer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  get budgetMb(): number {
    return this.profiles.section('memory').budgetMb;
  }

  get isOver(): boolean {
    return this.budget.isOver;
  }

  private check(): void {
    const budgetMb = this.budgetMb;
    const rss = process.memoryUsage.rss();
    const crossing = this.budget.observe(rss, budgetMb);
    budgetBytes.set(budgetMb * 1024 * 1024);
    overBudget.set(this.budget.isOver ? 1 : 0);
    const rssMb = Math.round(rss / 1048576);
    if (crossing === 'over') this.logger.warn(`resident memory ${rssMb} MB is over the profile's budget of ${budgetMb} MB (memory.budgetMb)`);
    if (crossing === 'back-under') this.logger.log(`resident memory ${rssMb} MB is back within the budget of ${budgetMb} MB`);
  }
}
