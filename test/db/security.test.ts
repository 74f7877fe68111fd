/**
 * Database security invariants, checked on the migrated schema of both databases:
 *   - every SECURITY DEFINER function in public pins its search_path (pg_proc.proconfig);
 *   - row-level security is on for every lh_ table;
 *   - EXECUTE on every lh_ function is revoked from PUBLIC (pg_proc.proacl).
 * Each checker is first shown to catch a violation planted in a scratch copy, so a passing run means
 * something. Then a Supabase-like database: roles anon/authenticated and Supabase's default privileges
 * (everything in public granted to them) created BEFORE the migrations — the migrations must still leave
 * them unable to read a table or call a function. Roles are per database in PGlite but cluster-wide in
 * PostgreSQL, so that part runs on PGlite, and on PostgreSQL only on the separate test cluster of
 * scripts/install-pg-cron.sh (LH_TEST_CRON_URL), never on the shared server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import postgres from 'postgres';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { sqlState } from '../../src/db/port.ts';
import { dbTargets, pgliteTarget } from '../support/databases.ts';

/** SECURITY DEFINER functions of schema public (not an extension's) without a search_path setting. */
async function definersWithoutSearchPath(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ fn: string }>(`
    select p.oid::regprocedure::text as fn
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.prosecdef
      and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
      and not exists (select 1 from unnest(coalesce(p.proconfig, '{}'::text[])) c where c like 'search\\_path=%')
    order by 1`);
  return rows.map((r) => r.fn);
}

async function lhTablesWithoutRls(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ t: string }>(`
    select c.relname::text as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname like 'lh\\_%' and not c.relrowsecurity
    order by 1`);
  return rows.map((r) => r.t);
}

/** lh_ functions PUBLIC may execute: a null ACL means the default, which grants EXECUTE to PUBLIC. */
async function lhFunctionsExecutableByPublic(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ fn: string }>(`
    select p.oid::regprocedure::text as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname like 'lh\\_%'
      and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))
    order by 1`);
  return rows.map((r) => r.fn);
}

async function lhTableNames(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ t: string }>(`select c.relname::text as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname like 'lh\\_%' order by 1`);
  return rows.map((r) => r.t);
}

for (const target of await dbTargets()) {
  describe(`security invariants on ${target.name}`, () => {
    it('hold on the migrated schema', async () => {
      const db = await target.fresh();
      try {
        assert.ok((await lhTableNames(db)).length >= 12, 'the lh_ tables are there to check');
        assert.deepEqual(await definersWithoutSearchPath(db), []);
        assert.deepEqual(await lhTablesWithoutRls(db), []);
        assert.deepEqual(await lhFunctionsExecutableByPublic(db), []);
      } finally {
        await db.close();
      }
    });

    it('each checker catches a planted violation', async () => {
      const db = await target.fresh();
      try {
        await db.script(`
          create function public.lh_bad_definer() returns int language sql security definer as 'select 1';
          create function public.lh_good_definer() returns int language sql security definer set search_path = '' as 'select 1';
          revoke all on function public.lh_good_definer() from public;
          create table public.lh_no_rls (id int);`);
        assert.deepEqual(await definersWithoutSearchPath(db), ['lh_bad_definer()']);
        assert.deepEqual(await lhTablesWithoutRls(db), ['lh_no_rls']);
        assert.deepEqual(await lhFunctionsExecutableByPublic(db), ['lh_bad_definer()']);
      } finally {
        await db.close();
      }
    });

    it('RLS hides every row from a role that was granted SELECT by mistake', async () => {
      const db = await target.fresh();
      const role = `lh_sec_reader_${process.pid}_${target.name}`;
      try {
        await db.query("insert into lh_lead_status (source, status) values ('zillow', 'new')");
        await db.script(`create role ${role} nologin; grant usage on schema public to ${role}; grant select on public.lh_lead_status to ${role};`);
        const seen = await db.transaction(async (tx) => {
          await tx.query(`set local role ${role}`);
          return tx.query<{ n: number }>('select count(*)::int as n from public.lh_lead_status');
        });
        assert.deepEqual(seen, [{ n: 0 }]);
        const [owner] = await db.query<{ n: number }>('select count(*)::int as n from public.lh_lead_status');
        assert.equal(owner!.n, 1);
      } finally {
        await db.script(`drop owned by ${role}; drop role if exists ${role};`).catch(() => undefined);
        await db.close();
      }
    });
  });
}

