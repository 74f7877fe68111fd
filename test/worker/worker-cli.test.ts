/**
 * `lh-brain worker` as operators run it: the real bin in a child process. --once on the embedded database;
 * on PostgreSQL, SIGTERM during a run (finish it, exit 0, nothing half-written) and SIGKILL during a run
 * (the next run takes over and completes).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Database } from '../../src/db/port.ts';
import type { WorkerReport } from '../../src/worker/worker.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { dbTargets, postgresUrlOf } from '../support/databases.ts';

const NOW = '2026-01-20T00:05:00Z';

type Run = CliRun;
/** Spawns the CLI; `onStderrLine` sees each log line as it arrives (to send a signal mid-run). */
const cli = (args: string[], onStderrLine: (line: string, child: ChildProcess) => void = () => {}): Promise<Run> =>
  runCli(args, { onStderrLine });

const events = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('{'))
  .map((l) => (JSON.parse(l) as { event?: string }).event).filter((e) => e !== undefined);

describe('lh-brain worker on the embedded database', () => {
  it('--once --json runs what is due and prints the report; structured log lines on stderr', async () => {
    const r = await cli(['--memory', '--now', NOW, '--json', 'worker', '--once']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as WorkerReport;
    assert.deepEqual(report.runs.map((x) => [x.job, x.outcome, x.runKeys]), [
      ['daily', 'succeeded', ['2026-01-19']], ['analysis', 'succeeded', ['2026-01-19']]]);
    const ev = events(r.stderr);
    assert.deepEqual(ev.filter((e) => e.startsWith('worker') || e.startsWith('run')),
      ['worker-started', 'run-started', 'run-succeeded', 'run-started', 'run-succeeded', 'worker-stopped']);
  });

  it('a run from the future (--now 2030) is a warning naming its keys, in the one JSON document and the log; what is due now still runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lhb-worker-future-'));
    try {
      const base = ['--data-dir', join(dir, 'pgdata')];
      assert.equal((await cli([...base, 'migrate'])).code, 0);
      const ahead = await cli([...base, '--now', '2030-01-01T00:05:00Z', '--json', 'worker', '--once']);
      assert.equal(ahead.code, 0, ahead.stderr);

      const r = await cli([...base, '--now', NOW, '--json', 'worker', '--once']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as WorkerReport; // the whole of stdout is one document
      assert.deepEqual(report.runs.map((x) => [x.job, x.outcome, x.runKeys]), [
        ['daily', 'succeeded', ['2026-01-19']], ['analysis', 'succeeded', ['2026-01-19']]]);
      assert.deepEqual(report.warnings.map((w) => [w.kind, w.job, w.kind === 'future-run-keys' ? w.runKeys : []]), [
        ['future-run-keys', 'daily', ['2029-12-31']], ['future-run-keys', 'analysis', ['2029-12-31']]]);
      const warned = r.stderr.split('\n').filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level?: string; event?: string; runKeys?: string[]; msg?: string; message?: string })
        .filter((l) => l.event === 'future-run-keys');
      assert.equal(warned.length, 2);
      assert.deepEqual(warned[0]!.runKeys, ['2029-12-31']);

      const human = await cli([...base, '--now', NOW, 'worker', '--once']);
      assert.equal(human.code, 0, human.stderr);
      const lines = human.stdout.trim().split('\n');
      assert.equal(lines.length, 3, human.stdout);
      for (const [i, job] of [[0, 'daily'], [1, 'analysis']] as const) {
        assert.ok(lines[i]!.startsWith(`warning: lh_job_runs holds 1 ${job} run key(s) after 2026-01-19, the latest due now (2029-12-31): ` +
          'they are in the future and ignored'), lines[i]);
      }
      assert.match(lines[2]!, /^worker \S+: nothing due$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--help shows --max-backfill-days and its default', async () => {
    const r = await cli(['worker', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--max-backfill-days <n>[\s\S]*?\(default: "35"\)/);
    assert.match(r.stdout, /first start[\s\S]*lh_daily_metrics/);
    assert.match(r.stdout, /--action-tick-seconds <n>[\s\S]*?\(default: "60"\)/);
  });

  it('bad options exit 2 with a one-line reason', async () => {
    for (const [args, msg] of [
      [['--daily-at', '25:00'], /--daily-at must be a time HH:MM/],
      [['--max-backfill-days', '0'], /--max-backfill-days must be a whole number from 1 to 366, got "0"/],
      [['--action-tick-seconds', '-1'], /--action-tick-seconds must be a whole number from 0 \(off\) to 3600, got "-1"/],
      [['--action-tick-seconds', '3601'], /--action-tick-seconds must be a whole number from 0 \(off\) to 3600, got "3601"/],
      [['--max-backfill-days', '367'], /--max-backfill-days must be a whole number from 1 to 366, got "367"/],
      [['--max-backfill-days', '1e1'], /--max-backfill-days must be a whole number from 1 to 366, got "1e1"/],
      [['--max-backfill-days', '-3'], /--max-backfill-days must be a whole number from 1 to 366, got "-3"/],
      [['--max-backfill-days', '7.5'], /--max-backfill-days must be a whole number from 1 to 366, got "7.5"/],
      [['--time-zone', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
    ] as const) {
      const r = await cli(['--memory', 'worker', '--once', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});

const pg = (await dbTargets()).find((t) => t.name === 'postgres');

async function seedMissedMonth(db: Database): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at)
    select 'zillow', 'contacted', d + interval '10 hours', d + interval '12 hours'
    from generate_series('2025-12-01'::timestamptz, '2026-01-19'::timestamptz, interval '1 day') d, generate_series(1, 20)`);
  await db.query("insert into lh_job_runs (job, run_key, status, finished_at) values ('daily', '2025-12-01', 'succeeded', now())");
}

describe('lh-brain worker signals on PostgreSQL', { skip: pg ? false : 'PostgreSQL not reachable' }, () => {
  it('SIGTERM during a run: the run finishes, no other starts, exit 0, the ledger and metrics agree', async () => {
    const db = await pg!.fresh();
    try {
      await seedMissedMonth(db);
      let sent = false;
      const r = await cli(['--database-url', postgresUrlOf(db)!, '--now', NOW, '--json', 'worker'], (line, child) => {
        if (!sent && line.includes('"run-started"')) { sent = true; child.kill('SIGTERM'); }
      });
      assert.ok(sent, 'a run started');
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as WorkerReport;
      assert.equal(report.stoppedBy, 'signal');
      assert.deepEqual(report.runs.map((x) => [x.job, x.outcome, x.runKeys.length]), [['daily', 'succeeded', 35]]);
      assert.ok(events(r.stderr).includes('worker-stopping'));
      const rows = await db.query<{ job: string; status: string; n: number }>(
        'select job, status, count(*)::int as n from lh_job_runs group by 1, 2 order by 1, 2');
      assert.deepEqual(rows, [{ job: 'daily', status: 'succeeded', n: 36 }]); // the seeded run + 35, no analysis, nothing 'running'
      const [m] = await db.query<{ n: number; first: string; last: string }>(
        'select count(*)::int as n, min(metric_date)::text as first, max(metric_date)::text as last from lh_daily_metrics');
      assert.deepEqual(m, { n: 35, first: '2025-12-16', last: '2026-01-19' });
    } finally {
      await db.close();
    }
  });

  it('SIGKILL during a run leaves it "running"; the next worker takes it over and completes it', async () => {
    const db = await pg!.fresh();
    try {
      await seedMissedMonth(db);
      const url = postgresUrlOf(db)!;
      let sent = false;
      const killed = await cli(['--database-url', url, '--now', NOW, '--json', 'worker', '--once'], (line, child) => {
        if (!sent && line.includes('"run-started"')) { sent = true; child.kill('SIGKILL'); }
      });
      assert.equal(killed.signal, 'SIGKILL');
      const [left] = await db.query<{ n: number }>("select count(*)::int as n from lh_job_runs where status = 'running'");
      assert.equal(left!.n, 35);

      const next = await cli(['--database-url', url, '--now', NOW, '--json', 'worker', '--once']);
      assert.equal(next.code, 0, next.stderr);
      const rows = await db.query<{ status: string; attempts: number; n: number }>(
        "select status, attempts, count(*)::int as n from lh_job_runs where job = 'daily' and run_key > '2025-12-01' group by 1, 2");
      assert.deepEqual(rows, [{ status: 'succeeded', attempts: 2, n: 35 }]);
      const [m] = await db.query<{ n: number }>('select count(*)::int as n from lh_daily_metrics');
      assert.equal(m!.n, 35);
    } finally {
      await db.close();
    }
  });
});
