// This plugin's migrations in order; the classes (./migrations) load only when one is pending.
import { lazyMigrations } from '@tradepulse/platform';

export const marketDataMigrations = lazyMigrations(() => require('./migrations') as typeof import('./migrations'), [
  'Migration20261124000250MarketPrices',
  'Migration20261125000100MarketCandles',
]);
