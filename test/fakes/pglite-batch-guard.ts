// Keeps each connection's extended-protocol batch together on a PGlite shared by several connections.
// pglite-socket (0.2.17) queues the protocol messages of all connections one by one and keeps a connection's
// messages together only while PGlite is in a transaction (electric-sql/pglite#1046). A parameterized query is
// Parse, Bind, Describe, Execute and Sync, outside any transaction between them: two connections' batches
// interleave, one Bind runs against the other's unnamed statement, and each client gets the other's rows. Two
// server processes sharing a standalone PGlite in the e2e suites do exactly that.
//
// The guard reports "in a transaction" from a batch's first message until its Sync, which is what the queue reads
// to keep serving the same connection. The server itself avoids the problem with one connection (DatabaseModule).
import type { PGlite } from '@electric-sql/pglite';

/** Messages that end a batch: Sync, a simple Query, Terminate. */
const BATCH_ENDS = new Set(['S', 'Q', 'X'].map((letter) => letter.charCodeAt(0)));
/** Extended-protocol messages that leave a batch open until its Sync: Parse, Bind, Describe, Execute, Close, Flush. */
const BATCH_PARTS = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((letter) => letter.charCodeAt(0)));

export function guardExtendedBatches(db: PGlite): PGlite {
  let openBatch = false;
  return new Proxy(db, {
    get(target, property) {
      if (property === 'isInTransaction') return () => openBatch || target.isInTransaction();
      if (property === 'execProtocolRawStream') {
        return (message: Uint8Array, options: unknown) => {
          const type = message[0];
          if (BATCH_PARTS.has(type)) openBatch = true;
          else if (BATCH_ENDS.has(type)) openBatch = false;
          return (target.execProtocolRawStream as (m: Uint8Array, o: unknown) => Promise<unknown>)(message, options);
        };
      }
      // the queue rolls back what a disconnected connection left open: its batch ends with it
      if (property === 'exec') {
        return (query: string, options?: unknown) => {
          openBatch = false;
          return target.exec(query, options as never);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
