// Raw SQL with bound parameters ($1, $2 … on the wire) through MikroORM's knex pool, inside the EntityManager's
// transaction when it has one. MikroORM's connection.execute() instead inlines every parameter into the SQL text
// as a quoted literal: for a batch sent as one large JSON parameter, PostgreSQL must then scan a statement of
// hundreds of kilobytes (measured here: 1,000 outbox rows took 2–5× longer inlined than bound).
import type { EntityManager } from '@mikro-orm/postgresql';

/** Scalars only: knex would splice an array into a comma list; send batches as one JSON text instead. */
export type BoundValue = string | number | boolean | null;

/** `sql` uses `?` placeholders (no other `?` in it: knex reads `??` as an identifier). Returns the rows. */
export async function queryBound<T>(em: EntityManager, sql: string, params: readonly BoundValue[]): Promise<T[]> {
  const query = em.getConnection().getKnex().raw(sql, [...params]);
  const transaction = em.getTransactionContext();
  if (transaction) query.transacting(transaction);
  const result: { rows: T[] } = await query;
  return result.rows;
}
