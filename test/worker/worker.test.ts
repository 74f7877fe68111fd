/**
 * The worker engine with the real jobs on both databases: catch-up of missed days, the ledger, failure and
 * retry, take-over of a crashed run, run keys from the future, a first start on existing metrics; and on
 * PostgreSQL two workers at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database } from '../../src/db/port.ts';
import { silentLogger, type Logger, type LogFields, type LogLevel } from '../../src/logger.ts';
import { defaultWorkerJobs } from '../../src/worker/jobs.ts';
import { DEFAULT_SCHEDULE } from '../../src/worker/schedule.ts';
import { runWorker, type WorkerOptions, type WorkerReport, type WorkerWarning } from '../../src/worker/worker.ts';
import { dbTargets, postgresUrlOf } from '../support/databases.ts';

// Tuesday 2026-01-20 00:05 UTC: the latest daily run is for 2026-01-19; Monday 2026-01-19 03:00's analysis is due
const NOW = new Date('2026-01-20T00:05:00Z');

function options(over: Partial<WorkerOptions> = {}): WorkerOptions {
  return {
    schedule: DEFAULT_SCHEDULE, maxBackfillDays: 35, once: true, workerId: 'test-worker', actionTickMs: 60_000,
    signal: new AbortController().signal, sleep: async () => {}, ...over,
  };
}

function run(db: Database, over: Partial<WorkerOptions> = {}, now = NOW, logger: Logger = silentLogger): Promise<WorkerReport> {
  return runWorker({ db, clock: fixedClock(now), logger }, defaultWorkerJobs, options(over));
}

type LogLine = { level: LogLevel; message: string; fields: LogFields };
function capture(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { lines, log: (level, message, fields = {}) => { lines.push({ level, message, fields }); } };
}

/** The parts of a warning a test compares (the message is matched separately). */
const gist = (w: WorkerWarning) => w.kind === 'future-run-keys'
  ? [w.kind, w.job, w.latestDue, w.runKeys.join(','), w.count]
  : [w.kind, w.job, `${w.after.source}:${w.after.day}`, w.missingDays, `${w.leftOut.from}..${w.leftOut.to}`];

const dailyKeysOf = (r: WorkerReport) => r.runs.find((x) => x.job === 'daily')?.runKeys.join(',');

