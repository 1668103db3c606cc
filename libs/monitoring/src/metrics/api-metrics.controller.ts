// GET /api/metrics: the JSON summary operators and the dashboard read.
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AppCache, Roles, RouteStats, RouteSummary } from '@tradepulse/platform';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MemoryBudgetWatch } from '../memory/memory-budget.watch';

export interface ApiMetrics {
  /** memoryBudgetMb is the profile's memory.budgetMb; overMemoryBudget says whether memoryMb exceeded it at the last check */
  system: { cpuPercent: number; memoryMb: number; memoryBudgetMb: number; overMemoryBudget: boolean; eventLoopLagMs: number };
  cache: ReturnType<AppCache['stats']>;
  routes: Record<string, RouteSummary>;
}

@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/metrics')
export class ApiMetricsController {
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  private lastCpu = process.cpuUsage();
  private lastCpuAt = process.hrtime.bigint();

  constructor(
    private readonly cache: AppCache,
    private readonly routes: RouteStats,
    private readonly memoryBudget: MemoryBudgetWatch,
  ) {
    this.loopDelay.enable();
  }

  @Get()
  metrics(): ApiMetrics {
    return {
      system: {
        cpuPercent: this.cpuPercent(),
        memoryMb: Math.round(process.memoryUsage.rss() / 1048576),
        memoryBudgetMb: this.memoryBudget.budgetMb,
        overMemoryBudget: this.memoryBudget.isOver,
        eventLoopLagMs: Math.round(this.loopDelay.mean / 1e4) / 100,
      },
      cache: this.cache.stats(),
      routes: this.routes.summary(),
    };
  }

  private cpuPercent(): number {
    const now = process.hrtime.bigint();
    const usage = process.cpuUsage(this.lastCpu);
    const elapsedUs = Number(now - this.lastCpuAt) / 1000;
    this.lastCpu = process.cpuUsage();
    this.lastCpuAt = now;
    return elapsedUs > 0 ? Math.round(((usage.user + usage.system) / elapsedUs) * 1000) / 10 : 0;
  }
}
