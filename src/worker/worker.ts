/**
 * `lh-brain worker`'s engine: runs the daily job and the weekly analysis on the schedule of schedule.ts
 * for self-hosted PostgreSQL (on Supabase, pg_cron calls the edge functions instead).
 *
 * Each tick: catch up the daily job (every metric day since the last completed one, bounded, as ONE
 * backfill run so skills are spawned for the latest day only), then the analysis if its Monday's run has
 * not completed. Each job runs under its lock (runs.ts) and is recorded in lh_job_runs, so two workers,
 * or a worker and a restart of itself, never run a job at once nor record a run twice. A stop signal
 * (SIGTERM/SIGINT in the CLI) lets the current job finish, then no other starts.
 * Runtime-neutral: clock, logger, sleep and the jobs are handed in.
 */
import type { JobDeps } from '../jobs/deps.ts';
import { info, warn } from '../logger.ts';
import { beginRuns, finishRuns, lastSucceeded, withJobLock } from './runs.ts';
import { dueAnalysisKey, dueDailyKeys, nextRun, type JobName, type Schedule } from './schedule.ts';
import { assertTimeZone } from './zoned-time.ts';

/** The jobs the worker runs; each returns a small JSON-able summary stored in lh_job_runs.summary. */
export interface WorkerJobs {
  daily(deps: JobDeps, range: { from: string; to: string; timeZone: string }): Promise<Record<string, unknown>>;
  analysis(deps: JobDeps): Promise<Record<string, unknown>>;
}

export interface WorkerOptions {
  /** Business time zone; undefined = read lh_settings.business_time_zone at every tick. */
  readonly timeZone?: string;
  readonly schedule: Omit<Schedule, 'timeZone'>;
  readonly maxBackfillDays: number;
  /** Run what is due, then return (no waiting). */
  readonly once: boolean;
  /** Names this process in lh_job_runs.worker and in logs. */
  readonly workerId: string;
  readonly signal: AbortSignal;
  /** Waits `ms` or until the signal aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Longest single wait, so a changed clock or zone is noticed (default 5 min). */
  readonly maxSleepMs?: number;
}

export type RunReport =
  | { readonly job: JobName; readonly outcome: 'succeeded'; readonly runKeys: readonly string[]; readonly summary: Record<string, unknown> }
  | { readonly job: JobName; readonly outcome: 'failed'; readonly runKeys: readonly string[]; readonly error: string }
  | { readonly job: JobName; readonly outcome: 'busy'; readonly runKeys: readonly string[] };

export interface WorkerReport {
  readonly workerId: string;
  readonly ticks: number;
  readonly runs: readonly RunReport[];
  readonly stoppedBy: 'once' | 'signal';
}

/** Runs until stopped (or once); never throws for a failing job (it is recorded and retried), only for a bad setup. */
export async function runWorker(deps: JobDeps, jobs: WorkerJobs, o: WorkerOptions): Promise<WorkerReport> {
  const runs: RunReport[] = [];
  let ticks = 0;
  let failures = 0;
  info(deps.logger, 'worker started', { event: 'worker-started', worker: o.workerId, once: o.once });
  while (!o.signal.aborted) {
    const schedule = await resolveSchedule(deps, o);
    const tickRuns = await tick(deps, jobs, o, schedule);
    ticks += 1;
    runs.push(...tickRuns);
    if (o.once) break;
    failures = tickRuns.some((r) => r.outcome === 'failed') ? failures + 1 : 0;
    const waitMs = nextWait(deps.clock.now(), schedule, failures, o.maxSleepMs ?? 300_000);
    info(deps.logger, 'worker waiting', { event: 'worker-waiting', worker: o.workerId, seconds: Math.round(waitMs / 1000) });
    await o.sleep(waitMs, o.signal);
  }
  const stoppedBy = o.signal.aborted ? 'signal' : 'once';
  info(deps.logger, 'worker stopped', { event: 'worker-stopped', worker: o.workerId, stoppedBy, ticks });
  return { workerId: o.workerId, ticks, runs, stoppedBy };
}

