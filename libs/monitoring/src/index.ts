export * from './monitoring.module';
export * from './profile/migration-list';
export * from './profile/stored-profile';