// ---------------------------------------------------------------- Supabase-like roles and default privileges
const SUPABASE_ROLES = `
  create role anon nologin; create role authenticated nologin; create role service_role nologin bypassrls;
  grant usage on schema public to anon, authenticated, service_role;
  alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
  alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
  alter default privileges in schema public grant execute on functions to anon, authenticated, service_role;`;

async function checkSupabaseLike(db: Database): Promise<void> {
  await db.script(SUPABASE_ROLES);
  await migrate(db, loadMigrations());
  await db.query("insert into lh_lead_status (source, status) values ('zillow', 'new')");
  const tables = await lhTableNames(db);
  for (const role of ['anon', 'authenticated']) {
    const t = await db.query<{ t: string }>(`select t from unnest($1::text[]) t
      where has_table_privilege($2, 'public.' || t, 'select') or has_table_privilege($2, 'public.' || t, 'insert')`, [tables, role]);
    assert.deepEqual(t, [], `${role} keeps no table privilege`);
    const seqs = await db.query<{ s: string }>(`select c.relname::text as s from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'S' and c.relname like 'lh\\_%' and (case when c.relkind = 'S' then has_sequence_privilege($1, c.oid, 'usage') else false end)`, [role]);
    assert.deepEqual(seqs, [], `${role} keeps no sequence privilege`);
    const fns = await db.query<{ fn: string }>(`select p.oid::regprocedure::text as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and p.proname like 'lh\\_%' and has_function_privilege($1, p.oid, 'execute')`, [role]);
    assert.deepEqual(fns, [], `${role} can execute no lh_ function`);
    await assert.rejects(db.transaction(async (tx) => {
      await tx.query(`set local role ${role}`);
      await tx.query('select * from public.lh_lead_status');
    }), (e: unknown) => sqlState(e) === '42501');
    await assert.rejects(db.transaction(async (tx) => {
      await tx.query(`set local role ${role}`);
      await tx.query("select public.lh_update_daily_metrics('2026-01-20')");
    }), (e: unknown) => sqlState(e) === '42501');
  }
  const [sr] = await db.transaction(async (tx) => {
    await tx.query('set local role service_role');
    return tx.query<{ n: number }>('select count(*)::int as n from public.lh_lead_status');
  });
  assert.equal(sr!.n, 1, 'service_role (bypassrls, default grants) still reads');
}

describe('Supabase-like roles on PGlite', () => {
  it('anon and authenticated can neither read a table nor call a function, whatever the default privileges', async () => {
    const db = await pgliteTarget.empty();
    try {
      await checkSupabaseLike(db);
    } finally {
      await db.close();
    }
  });
});

const CRON_URL = process.env['LH_TEST_CRON_URL'] ?? 'postgres://postgres@127.0.0.1:5433/lh_cron_test';
async function separateClusterUrl(): Promise<string | undefined> {
  if (process.env['LH_TEST_CRON'] === '0') return undefined;
  const sql = postgres(CRON_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [r] = await sql`select count(*)::int as n from pg_roles where rolname in ('anon', 'authenticated', 'service_role')`;
    if (r?.['n'] !== 0) return undefined; // roles exist already (a real Supabase?): do not touch them
    const name = `lh_sec_${process.pid}`;
    await sql.unsafe(`create database ${name}`);
    const u = new URL(CRON_URL);
    u.pathname = `/${name}`;
    return u.toString();
  } catch {
    return undefined;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const clusterUrl = await separateClusterUrl();
describe('Supabase-like roles on PostgreSQL (separate test cluster)', { skip: clusterUrl ? false : `no separate test cluster at ${CRON_URL}` }, () => {
  it('anon and authenticated can neither read a table nor call a function, whatever the default privileges', async () => {
    const db = connectPostgres(clusterUrl!, { max: 2 });
    const admin = postgres(CRON_URL, { max: 1, onnotice: () => {} });
    try {
      await checkSupabaseLike(db);
    } finally {
      await db.close();
      const dbName = new URL(clusterUrl!).pathname.slice(1);
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      for (const role of ['anon', 'authenticated', 'service_role']) {
        await admin.unsafe(`drop role if exists ${role}`).catch(() => undefined);
      }
      await admin.end({ timeout: 1 });
    }
  });
});
