// Every plugin's migrations in the order they must run (names sort by timestamp).
import { MigrationObject } from '@mikro-orm/core';
import { alertMigrations } from '@tradepulse/alerts';
import { marketDataMigrations } from '@tradepulse/market-data';
import { profileMigrations } from '@tradepulse/monitoring';
import { notificationMigrations } from '@tradepulse/notifications';
import { outboxMigrations, userMigrations } from '@tradepulse/platform';
import { telegramMigrations } from '@tradepulse/telegram';

export const ALL_MIGRATIONS: MigrationObject[] = [...userMigrations, ...outboxMigrations, ...profileMigrations, ...marketDataMigrations, ...alertMigrations, ...telegramMigrations, ...notificationMigrations].sort((a, b) => a.name.localeCompare(b.name));
