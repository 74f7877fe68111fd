/**
 * Embedded PGlite adapter (PostgreSQL compiled to WASM; single connection, so concurrent calls queue).
 * Persisted in a directory, or in memory when `dataDir` is undefined.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, Row } from './port.ts';

const parsers = {
  20: (v: string) => Number(v), // int8
  1700: (v: string) => Number(v), // numeric
  1082: (v: string) => v, // date stays 'YYYY-MM-DD'
};

type Runner = Pick<PGlite, 'query' | 'exec'>;
/** The part of PGlite this adapter uses (a clone() is typed as the interface, not the class). */
export type PGliteLike = Runner & Pick<PGlite, 'transaction' | 'close' | 'closed'>;

export async function openPglite(dataDir?: string): Promise<Database> {
  const db = await PGlite.create(dataDir); // type parsers are passed per query (see wrap)
  return wrapPglite(db);
}

/** Wrap an existing PGlite (tests clone one migrated instance instead of migrating per test). */
export function wrapPglite(db: PGliteLike): Database {
  const root = wrap(db);
  return {
    kind: 'pglite',
    query: root.query,
    script: root.script,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

function wrap(runner: Runner): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      // parsers per query: a clone() of a PGlite does not inherit the options it was created with
      return (await runner.query<T>(text, params as unknown[], { parsers })).rows;
    },
    async script(text: string): Promise<void> {
      await runner.exec(text);
    },
  };
}
