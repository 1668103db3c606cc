import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HealthController } from './health/health.controller';
import { MemoryBudgetWatch } from './memory/memory-budget.watch';
import { RedisHealthCheck } from './health/redis-health.check';
import { ApiMetricsController } from './metrics/api-metrics.controller';
import { MetricsController } from './metrics/metrics.controller';
import { ProfileAdminController } from './profile/profile-admin.controller';
import { ProfileAdminService } from './profile/profile-admin.service';
import { ProfileFollower } from './profile/profile-follower';
import { ProfileSwitchesRepository } from './profile/profile-switches.repository';
import { ProfileSwitch } from './profile/profile-switch.entity';

/** Health, Prometheus metrics, the JSON metrics summary, the memory budget and run-time profile switching. */
@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true, config: { prefix: 'tradepulse_' } } }),
    MikroOrmModule.forFeature([ProfileSwitch]),
  ],
  controllers: [HealthController, ApiMetricsController, ProfileAdminController],
  providers: [RedisHealthCheck, ProfileSwitchesRepository, ProfileAdminService, ProfileFollower, MemoryBudgetWatch],
})
export class MonitoringModule {}