async function resolveSchedule(deps: JobDeps, o: WorkerOptions): Promise<Schedule> {
  let timeZone = o.timeZone;
  if (timeZone === undefined) {
    const [row] = await deps.db.query<{ tz: string | null }>(
      "select (select value from public.lh_settings where key = 'business_time_zone') as tz");
    timeZone = row?.tz ?? 'UTC';
  }
  assertTimeZone(timeZone);
  return { ...o.schedule, timeZone };
}

/** One pass: the daily catch-up, then the analysis; stops between jobs when the signal aborted. */
export async function tick(deps: JobDeps, jobs: WorkerJobs, o: WorkerOptions, s: Schedule): Promise<RunReport[]> {
  const out: RunReport[] = [];
  for (const job of ['daily', 'analysis'] as const) {
    if (o.signal.aborted) break;
    const report = await runJob(deps, jobs, o, s, job);
    if (report) out.push(report);
  }
  return out;
}

async function dueKeys(deps: JobDeps, o: WorkerOptions, s: Schedule, job: JobName): Promise<string[]> {
  const now = deps.clock.now();
  const last = await lastSucceeded(deps.db, job);
  if (job === 'daily') return dueDailyKeys(now, last, s, o.maxBackfillDays);
  const key = dueAnalysisKey(now, last, s);
  return key === undefined ? [] : [key];
}

async function runJob(deps: JobDeps, jobs: WorkerJobs, o: WorkerOptions, s: Schedule, job: JobName): Promise<RunReport | undefined> {
  if ((await dueKeys(deps, o, s, job)).length === 0) return undefined;
  const locked = await withJobLock(deps.db, job, async (): Promise<RunReport | undefined> => {
    const keys = await beginRuns(deps.db, job, await dueKeys(deps, o, s, job), deps.clock.now(), o.workerId);
    if (keys.length === 0) return undefined; // another worker completed them meanwhile
    const fields = { job, runKeys: keys, worker: o.workerId, timeZone: s.timeZone };
    info(deps.logger, `${job} run started`, { event: 'run-started', ...fields });
    try {
      const summary = job === 'daily'
        ? await jobs.daily(deps, { from: keys[0]!, to: keys[keys.length - 1]!, timeZone: s.timeZone })
        : await jobs.analysis(deps);
      await finishRuns(deps.db, job, keys, { status: 'succeeded', summary }, deps.clock.now());
      info(deps.logger, `${job} run succeeded`, { event: 'run-succeeded', ...fields });
      return { job, outcome: 'succeeded', runKeys: keys, summary };
    } catch (err) {
      const error = `${(err as Error).name}: ${(err as Error).message}`.split('\n')[0]!;
      await finishRuns(deps.db, job, keys, { status: 'failed', error }, deps.clock.now());
      warn(deps.logger, `${job} run failed`, { event: 'run-failed', ...fields, error });
      return { job, outcome: 'failed', runKeys: keys, error };
    }
  });
  if (locked.acquired) return locked.value;
  info(deps.logger, `${job} is running in another worker`, { event: 'run-busy', job, worker: o.workerId });
  return { job, outcome: 'busy', runKeys: [] };
}

/** How long to wait: until the next scheduled run, sooner after failures (1, 2, 4 … 60 min backoff), never longer than maxSleepMs. */
export function nextWait(now: Date, s: Schedule, consecutiveFailures: number, maxSleepMs: number): number {
  const next = Math.min(nextRun('daily', now, s).at.getTime(), nextRun('analysis', now, s).at.getTime());
  let wait = Math.max(1000, next - now.getTime());
  if (consecutiveFailures > 0) wait = Math.min(wait, 60_000 * 2 ** Math.min(consecutiveFailures - 1, 6));
  return Math.min(wait, maxSleepMs);
}
