/**
 * `lh-brain worker [--once]`: the schedule of the Supabase pg_cron jobs for self-hosted PostgreSQL —
 * the daily job at 00:01 and the analysis on Mondays at 03:00, in the business time zone, and the skill-action
 * tick every minute — with catch-up
 * of missed days, one run at a time across processes, and a graceful stop on SIGTERM/SIGINT.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { loadMigrations } from '../../db/migrations-fs.ts';
import { DEFAULT_SCHEDULE, parseLocalTime } from '../../worker/schedule.ts';
import { defaultWorkerJobs } from '../../worker/jobs.ts';
import { runWorker, type WorkerReport } from '../../worker/worker.ts';
import { assertTimeZone, TimeZoneError } from '../../worker/zoned-time.ts';
import { makeContext, withDatabase, type CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';

/**
 * Default bound of a catch-up: 35 days, the span the detection compares (its 7-day recent window and the
 * 28-day baseline before it), so a worker restarted after a month away (or started on a database whose
 * metrics stop a month back) leaves no hole in the metric history of that span. Larger gaps are a warning
 * naming the `lh-brain daily --from --to` to run.
 */
export const DEFAULT_MAX_BACKFILL_DAYS = 35;
const MAX_BACKFILL_DAYS_LIMIT = 366;

interface WorkerCliOptions {
  once?: boolean;
  timeZone?: string;
  dailyAt: string;
  analysisAt: string;
  maxBackfillDays: string;
  actionTickSeconds: string;
}

function parseOptions(o: WorkerCliOptions) {
  const dailyAt = parseLocalTime(o.dailyAt);
  if (!dailyAt) throw new UsageError(`--daily-at must be a time HH:MM (24 h), got "${o.dailyAt}"`);
  const analysisAt = parseLocalTime(o.analysisAt);
  if (!analysisAt) throw new UsageError(`--analysis-at must be a time HH:MM (24 h), got "${o.analysisAt}"`);
  const maxBackfillDays = /^\d{1,3}$/.test(o.maxBackfillDays) ? Number(o.maxBackfillDays) : Number.NaN;
  if (!(maxBackfillDays >= 1 && maxBackfillDays <= MAX_BACKFILL_DAYS_LIMIT)) {
    throw new UsageError(`--max-backfill-days must be a whole number from 1 to ${MAX_BACKFILL_DAYS_LIMIT}, got "${o.maxBackfillDays}"`);
  }
  const tick = /^\d{1,4}$/.test(o.actionTickSeconds) ? Number(o.actionTickSeconds) : Number.NaN;
  if (!(tick >= 0 && tick <= 3600)) {
    throw new UsageError(`--action-tick-seconds must be a whole number from 0 (off) to 3600, got "${o.actionTickSeconds}"`);
  }
  if (o.timeZone !== undefined) {
    try {
      assertTimeZone(o.timeZone);
    } catch (err) {
      if (err instanceof TimeZoneError) throw new UsageError(`--time-zone: ${err.message}`, { cause: err });
      throw err;
    }
  }
  return { schedule: { ...DEFAULT_SCHEDULE, dailyAt, analysisAt }, maxBackfillDays, timeZone: o.timeZone, once: Boolean(o.once), actionTickMs: tick * 1000 };
}

/** Waits `ms`, or less when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** First SIGTERM/SIGINT: finish the current job, then exit 0. A second one: exit at once (code 1). */
function stopOnSignals(ctx: CliContext, controller: AbortController): () => void {
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      ctx.logger.log('error', `second ${name}: exiting without finishing the current job`, { event: 'worker-killed' });
      process.exit(1);
    }
    ctx.logger.log('info', `${name}: stopping after the current job`, { event: 'worker-stopping', signal: name });
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

function actionsLine(a: WorkerReport['actions']): string[] {
  if (a.ticks === 0 || a.created + a.cancelled + a.expired + a.assigned + a.failed === 0) return []; // quiet minutes are no news
  const failed = a.failed > 0 ? `; ${a.failed} tick(s) FAILED, last: ${a.lastError}` : '';
  return [`skill actions: ${a.created} created, ${a.cancelled} cancelled, ${a.expired} expired, ${a.assigned} lead(s) assigned in ${a.ticks} tick(s)${failed}`];
}

