/**
 * PostgreSQL adapter over postgres.js (runs unchanged under Node and Deno).
 * `prepare: false` keeps it usable through Supabase's transaction pooler (port 6543).
 */
import postgres from 'postgres';
import type { Database, Queryable, Row } from './port.ts';
import { DatabaseError, sqlState } from './port.ts';

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

export interface PostgresOptions {
  /** Pool size; edge functions use 1. */
  max?: number;
  /** Suppress server NOTICE messages (migrations emit some). */
  quiet?: boolean;
}

/** Driver codes (postgres.js) and SQLSTATEs (57P0x admin shutdown, 08xxx connection exception) of a lost session. */
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE',
  '57P01', '57P02', '57P03']);

/**
 * A session lost mid-statement (server restart, pg_terminate_backend, failover) surfaces from the driver
 * as e.g. "write CONNECTION_CLOSED host:port"; say what happened and what to do instead.
 */
export function explainConnectionLoss(err: unknown): unknown {
  const code = sqlState(err);
  if (code === undefined || !(CONNECTION_LOST.has(code) || code.startsWith('08'))) return err;
  return new DatabaseError(`lost the connection to PostgreSQL (${(err as Error).message}); the statement in flight was not ` +
    'confirmed, and every step of the jobs is idempotent: re-run the command', { cause: err, code });
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
      try {
        const rows = await runner.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
        return Array.from(rows) as unknown as T[];
      } catch (err) {
        throw explainConnectionLoss(err);
      }
    },
    async script(text: string): Promise<void> {
      try {
        await runner.unsafe(text); // no parameters: simple protocol, several statements allowed
      } catch (err) {
        throw explainConnectionLoss(err);
      }
    },
  });
  const root = wrap(sql);
  return {
    kind: 'postgres',
    query: root.query,
    script: root.script,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      try {
        return (await sql.begin((tx) => fn(wrap(tx)))) as T;
      } catch (err) {
        throw explainConnectionLoss(err);
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
