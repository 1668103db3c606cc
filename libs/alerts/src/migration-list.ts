// This plugin's migrations in order; the classes (./migrations) load only when one is pending.
import { lazyMigrations } from '@tradepulse/platform';

export const alertMigrations = lazyMigrations(() => require('./migrations') as typeof import('./migrations'), [
  'Migration20261124000300Alerts',
  'Migration20261124000600AlertTriggersOwnerFromAlert',
  'Migration20261124000720AlertTriggersCascadeByTrigger',
  'Migration20261124000900CreateAlertsFunction',
]);
