// This plugin's migrations in order; the classes (./migrations) load only when one is pending.
import { lazyMigrations } from '@tradepulse/platform';

export const notificationMigrations = lazyMigrations(() => require('./migrations') as typeof import('./migrations'), [
  'Migration20261124000400Notifications',
  'Migration20261124000410UndispatchedQueue',
  'Migration20261124000710NotificationsWithoutUserKey',
  'Migration20261124000800DeliveryDedupeKey',
  'Migration20261124001000WebhookUrlPerUser',
]);
