// Composes the plugins. Adding a feature means adding its module and its migrations here, once.
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfig, ConfigModule, ProfileService } from '@tradepulse/config';
import { AlertsModule } from '@tradepulse/alerts';
import { MarketDataModule } from '@tradepulse/market-data';
import { NotificationsModule } from '@tradepulse/notifications';
import { MonitoringModule } from '@tradepulse/monitoring';
import { DatabaseConnection, PlatformModule, RouteStats } from '@tradepulse/platform';
import { TelegramModule } from '@tradepulse/telegram';
import { LoggerModule } from 'nestjs-pino';

export interface AppModuleOptions {
  config: AppConfig;
  profiles: ProfileService;
  database: DatabaseConnection;
  routeStats: RouteStats;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    const plugins = options.profiles.bootValue('plugins');
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, options.profiles),
        LoggerModule.forRoot({
          // no per-request pino-http middleware (it cost ~14 % of a cached GET): the request log line, with the
          // request id, is written by the Fastify onResponse hook in libs/platform/src/http/request-timing.ts
          forRoutes: [],
          pinoHttp: { level: config.env.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] },
        }),
        ScheduleModule.forRoot(),
        PlatformModule.forRoot({ database: options.database, routeStats: options.routeStats }),
        MonitoringModule,
        TelegramModule.forRoot(config, plugins.telegram),
        MarketDataModule,
        ...(plugins.alerts ? [AlertsModule] : []),
        ...(plugins.notifications ? [NotificationsModule.forRoot({ webhookAllowlist: config.env.WEBHOOK_ALLOWLIST })] : []),
      ],
    };
  }
}