function render(r: WorkerReport): string {
  const warnings = r.warnings.map((w) => `warning: ${w.message}`);
  if (r.runs.length === 0) return [...warnings, ...actionsLine(r.actions), `worker ${r.workerId}: nothing due`].join('\n');
  return [...warnings, ...actionsLine(r.actions), ...r.runs.map((x) => {
    const keys = x.runKeys.length > 1 ? `${x.runKeys[0]} … ${x.runKeys[x.runKeys.length - 1]}` : (x.runKeys[0] ?? '');
    if (x.outcome === 'failed') return `${x.job} ${keys}: FAILED ${x.error}`;
    if (x.outcome === 'busy') return `${x.job}: running in another worker, skipped`;
    return `${x.job} ${keys}: succeeded`;
  })].join('\n');
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the daily job (00:01) and the weekly analysis (Mondays) on schedule in the business time zone, for self-hosted PostgreSQL')
    .option('--once', 'run what is due (including missed days), then exit')
    .option('--time-zone <tz>', 'IANA business time zone (default: lh_settings.business_time_zone, else UTC)')
    .option('--daily-at <HH:MM>', 'local time of the daily run', '00:01')
    .option('--analysis-at <HH:MM>', 'local time of the Monday analysis', '03:00')
    .option('--max-backfill-days <n>', `compute at most this many missed days in one catch-up, the most recent (1–${MAX_BACKFILL_DAYS_LIMIT})`,
      String(DEFAULT_MAX_BACKFILL_DAYS))
    .option('--action-tick-seconds <n>', 'write the skills\' due actions (lh_generate_skill_actions) every pass, at most this many seconds apart; 0 = off, when pg_cron runs the tick', '60')
    .addHelpText('after', '\nMissed days since the last completed daily run are computed on start (one backfill run);\n' +
      'on a first start (no completed daily run in lh_job_runs), the days after the newest lh_daily_metrics day.\n' +
      'Days left out by --max-backfill-days are a warning naming the `lh-brain daily --from --to` to run.\n' +
      'The last completed run is the newest at or before now: run keys after it (a clock that was ahead,\n' +
      'e.g. --now) are ignored and reported as a warning (log line, and "warnings" in the --json report).\n' +
      'Runs are recorded in lh_job_runs; on PostgreSQL an advisory lock keeps two workers from running a job at once.\n' +
      'Every pass (at least every --action-tick-seconds) also writes the skills\' due actions for new leads\n' +
      '(instant-responder within a minute of the lead), cancels and expires stale ones; see `lh-brain actions`.\n' +
      'SIGTERM/SIGINT: the current job finishes, then the worker exits 0. Exit 1 if a run failed with --once.')
    .action(async (opts: WorkerCliOptions, cmd: Command) => {
      const parsed = parseOptions(opts);
      const ctx = makeContext(cmd);
      const controller = new AbortController();
      const release = stopOnSignals(ctx, controller);
      try {
        const report = await withDatabase(ctx, async (db) => {
          if (ctx.target.kind === 'pglite' && ctx.target.dataDir === undefined) await migrate(db, loadMigrations());
          const [row] = await db.query<{ ok: boolean }>("select to_regclass('public.lh_job_runs') is not null as ok");
          if (!row?.ok) throw new Error('the database has no lh_job_runs table: run `lh-brain migrate` first');
          return runWorker({ db, clock: ctx.clock, logger: ctx.logger }, defaultWorkerJobs, {
            ...parsed, workerId: `${hostname()}:${process.pid}`, signal: controller.signal, sleep,
          });
        });
        ctx.output(report, () => render(report));
        if (parsed.once && report.runs.some((r) => r.outcome === 'failed')) {
          throw new Error('a scheduled run failed (recorded in lh_job_runs; it is retried on the next run)');
        }
      } finally {
        release();
      }
    });
}
