/**
 * Shared helpers of the fault tests: the real CLI in a child process, a generated pipeline of a few
 * thousand leads (set-based SQL, deterministic), and the consistency checks every fault must leave true.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import type { Queryable, Row } from '../../src/db/port.ts';
import { runCli, type CliRun } from '../support/cli.ts';

export type Run = CliRun;

/**
 * Runs `lh-brain args…` (test/support/cli.ts); `onStderrLine` sees each stderr line as it arrives (with
 * the child, so a test can kill it at a chosen point).
 */
export const cli = (args: string[], onStderrLine?: (line: string, child: ChildProcess) => void): Promise<Run> =>
  runCli(args, onStderrLine ? { onStderrLine } : {});

/** The lines lh-brain itself wrote as its error report (one expected). */
export const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('lh-brain:'));

/**
 * A pipeline of `n` leads created over `days` days ending on `lastDay` (UTC), deterministic, written by
 * one INSERT … SELECT per table: 4 sources, most contacted after 0.5–10 h (3× slower in the last week),
 * a third of those qualified 1–4 days later, some closed, a few nonsense rows (contacted before created,
 * qualified without a timestamp), one validation per even lead and its agent truth a day later.
 */
export async function generatePipeline(db: Queryable, n: number, days: number, lastDay: string): Promise<void> {
  await db.query(
    `with p as (
       select i, ($3::date - $2::int + 1)::timestamp at time zone 'UTC' as t0,
         -- Weyl sequences: fractional parts of i times three irrationals, evenly spread over [0, 1)
         (i * 0.6180339887498949) - floor(i * 0.6180339887498949) as r1,
         (i * 0.4142135623730950) - floor(i * 0.4142135623730950) as r2,
         (i * 0.7320508075688772) - floor(i * 0.7320508075688772) as r3
       from generate_series(1, $1::int) i
     ),
     c as (
       select p.*, p.t0 + (p.i::float8 / $1::int * $2::int) * interval '1 day' as created from p
     ),
     e as (
       select c.*,
         case when c.r1 < 0.8 then c.created + (0.5 + 10 * c.r2)
           * (case when c.created >= ($3::date - 6)::timestamp at time zone 'UTC' then 3 else 1 end) * interval '1 hour' end as contacted
       from c
     )
     insert into lh_lead_status (id, property_id, source, status, created_at, contacted_at, qualified_at, closed_at)
     select e.i, e.i, (array['zillow', 'referral', 'direct_mail', 'cold_call'])[1 + e.i % 4],
       case when e.i % 89 = 0 then 'qualified'
            when e.contacted is null then 'new'
            when e.r3 < 0.05 then 'closed'
            when e.r3 < 0.33 then 'qualified' else 'contacted' end,
       e.created,
       case when e.i % 97 = 0 then e.created - interval '2 hours' else e.contacted end,
       case when e.i % 89 <> 0 and e.contacted is not null and e.r3 < 0.33 then e.contacted + (1 + 3 * e.r2) * interval '1 day' end,
       case when e.i % 89 <> 0 and e.contacted is not null and e.r3 < 0.05 then e.contacted + (6 + 3 * e.r2) * interval '1 day' end
     from e`,
    [n, days, lastDay],
  );
  await db.query(`select setval(pg_get_serial_sequence('lh_lead_status', 'id'), (select max(id) from lh_lead_status))`);
  await db.query(
    `insert into lh_validation_history (id, lead_id, pattern_name, predicted, confidence, validated_at)
     select l.id, l.id, case when l.id % 4 = 0 then 'business_detection' else 'owner_match' end, l.id % 5 <> 0,
       0.5 + (l.id % 50) / 100.0, l.created_at + interval '1 hour'
     from lh_lead_status l where l.id % 2 = 0`);
  await db.query(`select setval(pg_get_serial_sequence('lh_validation_history', 'id'), (select max(id) from lh_validation_history))`);
  await db.query(
    `insert into lh_feedback_log (validation_id, lead_id, agent_id, actual, lead_quality, reason, created_at)
     select v.id, v.lead_id, 'agent-' || (v.id % 3), v.id % 7 <> 0, 1 + v.id % 5,
       case when v.id % 11 = 0 then 'wrong_contact' end, v.validated_at + interval '1 day'
     from lh_validation_history v`);
}

