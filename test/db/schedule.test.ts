/**
 * The scheduling migration (20261125000900_schedule.sql).
 *
 * On PGlite and the plain PostgreSQL 15 of CI it must apply and skip cleanly. On a PostgreSQL with pg_cron
 * preloaded (scripts/install-pg-cron.sh: cluster on 5433, env LH_TEST_CRON_URL; LH_REQUIRE_CRON=1 makes an
 * unreachable one a failure) it creates the real pg_cron extension and schedules real cron.job rows.
 * pg_net and Supabase Vault are not packaged for Debian: that part stands in for exactly the two entry
 * points the schedule uses — net.http_post(url, body, params, headers, timeout_milliseconds) recording its
 * arguments, and a vault.decrypted_secrets view — and runs each cron.job command the way pg_cron does.
 * The requests recorded that way are then sent, as pg_net would, to the real edge functions under deno.
 * Not covered here: pg_net's own HTTP client and Vault's encryption (Supabase's own code).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import postgres from 'postgres';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database } from '../../src/db/port.ts';
import { sqlState } from '../../src/db/port.ts';
import { dbTargets } from '../support/databases.ts';
import { startFunction, type ServedFunction } from '../support/deno.ts';

type ScheduleResult = { status: 'scheduled' | 'skipped'; reason?: string; jobs?: Array<{ name: string; schedule: string }> };

async function schedule(db: Database): Promise<ScheduleResult> {
  const [row] = await db.query<{ r: ScheduleResult }>('select public.lh_schedule_jobs() as r');
  return row!.r;
}

for (const target of await dbTargets()) {
  describe(`schedule migration on ${target.name} (no pg_cron)`, () => {
    it('applies and lh_schedule_jobs reports a clean skip', async () => {
      const db = await target.fresh();
      try {
        assert.deepEqual(await schedule(db), { status: 'skipped', reason: 'pg_cron is not installed' });
        const [tick] = await db.query<{ r: ScheduleResult }>('select public.lh_schedule_action_tick() as r');
        assert.deepEqual(tick!.r, { status: 'skipped', reason: 'pg_cron is not installed' });
        assert.equal(await (async () => { const [r] = await db.query<{ n: number }>('select public.lh_unschedule_jobs() as n'); return r!.n; })(), 0);
      } finally {
        await db.close();
      }
    });

    it('lh_job_runs records a run once and keeps status and finished_at consistent', async () => {
      const db = await target.fresh();
      try {
        await db.query("insert into lh_job_runs (job, run_key) values ('daily', '2026-01-20')");
        await assert.rejects(db.query("insert into lh_job_runs (job, run_key) values ('daily', '2026-01-20')"),
          (e: unknown) => sqlState(e) === '23505');
        await assert.rejects(db.query("update lh_job_runs set status = 'succeeded' where job = 'daily'"),
          (e: unknown) => sqlState(e) === '23514'); // succeeded without finished_at
        await assert.rejects(db.query("insert into lh_job_runs (job, run_key) values ('weekly', '2026-01-20')"),
          (e: unknown) => sqlState(e) === '23514');
        await assert.rejects(db.query("insert into lh_job_runs (job, run_key) values ('daily', 'yesterday')"),
          (e: unknown) => sqlState(e) === '23514');
      } finally {
        await db.close();
      }
    });

    it('rejects an absurd timeout with a clear error', async () => {
      const db = await target.fresh();
      try {
        await assert.rejects(db.query("select public.lh_schedule_jobs('1 0 * * *', '0 3 * * 1', 10)"), /timeout must be between/);
      } finally {
        await db.close();
      }
    });
  });
}

// ---------------------------------------------------------------- real pg_cron
const CRON_URL = process.env['LH_TEST_CRON_URL'] ?? 'postgres://postgres@127.0.0.1:5433/lh_cron_test';

async function cronReachable(): Promise<boolean> {
  if (process.env['LH_TEST_CRON'] === '0') return false;
  const sql = postgres(CRON_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [r] = await sql`select current_setting('shared_preload_libraries') as libs`;
    return String(r?.['libs']).includes('pg_cron');
  } catch (e) {
    if (process.env['LH_REQUIRE_CRON'] === '1') throw new Error(`pg_cron server required but unreachable at ${CRON_URL}: ${(e as Error).message}`);
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const STAND_INS = `
create schema net;
create table net.lh_test_requests (id bigserial primary key, url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer);
create function net.http_post(url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer default 5000)
returns bigint language sql as $$
  insert into net.lh_test_requests (url, body, params, headers, timeout_milliseconds)
  values (url, body, params, headers, timeout_milliseconds) returning id
$$;`;
const VAULT = `
create schema vault;
create table vault.lh_test_secrets (name text primary key, secret text not null);
create view vault.decrypted_secrets as select name, secret as decrypted_secret from vault.lh_test_secrets;`;

async function resetCronDatabase(): Promise<Database> {
  // it drops schemas: only ever on a database named as a test one
  if (!/test/.test(new URL(CRON_URL).pathname)) throw new Error(`LH_TEST_CRON_URL must name a throw-away test database, got ${new URL(CRON_URL).pathname}`);
  const db = connectPostgres(CRON_URL, { max: 2 });
  await db.script(`select cron.unschedule(jobid) from cron.job where to_regclass('cron.job') is not null and jobname like 'lead-hunter-%'`)
    .catch(() => undefined); // cron schema absent on the first run: nothing to unschedule
  await db.script(`drop extension if exists pg_cron cascade; drop schema if exists net cascade;
    drop schema if exists vault cascade; drop schema if exists public cascade; create schema public;`);
  return db;
}

const cronAvailable = await cronReachable();
describe('schedule on PostgreSQL with pg_cron', { skip: cronAvailable ? false : `no pg_cron server at ${CRON_URL} (scripts/install-pg-cron.sh)` }, () => {
  it('creates pg_cron, skips without pg_net/Vault/secrets, then schedules both functions reading Vault at run time', async () => {
    const db = await resetCronDatabase();
    try {
      await migrate(db, loadMigrations());
      const [ext] = await db.query<{ v: string | null }>("select (select extversion from pg_extension where extname = 'pg_cron') as v");
      assert.ok(ext?.v, 'the migration created the pg_cron extension');
      // the skill-action tick needs pg_cron only: scheduled by its migration, every minute, a plain SQL call
      const tick = await db.query<{ schedule: string; command: string }>("select schedule, command from cron.job where jobname = 'lead-hunter-skill-actions'");
      assert.deepEqual(tick, [{ schedule: '* * * * *', command: 'select public.lh_generate_skill_actions()' }]);
      await db.script(tick[0]!.command); // what pg_cron runs every minute
      const [again] = await db.query<{ r: { status: string } }>("select public.lh_schedule_action_tick('*/2 * * * *') as r");
      assert.equal(again!.r.status, 'scheduled');
      assert.deepEqual((await db.query<{ schedule: string }>("select schedule from cron.job where jobname = 'lead-hunter-skill-actions'")).map((j) => j.schedule),
        ['*/2 * * * *'], 're-scheduling replaces the job');
      assert.deepEqual(await schedule(db), { status: 'skipped', reason: 'pg_net is not installed' });

      await db.script(STAND_INS);
      assert.deepEqual(await schedule(db), { status: 'skipped', reason: 'Vault (supabase_vault) is not installed' });
      await db.script(VAULT);
      assert.deepEqual(await schedule(db), { status: 'skipped', reason: 'Vault secret lh_project_url is missing' });
      await db.query("insert into vault.lh_test_secrets values ('lh_project_url', 'https://abc.supabase.co')");
      assert.deepEqual(await schedule(db), { status: 'skipped', reason: 'Vault secret lh_cron_secret is missing' });
      assert.equal((await db.query("select 1 from cron.job where jobname like 'lead-hunter-%' and jobname <> 'lead-hunter-skill-actions'")).length, 0);

      const secret = 'cron-secret-0123456789abcdef';
      await db.query("insert into vault.lh_test_secrets values ('lh_cron_secret', $1)", [secret]);
      const r = await schedule(db);
      assert.equal(r.status, 'scheduled');
      assert.equal((await schedule(db)).status, 'scheduled'); // re-run replaces, does not duplicate

      const jobs = await db.query<{ jobname: string; schedule: string; command: string; database: string }>(
        "select jobname, schedule, command, database from cron.job where jobname like 'lead-hunter-%' order by jobname");
      assert.deepEqual(jobs.map((j) => [j.jobname, j.schedule, j.database]), [
        ['lead-hunter-ab-analysis', '0 3 * * 1', 'lh_cron_test'],
        ['lead-hunter-daily-metrics', '1 0 * * *', 'lh_cron_test'],
        ['lead-hunter-skill-actions', '*/2 * * * *', 'lh_cron_test'],
      ]);
      for (const j of jobs) {
        assert.ok(!j.command.includes(secret) && !j.command.includes('abc.supabase.co'), 'no secret is stored in cron.job');
        await db.script(j.command); // what pg_cron runs
      }
      const calls = await db.query<{ url: string; body: unknown; headers: Record<string, string>; timeout_milliseconds: number }>(
        'select url, body, headers, timeout_milliseconds from net.lh_test_requests order by id');
      assert.deepEqual(calls.map((c) => c.url), [
        'https://abc.supabase.co/functions/v1/lead-hunter-ab-analysis',
        'https://abc.supabase.co/functions/v1/lead-hunter-daily-metrics',
      ]);
      for (const c of calls) {
        assert.deepEqual(c.body, {});
        assert.equal(c.headers['x-cron-secret'], secret);
        assert.equal(c.headers['Content-Type'], 'application/json');
        assert.equal(c.timeout_milliseconds, 300000);
      }

      // a rotated secret is picked up without re-scheduling
      await db.query("update vault.lh_test_secrets set secret = 'rotated-secret-0123456789' where name = 'lh_cron_secret'");
      await db.script(jobs[1]!.command);
      const [last] = await db.query<{ h: string }>("select headers->>'x-cron-secret' as h from net.lh_test_requests order by id desc limit 1");
      assert.equal(last!.h, 'rotated-secret-0123456789');

      const [un] = await db.query<{ n: number }>('select public.lh_unschedule_jobs() as n');
      assert.equal(un!.n, 3, 'both functions and the skill-action tick');
      assert.equal((await db.query("select 1 from cron.job where jobname like 'lead-hunter-%'")).length, 0);
    } finally {
      await db.script('drop schema if exists net cascade; drop schema if exists vault cascade;').catch(() => undefined);
      await db.close();
    }
  });

  it('the requests the two cron jobs build are accepted by the real edge functions (under deno)', async () => {
    const db = await resetCronDatabase();
    const served: ServedFunction[] = [];
    try {
      await migrate(db, loadMigrations());
      const secret = 'cron-secret-replayed-0123456789';
      await db.script(STAND_INS + VAULT);
      await db.query("insert into vault.lh_test_secrets values ('lh_project_url', 'https://abc.supabase.co'), ('lh_cron_secret', $1)", [secret]);
      assert.equal((await schedule(db)).status, 'scheduled');
      for (const j of await db.query<{ command: string }>("select command from cron.job where jobname like 'lead-hunter-%' order by jobname")) {
        await db.script(j.command); // what pg_cron runs; the stand-in records what pg_net would send
      }
      const calls = await db.query<{ url: string; body: unknown; headers: Record<string, string>; timeout_milliseconds: number }>(
        'select url, body, headers, timeout_milliseconds from net.lh_test_requests order by id');
      assert.equal(calls.length, 2);
      // play pg_net's part: send each recorded request to the function its URL names, served by deno
      // against this database with the secret the project would hold as LH_CRON_SECRET
      for (const c of calls) {
        const name = new URL(c.url).pathname.replace('/functions/v1/', '');
        const fn = await startFunction(name, { dbUrl: CRON_URL, serviceKey: 'service-role-key-not-used-here-0123', cronSecret: secret });
        served.push(fn);
        const res = await fetch(new URL(new URL(c.url).pathname, fn.url), {
          method: 'POST', headers: c.headers, body: JSON.stringify(c.body), signal: AbortSignal.timeout(c.timeout_milliseconds),
        });
        const text = await res.text();
        assert.equal(res.status, 200, `${name}: ${text}\n${fn.output()}`);
        assert.equal((JSON.parse(text) as { ok: boolean }).ok, true, text);
        assert.ok(!fn.output().includes(secret), 'the secret never reaches a log line');
      }
      const [metrics] = await db.query<{ n: number }>('select count(*)::int as n from lh_daily_metrics');
      assert.equal(metrics!.n, 1, 'the daily function computed one day');
    } finally {
      for (const fn of served) fn.proc.kill();
      await db.query('select public.lh_unschedule_jobs()').catch(() => undefined);
      await db.script('drop schema if exists net cascade; drop schema if exists vault cascade;').catch(() => undefined);
      await db.close();
    }
  });

  it('a custom schedule and timeout reach cron.job and the request', async () => {
    const db = await resetCronDatabase();
    try {
      await migrate(db, loadMigrations());
      await db.script(STAND_INS + VAULT + `insert into vault.lh_test_secrets values ('lh_project_url', 'https://x.supabase.co'), ('lh_cron_secret', 's3cret-s3cret-s3cret');`);
      const [row] = await db.query<{ r: ScheduleResult }>("select public.lh_schedule_jobs('1 5 * * *', '30 6 * * 1', 60000) as r");
      assert.deepEqual(row!.r.jobs?.map((j) => [j.name, j.schedule]), [['lead-hunter-daily-metrics', '1 5 * * *'], ['lead-hunter-ab-analysis', '30 6 * * 1']]);
      const [job] = await db.query<{ command: string }>("select command from cron.job where jobname = 'lead-hunter-daily-metrics'");
      await db.script(job!.command);
      const [call] = await db.query<{ t: number }>('select timeout_milliseconds as t from net.lh_test_requests');
      assert.equal(call!.t, 60000);
    } finally {
      await db.query('select public.lh_unschedule_jobs()').catch(() => undefined);
      await db.script('drop schema if exists net cascade; drop schema if exists vault cascade;').catch(() => undefined);
      await db.close();
    }
  });
});
