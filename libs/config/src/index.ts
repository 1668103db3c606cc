export * from './app-config';
export * from './config-error';
export * from './env.schema';
export * from './env-loader';
export * from './profile-loader';
export * from './profile.schema';
export * from './profile.service';
export * from './config.module';
