import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { ProfileService } from './profile.service';

/** Provides the start-up AppConfig and the live ProfileService to every plugin. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, profiles: ProfileService): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: ProfileService, useValue: profiles },
      ],
      exports: [AppConfig, ProfileService],
    };
  }
}
