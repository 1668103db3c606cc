// Composes the plugins. Adding a feature means adding its module and its migrations here, once.
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
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
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.env.LOG_LEVEL,
            genReqId: (req) => (req as unknown as { id: string }).id,
            customProps: (req) => ({ requestId: (req as unknown as { id: string }).id }),
            // inside the middleware req.url is relative to the mount point; originalUrl is the full path
            autoLogging: { ignore: (req) => ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').startsWith('/health') },
            serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }), res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
          },
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