async function seedLeads(db: Database): Promise<void> {
  // two leads a day from 2025-12-01 to 2026-01-19, one contacted after 3 h
  await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at)
    select 'zillow', case when i = 0 then 'contacted' else 'new' end, d + interval '10 hours',
      case when i = 0 then d + interval '13 hours' end
    from generate_series('2025-12-01'::timestamptz, '2026-01-19'::timestamptz, interval '1 day') d, generate_series(0, 1) i`);
}

type RunRow = { job: string; run_key: string; status: string; attempts: number; error: string | null };
const ledger = (db: Database) => db.query<RunRow>('select job, run_key, status, attempts, error from lh_job_runs order by job, run_key');
const metricDays = async (db: Database) =>
  (await db.query<{ d: string }>('select metric_date::text as d from lh_daily_metrics order by 1')).map((r) => r.d);

for (const target of await dbTargets()) {
  describe(`worker on ${target.name}`, () => {
    it('--once catches up the days missed since the last completed run, runs the analysis, and then has nothing to do', async () => {
      const db = await target.fresh();
      try {
        await seedLeads(db);
        await db.query("insert into lh_job_runs (job, run_key, status, finished_at) values ('daily', '2026-01-14', 'succeeded', now())");
        const report = await run(db);
        assert.equal(report.stoppedBy, 'once');
        assert.deepEqual(report.runs.map((r) => [r.job, r.outcome, r.runKeys.join(',')]), [
          ['daily', 'succeeded', '2026-01-15,2026-01-16,2026-01-17,2026-01-18,2026-01-19'],
          ['analysis', 'succeeded', '2026-01-19'],
        ]);
        assert.deepEqual(await metricDays(db), ['2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19']);
        const [day] = await db.query<{ n: number; h: number }>("select new_leads_count as n, avg_response_time_hours as h from lh_daily_metrics where metric_date = '2026-01-17'");
        assert.deepEqual(day, { n: 2, h: 3 });
        const rows = await ledger(db);
        assert.equal(rows.length, 7);
        assert.ok(rows.every((r) => r.status === 'succeeded' && r.attempts === 1 && r.error === null));
        const [summary] = await db.query<{ s: Record<string, unknown> }>("select summary as s from lh_job_runs where job = 'daily' and run_key = '2026-01-19'");
        assert.deepEqual([summary!.s['from'], summary!.s['to'], summary!.s['days']], ['2026-01-15', '2026-01-19', 5]);

        const again = await run(db);
        assert.deepEqual(again.runs, []);
        assert.equal((await ledger(db)).length, 7);
      } finally {
        await db.close();
      }
    });

    it('bounds the catch-up to maxBackfillDays and runs only yesterday on a first start', async () => {
      const db = await target.fresh();
      try {
        const first = await run(db, {}, new Date('2025-12-10T00:05:00Z'));
        assert.deepEqual(first.runs.find((r) => r.job === 'daily')?.runKeys, ['2025-12-09']);
        const later = await run(db, { maxBackfillDays: 7 });
        assert.deepEqual(later.runs.find((r) => r.job === 'daily')?.runKeys,
          ['2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19']);
      } finally {
        await db.close();
      }
    });

    it('run keys from the future (--now 2030) are reported and ignored: the real-time worker still runs what is due', async () => {
      const db = await target.fresh();
      try {
        await seedLeads(db);
        await db.query("insert into lh_job_runs (job, run_key, status, finished_at) values ('daily', '2026-01-14', 'succeeded', now())");
        // one run with a clock four years ahead (Tuesday 2030-01-01: daily keys 2029-12-30/31, analysis Monday 2029-12-31)
        const ahead = await run(db, { maxBackfillDays: 2 }, new Date('2030-01-01T00:05:00Z'));
        assert.deepEqual(ahead.runs.map((r) => [r.job, r.outcome, r.runKeys.join(',')]), [
          ['daily', 'succeeded', '2029-12-30,2029-12-31'], ['analysis', 'succeeded', '2029-12-31']]);

        const log = capture();
        const report = await run(db, {}, NOW, log);
        assert.deepEqual(report.runs.map((r) => [r.job, r.outcome, r.runKeys.join(',')]), [
          ['daily', 'succeeded', '2026-01-15,2026-01-16,2026-01-17,2026-01-18,2026-01-19'],
          ['analysis', 'succeeded', '2026-01-19'],
        ]);
        assert.deepEqual(report.warnings.map(gist), [
          ['future-run-keys', 'daily', '2026-01-19', '2029-12-30,2029-12-31', 2],
          ['future-run-keys', 'analysis', '2026-01-19', '2029-12-31', 1],
        ]);
        assert.match(report.warnings[0]!.message, /2 daily run key\(s\) after 2026-01-19.*\(2029-12-30, 2029-12-31\): they are in the future and ignored/);
        const warned = log.lines.filter((l) => l.level === 'warn');
        assert.deepEqual(warned.map((l) => [l.fields['event'], l.fields['job']]), [['future-run-keys', 'daily'], ['future-run-keys', 'analysis']]);
        assert.deepEqual((await metricDays(db)).filter((d) => d > '2026-01-14'),
          ['2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19', '2029-12-30', '2029-12-31']);

        // nothing more is due now; the future keys are still reported (never silently obeyed)
        const again = await run(db);
        assert.deepEqual(again.runs, []);
        assert.deepEqual(again.warnings.map(gist), [
          ['future-run-keys', 'daily', '2026-01-19', '2029-12-30,2029-12-31', 2],
          ['future-run-keys', 'analysis', '2026-01-19', '2029-12-31', 1],
        ]);
      } finally {
        await db.close();
      }
    });

    it('a long-running worker logs a repeated warning once, not at every tick', async () => {
      const db = await target.fresh();
      try {
        await db.query("insert into lh_job_runs (job, run_key, status, finished_at) values ('daily', '2030-06-01', 'succeeded', now())");
        const controller = new AbortController();
        let sleeps = 0;
        const log = capture();
        const report = await run(db, {
          once: false, signal: controller.signal,
          sleep: async () => { if (++sleeps === 3) controller.abort(); },
        }, NOW, log);
        assert.equal(report.ticks, 3);
        assert.deepEqual(report.warnings.map(gist), [['future-run-keys', 'daily', '2026-01-19', '2030-06-01', 1]]);
        assert.equal(log.lines.filter((l) => l.fields['event'] === 'future-run-keys').length, 1);
        assert.equal(dailyKeysOf(report), '2026-01-19');
      } finally {
        await db.close();
      }
    });

    it('a first start fills the gap after the newest lh_daily_metrics day, at most maxBackfillDays, and names what it left out', async () => {
      // metrics computed before the worker ever ran (lh-brain daily, the edge function) up to 2026-01-10;
      // a metric day in the future (2027) is ignored like a future run key
      const seeded = async () => {
        const db = await target.fresh();
        await seedLeads(db);
        await db.query("insert into lh_daily_metrics (metric_date) values ('2026-01-09'), ('2026-01-10'), ('2027-03-01')");
        return db;
      };
      const full = await seeded();
      try {
        const report = await run(full);
        assert.equal(dailyKeysOf(report), '2026-01-11,2026-01-12,2026-01-13,2026-01-14,2026-01-15,2026-01-16,2026-01-17,2026-01-18,2026-01-19');
        assert.deepEqual(report.warnings, []);
        const [day] = await full.query<{ n: number }>("select new_leads_count as n from lh_daily_metrics where metric_date = '2026-01-11'");
        assert.equal(day!.n, 2);
      } finally {
        await full.close();
      }
      const bounded = await seeded();
      try {
        const log = capture();
        const report = await run(bounded, { maxBackfillDays: 4 }, NOW, log);
        assert.equal(dailyKeysOf(report), '2026-01-16,2026-01-17,2026-01-18,2026-01-19');
        assert.deepEqual(report.warnings.map(gist), [
          ['backfill-bounded', 'daily', 'lh_daily_metrics:2026-01-10', 9, '2026-01-11..2026-01-15']]);
        assert.match(report.warnings[0]!.message, /lh-brain daily --from 2026-01-11 --to 2026-01-15/);
        const start = log.lines.find((l) => l.fields['event'] === 'first-start');
        assert.deepEqual([start?.fields['lastMetricDay'], start?.fields['runKeys']], ['2026-01-10', ['2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19']]);
        // from now on the ledger is the basis: nothing is owed, nothing is warned
        const again = await run(bounded, { maxBackfillDays: 4 });
        assert.deepEqual([again.runs, again.warnings], [[], []]);
      } finally {
        await bounded.close();
      }
      const upToDate = await target.fresh();
      try {
        await upToDate.query("insert into lh_daily_metrics (metric_date) values ('2026-01-19')");
        const report = await run(upToDate);
        assert.equal(dailyKeysOf(report), undefined); // the latest day is already measured
        assert.deepEqual(report.runs.map((r) => r.job), ['analysis']);
      } finally {
        await upToDate.close();
      }
    });

    it('records a failed run with its error and retries it on the next run', async () => {
      const db = await target.fresh();
      try {
        await db.query('alter function lh_update_daily_metrics(date, text, integer) rename to lh_update_daily_metrics_away');
        const failed = await run(db);
        const daily = failed.runs.find((r) => r.job === 'daily');
        assert.equal(daily?.outcome, 'failed');
        const row = (await ledger(db)).find((r) => r.job === 'daily');
        assert.deepEqual([row!.job, row!.run_key, row!.status, row!.attempts], ['daily', '2026-01-19', 'failed', 1]);
        assert.match(row!.error ?? '', /lh_update_daily_metrics/);
        assert.deepEqual(await metricDays(db), []);
        assert.equal(failed.runs.find((r) => r.job === 'analysis')?.outcome, 'succeeded'); // one job's failure does not block the other

        await db.query('alter function lh_update_daily_metrics_away(date, text, integer) rename to lh_update_daily_metrics');
        const retried = await run(db);
        assert.deepEqual(retried.runs.map((r) => [r.job, r.outcome]), [['daily', 'succeeded']]);
        const after = (await ledger(db)).find((r) => r.job === 'daily');
        assert.deepEqual([after!.status, after!.attempts, after!.error], ['succeeded', 2, null]);
      } finally {
        await db.close();
      }
    });

    it('takes over a run a crashed worker left "running"', async () => {
      const db = await target.fresh();
      try {
        await db.query("insert into lh_job_runs (job, run_key, status, worker) values ('daily', '2026-01-19', 'running', 'dead-worker')");
        const report = await run(db);
        assert.deepEqual(report.runs.find((r) => r.job === 'daily')?.runKeys, ['2026-01-19']);
        const [row] = await db.query<RunRow & { worker: string }>("select *, worker from lh_job_runs where job = 'daily'");
        assert.deepEqual([row!.status, row!.attempts, row!.worker], ['succeeded', 2, 'test-worker']);
      } finally {
        await db.close();
      }
    });

    it('the skill-action tick: every pass writes the actions due (worker --once too), and waits are at most a minute', async () => {
      const db = await target.fresh();
      try {
        // a testing instant-responder and 12 leads of the last hour, with the assignment trigger off
        const [s] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at)
          values ('instant-responder', 'ir', 'testing', $1) returning id`, [new Date(NOW.getTime() - 86_400_000)]);
        await db.query(`insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at)
          values ('t', $1, 'avg_response_time_hours', 'running', $2)`, [s!.id, new Date(NOW.getTime() - 86_400_000)]);
        await db.query(`insert into lh_lead_status (source, status, created_at)
          select 'zillow', 'new', $1::timestamptz - i * interval '4 minutes' from generate_series(1, 12) i`, [NOW]);
        const once = await run(db);
        const [n] = await db.query<{ n: number; t: number }>(
          "select count(*)::int as n, count(distinct lead_id)::int as t from lh_skill_actions where action in ('auto_reply', 'call_now')");
        assert.ok(n!.t > 0 && n!.n === 2 * n!.t, `actions for ${n!.t} treatment leads: ${n!.n}`);
        assert.equal(once.actions.created, n!.n);
        assert.equal(once.actions.assigned, 12);
        assert.equal(once.actions.failed, 0);
        assert.ok(once.actions.ticks >= 1);

        // a long-running worker: every wait is at most the tick interval; a second pass adds nothing
        const controller = new AbortController();
        const waits: number[] = [];
        const again = await run(db, { once: false, signal: controller.signal,
          sleep: async (ms) => { waits.push(ms); if (waits.length === 2) controller.abort(); } });
        assert.ok(waits.every((ms) => ms <= 60_000), waits.join(', '));
        assert.deepEqual([again.actions.created, again.actions.failed], [0, 0]);
        // no tick when pg_cron runs it (actionTickMs 0): the wait is the schedule's again
        const noTick = await run(db, { actionTickMs: 0 });
        assert.equal(noTick.actions.ticks, 0);
      } finally {
        await db.close();
      }
    });

    it('does not start a job once the stop signal is set', async () => {
      const db = await target.fresh();
      try {
        const controller = new AbortController();
        controller.abort();
        const report = await run(db, { once: false, signal: controller.signal });
        assert.deepEqual([report.ticks, report.runs, report.stoppedBy], [0, [], 'signal']);
        assert.equal((await ledger(db)).length, 0);
      } finally {
        await db.close();
      }
    });
  });
}

