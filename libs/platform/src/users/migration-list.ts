// This plugin's migrations in order; the classes (./migrations) load only when one is pending.
import { lazyMigrations } from '../database/lazy-migrations';

export const userMigrations = lazyMigrations(() => require('./migrations') as typeof import('./migrations'), [
  'Migration20261124000100Users',
  'Migration20261125000100UsernamesIgnoreCase',
]);
