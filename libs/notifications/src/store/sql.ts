// Raw SQL through MikroORM's connection. MikroORM inlines `?` parameters as escaped literals and expands an
// array into a comma list, so arrays are passed as `array[?]::type[]` and row sets as `?::jsonb` recordsets.
import type { EntityManager } from '@mikro-orm/postgresql';

export type Row = Record<string, unknown>;

export function query(em: EntityManager, sql: string, params: unknown[] = []): Promise<Row[]> {
  return em.getConnection().execute<Row[]>(sql, params, 'all');
}

export async function run(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  const result = await em.getConnection().execute<{ affectedRows: number }>(sql, params, 'run');
  return result.affectedRows;
}

/**
 * A FROM item that lets the statement's own transaction commit without waiting for its WAL to reach the disk
 * (`synchronous_commit` off for this transaction only). The commit is visible at once and survives a killed
 * client process; only a crash of the database server can lose it (the last few hundred ms of such commits).
 * For writes whose loss is repaired by design, i.e. send outcomes: the claim is then stale and is sent again
 * with the same dedupe key, as after a process killed between send and outcome. Never for a claim (it must be
 * on disk before its channel sends) nor for the relay (see NotificationsRepository.relayOutbox).
 */
export const COMMIT_WITHOUT_FLUSH = `(select set_config('synchronous_commit', 'off', true)) as commit_without_flush`;

/** A bigint[] parameter; the array must not be empty (MikroORM renders [] as nothing). */
export const BIGINT_ARRAY = 'array[?]::bigint[]';

/** Timestamps arrive as strings through MikroORM's raw connection. */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function optionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}
