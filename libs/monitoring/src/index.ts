export * from './monitoring.module';
export * from './profile/migrations';
export * from './profile/stored-profile';
