// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * PostgreSQL adapter over postgres.js (runs unchanged under Node and Deno).
 * `prepare: false` keeps it usable through Supabase's transaction pooler (port 6543).
 */
import postgres from 'postgres';
import type { Database, Queryable, Row } from './port.ts';

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

export interface PostgresOptions {
  /** Pool size; edge functions use 1. */
  max?: number;
  /** Suppress server NOTICE messages (migrations emit some). */
  quiet?: boolean;
}

export function connectPostgres(url: string, options: PostgresOptions = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 4,
    prepare: false,
    onnotice: options.quiet === false ? undefined : () => {},
    connection: { application_name: 'lead-hunter-brain' },
    types: {
      int8: { to: OID.int8, from: [OID.int8], serialize: (v: unknown) => String(v), parse: (v: string) => Number(v) },
      numeric: { to: OID.numeric, from: [OID.numeric], serialize: (v: unknown) => String(v), parse: (v: string) => Number(v) },
      date: { to: OID.date, from: [OID.date], serialize: (v: unknown) => String(v), parse: (v: string) => v },
    },
  });
  const wrap = (runner: postgres.Sql | postgres.TransactionSql): Queryable => ({
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const rows = await runner.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return Array.from(rows) as unknown as T[];
    },
    async script(text: string): Promise<void> {
      await runner.unsafe(text); // no parameters: simple protocol, several statements allowed
    },
  });
  const root = wrap(sql);
  return {
    kind: 'postgres',
    query: root.query,
    script: root.script,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return (await sql.begin((tx) => fn(wrap(tx)))) as T;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