const pg = (await dbTargets()).find((t) => t.name === 'postgres');
describe('two workers at once on PostgreSQL', { skip: pg ? false : 'PostgreSQL not reachable' }, () => {
  it('run each day exactly once between them', async () => {
    const db = await pg!.fresh();
    const a = connectPostgres(postgresUrlOf(db)!, { max: 3 });
    const b = connectPostgres(postgresUrlOf(db)!, { max: 3 });
    try {
      await seedLeads(db);
      await db.query("insert into lh_job_runs (job, run_key, status, finished_at) values ('daily', '2025-12-01', 'succeeded', now())");
      const [ra, rb] = await Promise.all([run(a, { workerId: 'a' }), run(b, { workerId: 'b' })]);
      const succeeded = [...ra.runs, ...rb.runs].filter((r) => r.outcome === 'succeeded');
      const dailyKeys = succeeded.filter((r) => r.job === 'daily').flatMap((r) => r.runKeys);
      assert.equal(dailyKeys.length, 35); // 2025-12-16 … 2026-01-19, none twice
      assert.equal(new Set(dailyKeys).size, 35);
      assert.equal(succeeded.filter((r) => r.job === 'analysis').length, 1);
      const rows = await ledger(db);
      assert.equal(rows.length, 37);
      assert.deepEqual(rows.filter((r) => r.attempts !== 1 || r.status !== 'succeeded'), []);
      assert.equal((await metricDays(db)).length, 35);
    } finally {
      await a.close();
      await b.close();
      await db.close();
    }
  });
});
