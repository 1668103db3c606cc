// Every plugin's migrations in the order they must run (names sort by timestamp).
import { MigrationObject } from '@mikro-orm/core';
import { alertMigrations } from '@tradepulse/alerts';
import { marketDataMigrations } from '@tradepulse/market-data';
import { profileMigrations } from '@tradepulse/monitoring';
import { outboxMigrations, userMigrations } from '@tradepulse/platform';

export const ALL_MIGRATIONS: MigrationObject[] = [...userMigrations, ...outboxMigrations, ...profileMigrations, ...marketDataMigrations, ...alertMigrations].sort((a, b) => a.name.localeCompare(b.name));
