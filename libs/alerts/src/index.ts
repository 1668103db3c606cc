export * from './alert.entity';
export * from './alert-engine';
export * from './alerts.module';
export * from './alerts.service';
export * from './dto/alert.dto';
export * from './migration-list';
