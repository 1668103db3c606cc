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

/** A bigint[] parameter; the array must not be empty (MikroORM renders [] as nothing). */
export const BIGINT_ARRAY = 'array[?]::bigint[]';

/** Timestamps arrive as strings through MikroORM's raw connection. */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function optionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}