/** Every lh_daily_metrics row equals a fresh recomputation of its day (no half-computed row). */
export async function assertMetricRowsComplete(db: Queryable): Promise<number> {
  const stored = await db.query<{ d: string; row: Record<string, unknown> }>(
    `select metric_date::text as d, to_jsonb(m) - 'computed_at' as row from lh_daily_metrics m order by metric_date`);
  for (const { d, row } of stored) {
    const [fresh] = await db.query<{ row: Record<string, unknown> }>(
      `select public.lh_update_daily_metrics($1::date, $2::text) - 'computed_at' as row`, [d, row['time_zone']]);
    assert.deepEqual(fresh?.row, row, `lh_daily_metrics for ${d} differs from a fresh computation`);
  }
  return stored.length;
}

/** Every stored lh_pattern_performance day equals a fresh run of the feedback analysis for it. */
export async function assertPatternRowsComplete(db: Queryable): Promise<number> {
  const q = `select performance_date::text as d, pattern_name, true_positives, false_positives, false_negatives, true_negatives,
    precision, recall, f1_score, sample_size, avg_f1_score from lh_pattern_performance order by 1, 2`;
  const before = await db.query(q);
  const days = [...new Set(before.map((r) => r['d'] as string))];
  for (const d of days) await db.query(`select public.lh_update_pattern_performance($1::date)`, [d]);
  assert.deepEqual(await db.query(q), before, 'lh_pattern_performance changed when recomputed');
  return days.length;
}

/** Skills and tests come in pairs: no testing skill without its running test, and no running test without a skill. */
export async function assertSkillsAndTestsPaired(db: Queryable): Promise<void> {
  const orphanSkills = await db.query(`select s.id from lh_spawned_skills s where s.status = 'testing'
    and not exists (select 1 from lh_ab_tests t where t.skill_id = s.id and t.status = 'running')`);
  assert.deepEqual(orphanSkills, [], 'a testing skill has no running test');
  const orphanTests = await db.query(`select t.id from lh_ab_tests t where t.status = 'running'
    and not exists (select 1 from lh_spawned_skills s where s.id = t.skill_id and s.status = 'testing')`);
  assert.deepEqual(orphanTests, [], 'a running test has no testing skill');
}

/**
 * Every lh_ table but lh_settings (so a table added by a later migration is compared too), each row as
 * JSON in a stable order, without the columns that hold the wall-clock time of the write (a default of
 * now(): computed_at, updated_at, detected_at...), nor identity columns: a sequence is not transactional, so
 * an insert a crash aborted has used its number and the re-run's rows get later ones (references to them,
 * e.g. skill_id, stay compared). spawned_at and started_at stay: the job sets them from its clock (--now).
 */
export async function outputTables(db: Queryable): Promise<Record<string, unknown[]>> {
  const tables = await db.query<{ t: string; wallclock: string[] }>( // text[] arrives as a JS array on both drivers
    `select c.table_name as t,
       coalesce(array_agg(c.column_name::text order by c.column_name) filter (
         where (c.column_default ilike '%now()%' and c.column_name not in ('spawned_at', 'started_at')) or c.is_identity = 'YES'), '{}') as wallclock
     from information_schema.columns c
     where c.table_schema = 'public' and c.table_name like 'lh\\_%' and c.table_name <> 'lh_settings'
       and c.table_name in (select tablename from pg_tables where schemaname = 'public')
     group by c.table_name order by c.table_name`);
  const out: Record<string, unknown[]> = {};
  for (const { t, wallclock } of tables) {
    const drop = `array(select jsonb_array_elements_text($1::text::jsonb))`;
    const rows = await db.query<{ r: unknown }>(
      `select to_jsonb(x) - ${drop} as r from public.${t} x order by (to_jsonb(x) - ${drop})::text`, [JSON.stringify(wallclock)]);
    out[t] = rows.map((x) => x.r);
  }
  return out;
}

/**
 * A connection to a test database under its own application_name ('lhb-fault-test'), so the CLI's
 * sessions ('lead-hunter-brain') can be told apart from the test's in pg_stat_activity. The harness's own
 * pool connects lazily: a test that only uses this one leaves no 'lead-hunter-brain' session of its own.
 */
export function sideConnection(url: string): Queryable & { end(): Promise<void> } {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'lhb-fault-test' } });
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return Array.from(await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
    },
    async script(text: string): Promise<void> { await sql.unsafe(text); },
    end: () => sql.end({ timeout: 5 }),
  };
}

/** Waits until no session of the CLI (application_name lead-hunter-brain) is left on the database. */
export async function waitForNoJobSessions(admin: Queryable, dbName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'lead-hunter-brain' and pid <> pg_backend_pid()`,
      [dbName]);
    if (row?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`sessions of the killed job still open on ${dbName} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The database name of a postgres:// URL. */
export const dbNameOf = (url: string): string => new URL(url).pathname.slice(1);
