export * from './candle-book';
export * from './market-data.module';
export * from './market-data.service';
export * from './migration-list';
export * from './price-book';
export * from './tick';
