/**
 * The databases every integration test runs on: the embedded PGlite always, and real PostgreSQL when
 * DATABASE_URL is set or a server answers on 127.0.0.1:5432 (user postgres). Each call to `fresh()`
 * gives a new, migrated, empty database: PGlite clones one migrated template per test file; PostgreSQL
 * creates a database from a per-file migrated template and drops both when the file ends.
 *
 * LH_TEST_POSTGRES=0 turns PostgreSQL off; LH_REQUIRE_POSTGRES=1 (set by .ci/run) makes an unreachable
 * server a failure instead of a skip.
 */
import { after } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { wrapPglite } from '../../src/db/pglite.ts';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database } from '../../src/db/port.ts';

export interface DbTarget {
  readonly name: 'pglite' | 'postgres';
  /** A fresh migrated database; close it when done (closing a PostgreSQL one drops it). */
  fresh(): Promise<Database>;
  /** A new database with nothing in it (no migrations), for migration tests. */
  empty(): Promise<Database>;
}

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch((e) => console.error('cleanup failed:', e));
});

const runId = `${process.pid}_${Math.floor(performance.now() * 1000) % 1_000_000}`;
let counter = 0;

// ---------------------------------------------------------------- PGlite
let pgliteTemplate: Promise<PGlite> | undefined;
function pgliteTemplateDb(): Promise<PGlite> {
  pgliteTemplate ??= (async () => {
    const pg = await PGlite.create();
    await migrate(wrapPglite(pg), loadMigrations());
    cleanups.push(() => pg.close());
    return pg;
  })();
  return pgliteTemplate;
}

export const pgliteTarget: DbTarget = {
  name: 'pglite',
  async fresh() {
    const template = await pgliteTemplateDb();
    const clone = await template.clone();
    return wrapPglite(clone);
  },
  async empty() {
    return wrapPglite(await PGlite.create());
  },
};

// ---------------------------------------------------------------- PostgreSQL
export function postgresBaseUrl(): string | undefined {
  if (process.env['LH_TEST_POSTGRES'] === '0') return undefined;
  return process.env['DATABASE_URL'] || DEFAULT_PG;
}

function withDb(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

let pgAvailable: Promise<boolean> | undefined;
async function postgresAvailable(): Promise<boolean> {
  const base = postgresBaseUrl();
  if (!base) return false;
  pgAvailable ??= (async () => {
    const sql = postgres(base, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await sql`select 1`;
      return true;
    } catch (e) {
      if (process.env['LH_REQUIRE_POSTGRES'] === '1') throw new Error(`PostgreSQL required but unreachable at ${base}: ${(e as Error).message}`);
      return false;
    } finally {
      await sql.end({ timeout: 1 });
    }
  })();
  return pgAvailable;
}

let pgTemplate: Promise<string> | undefined;
async function postgresTemplate(): Promise<string> {
  const base = postgresBaseUrl()!;
  pgTemplate ??= (async () => {
    const name = `lhb_tpl_${runId}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const db = connectPostgres(withDb(base, name), { max: 1 });
    try {
      await migrate(db, loadMigrations());
    } finally {
      await db.close();
    }
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    });
    return name;
  })();
  return pgTemplate;
}

const urls = new WeakMap<Database, string>();

export const postgresTarget: DbTarget = {
  name: 'postgres',
  fresh: async () => createPostgres(await postgresTemplate()),
  empty: async () => createPostgres('template0'),
};

async function createPostgres(template: string): Promise<Database> {
    const base = postgresBaseUrl()!;
    const name = `lhb_t_${runId}_${++counter}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${name} template ${template}`);
    } finally {
      await admin.end({ timeout: 1 });
    }
    const url = withDb(base, name);
    const db = connectPostgres(url, { max: 4 });
    let closed = false;
    const dropIt = async () => {
      if (closed) return;
      closed = true;
      await db.close();
      const a = postgres(base, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 1 });
      }
    };
    cleanups.push(dropIt);
    const wrapped: Database = { kind: db.kind, query: db.query, script: db.script, transaction: db.transaction, close: dropIt };
    urls.set(wrapped, url);
    return wrapped;
}

/** The targets to run on in this process: PGlite always, PostgreSQL when it answers. */
export async function dbTargets(): Promise<DbTarget[]> {
  return (await postgresAvailable()) ? [pgliteTarget, postgresTarget] : [pgliteTarget];
}

/** URL of a fresh PostgreSQL database (for tests that spawn the CLI or deno against it). */
export function postgresUrlOf(db: Database): string | undefined {
  return urls.get(db);
}

/** Run `fn` on a fresh migrated database of `target`, always closing (and, on PostgreSQL, dropping) it. */
export async function withFreshDb(target: Pick<DbTarget, 'fresh'>, fn: (db: Database) => Promise<void>): Promise<void> {
  const db = await target.fresh();
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}
