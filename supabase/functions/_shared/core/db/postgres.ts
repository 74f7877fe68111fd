// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * PostgreSQL adapter over postgres.js (runs unchanged under Node and Deno).
 * `prepare: false` keeps it usable through Supabase's transaction pooler (port 6543).
 *
 * `fetch_types: false`, with the array types of PostgreSQL's built-in scalar types installed here instead:
 * postgres.js would otherwise run its own catalog query as the first statement of every new connection and
 * drop that query's promise (postgres.js issues #1192, #1205, #1223, open in 3.4.9), so a statement timeout
 * or a connection terminated at that moment surfaced as an unhandled rejection, with a stack trace, that no
 * caller could catch, and the process died. Built-in type OIDs are fixed in PostgreSQL's catalog.
 */
import postgres from 'postgres';
import type { Database, Queryable, Row } from './port.ts';
import { explainDatabaseFault } from './faults.ts';

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

export interface PostgresOptions {
  /** Pool size; edge functions use 1. */
  max?: number;
  /** Suppress server NOTICE messages (migrations emit some). */
  quiet?: boolean;
}

/** The driver's errors, explained in one line (see faults.ts); other errors pass through unchanged. */
export const explainConnectionLoss = explainDatabaseFault;

// ---------------------------------------------------------------- arrays of built-in types
type Parse = (x: string) => unknown;
type Serialize = (x: unknown) => string;
const asString: Parse = (x) => x;
const asNumber: Parse = (x) => Number(x);
const toText: Serialize = (x) => String(x);
const toJson: Serialize = (x) => JSON.stringify(x);
const toTimestamp: Serialize = (x) => (x instanceof Date ? x.toISOString() : String(x));

/** [element oid, array oid, element parser, element serializer], from PostgreSQL's pg_type catalog. */
const BUILTIN_ARRAYS: ReadonlyArray<readonly [number, number, Parse, Serialize]> = [
  [16, 1000, (x) => x === 't', (x) => (x === true ? 't' : x === false ? 'f' : String(x))], // bool
  [18, 1002, asString, toText], [19, 1003, asString, toText], // char, name
  [20, 1016, asNumber, toText], [21, 1005, asNumber, toText], [23, 1007, asNumber, toText], // int8 (as number, like int8), int2, int4
  [24, 1008, asString, toText], [25, 1009, asString, toText], [26, 1028, asNumber, toText], // regproc, text, oid
  [114, 199, (x) => JSON.parse(x), toJson], [3802, 3807, (x) => JSON.parse(x), toJson], // json, jsonb
  [650, 651, asString, toText], [869, 1041, asString, toText], // cidr, inet
  [700, 1021, asNumber, toText], [701, 1022, asNumber, toText], [1700, 1231, asNumber, toText], // float4, float8, numeric
  [1042, 1014, asString, toText], [1043, 1015, asString, toText], // bpchar, varchar
  [1082, 1182, asString, toText], [1083, 1183, asString, toText], [1266, 1270, asString, toText], // date (as text), time, timetz
  [1114, 1115, (x) => new Date(x), toTimestamp], [1184, 1185, (x) => new Date(x), toTimestamp], // timestamp, timestamptz
  [1186, 1187, asString, toText], [2950, 2951, asString, toText], // interval, uuid
  [2202, 2207, asString, toText], [2205, 2210, asString, toText], [2206, 2211, asString, toText], // regprocedure, regclass, regtype
];

/** Parses PostgreSQL's text form of an array ('{a,"b c",NULL}', nested, with an optional '[l:u]=' prefix). */
export function parsePgArray(text: string, element: Parse): unknown[] {
  let i = 0;
  if (text[0] === '[') { // explicit bounds, e.g. [0:1]={...}
    const eq = text.indexOf('=');
    i = eq < 0 ? text.length : eq + 1;
  }
  const parseLevel = (): unknown[] => {
    const out: unknown[] = [];
    i++; // '{'
    if (text[i] === '}') { i++; return out; }
    for (;;) {
      if (text[i] === '{') {
        out.push(parseLevel());
      } else if (text[i] === '"') {
        let s = '';
        for (i++; i < text.length && text[i] !== '"'; i++) s += text[i] === '\\' ? text[++i] : text[i];
        i++; // closing quote
        out.push(element(s));
      } else {
        let s = '';
        for (; i < text.length && text[i] !== ',' && text[i] !== '}'; i++) s += text[i] === '\\' ? text[++i] : text[i];
        out.push(s.toUpperCase() === 'NULL' ? null : element(s));
      }
      if (text[i] === ',') { i++; continue; }
      i++; // '}'
      return out;
    }
  };
  if (text[i] !== '{') throw new Error(`not an array literal: ${text.slice(0, 40)}`);
  return parseLevel();
}

/** The text form of a (nested) JS array for PostgreSQL; a string is passed through as a literal. */
export function serializePgArray(value: unknown, element: Serialize): string {
  if (!Array.isArray(value)) return String(value);
  return '{' + value.map((x) => {
    if (x === null || x === undefined) return 'NULL';
    if (Array.isArray(x)) return serializePgArray(x, element);
    return '"' + element(x).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  }).join(',') + '}';
}

function builtinArrayTypes(): Record<string, postgres.PostgresType> {
  const types: Record<string, postgres.PostgresType> = {};
  for (const [elem, oid, parse, serialize] of BUILTIN_ARRAYS) {
    types[`array_${elem}`] = { to: oid, from: [oid], parse: (x: string) => parsePgArray(x, parse),
      serialize: (x: unknown) => serializePgArray(x, serialize) };
  }
  return types;
}

export function connectPostgres(url: string, options: PostgresOptions = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 4,
    prepare: false,
    fetch_types: false, // see the module comment: the array types are installed below
    onnotice: options.quiet === false ? undefined : () => {},
    connection: { application_name: 'lead-hunter-brain' },
    types: {
      ...builtinArrayTypes(),
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
