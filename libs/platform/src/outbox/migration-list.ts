// This plugin's migrations in order; the classes (./migrations) load only when one is pending.
import { lazyMigrations } from '../database/lazy-migrations';

export const outboxMigrations = lazyMigrations(() => require('./migrations') as typeof import('./migrations'), [
  'Migration20261124000150Outbox',
  'Migration20261124000700OutboxDeleteRelayed',
  'Migration20261124000730OutboxOwnerFromProducer',
  'Migration20261124000740OutboxKeysUniqueWhenRelayed',
]);
