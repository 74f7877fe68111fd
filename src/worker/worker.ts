/**
 * `lh-brain worker`'s engine: runs the daily job and the weekly analysis on the schedule of schedule.ts
 * for self-hosted PostgreSQL (on Supabase, pg_cron calls the edge functions instead).
 *
 * Each pass: the skill-action tick (every minute unless pg_cron runs it), then catch up the daily job (every metric day since the last completed one, bounded, as ONE
 * backfill run so skills are spawned for the latest day only), then the analysis if its Monday's run has
 * not completed. "The last completed run" is the newest succeeded key at or before the latest key due
 * now: keys after it (written by a clock that was ahead, e.g. `--once --now 2030-…`) are reported as a
 * warning and ignored, so they never silence the schedule. On a first start (no completed daily run) the
 * days after the newest lh_daily_metrics day are owed, with the same bound; a bound that leaves days out
 * is a warning too. Each job runs under its lock (runs.ts) and is recorded in lh_job_runs, so two workers,
 * or a worker and a restart of itself, never run a job at once nor record a run twice. A stop signal
 * (SIGTERM/SIGINT in the CLI) lets the current job finish, then no other starts.
 * Runtime-neutral: clock, logger, sleep and the jobs are handed in.
 */
import type { JobDeps } from '../jobs/deps.ts';
import { info, warn } from '../logger.ts';
import { beginRuns, finishRuns, latestMetricDay, ledgerAsOf, withJobLock } from './runs.ts';
import { dueAnalysisKey, dueDailyKeys, latestRun, nextRun, type JobName, type Schedule } from './schedule.ts';
import { addDays, assertTimeZone, daysFrom } from './zoned-time.ts';

/** The jobs the worker runs; each returns a small JSON-able summary stored in lh_job_runs.summary. */
export interface WorkerJobs {
  daily(deps: JobDeps, range: { from: string; to: string; timeZone: string }): Promise<Record<string, unknown>>;
  analysis(deps: JobDeps): Promise<Record<string, unknown>>;
  /**
   * The skill-action tick: unscheduled, every pass (at most actionTickMs apart). Not recorded in lh_job_runs
   * (a row a minute would bury the ledger); idempotent and safe beside another worker's, so no lock.
   */
  actions(deps: JobDeps): Promise<ActionTickCounts>;
}

/** What one action tick did (lh_generate_skill_actions' result, actions created summed over kinds). */
export interface ActionTickCounts {
  readonly assigned: number;
  readonly created: number;
  readonly cancelled: number;
  readonly expired: number;
}

/** The action ticks of a worker's life, summed; a failed tick is logged and retried on the next pass. */
export interface ActionTickReport extends ActionTickCounts {
  readonly ticks: number;
  readonly failed: number;
  /** The last failure's message, when any. */
  readonly lastError: string | null;
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
  /**
   * Run the skill-action tick every pass and wait at most this long between passes (the instant-responder's
   * actions must exist within a minute of the lead); 0 = no tick (pg_cron runs it, migration 20261207000100).
   */
  readonly actionTickMs: number;
}

export type RunReport =
  | { readonly job: JobName; readonly outcome: 'succeeded'; readonly runKeys: readonly string[]; readonly summary: Record<string, unknown> }
  | { readonly job: JobName; readonly outcome: 'failed'; readonly runKeys: readonly string[]; readonly error: string }
  | { readonly job: JobName; readonly outcome: 'busy'; readonly runKeys: readonly string[] };

/** Something the operator should know that did not stop a run; each is also logged as a warning. */
export type WorkerWarning =
  | {
    readonly kind: 'future-run-keys';
    readonly job: JobName;
    /** The latest run key due now; the listed keys are after it. */
    readonly latestDue: string;
    /** The first keys after `latestDue`, oldest first (at most 10). */
    readonly runKeys: readonly string[];
    /** How many keys are after `latestDue` in all. */
    readonly count: number;
    readonly message: string;
  }
  | {
    readonly kind: 'backfill-bounded';
    readonly job: 'daily';
    /** What the owed days were counted from: the last completed run, or (first start) the newest metric day. */
    readonly after: { readonly source: 'lh_job_runs' | 'lh_daily_metrics'; readonly day: string };
    readonly missingDays: number;
    /** The days left out, to compute with `lh-brain daily --from --to`. */
    readonly leftOut: { readonly from: string; readonly to: string };
    readonly message: string;
  };

export interface WorkerReport {
  readonly workerId: string;
  readonly ticks: number;
  readonly runs: readonly RunReport[];
  /** Distinct warnings of the whole run (one repeated every tick is listed once). */
  readonly warnings: readonly WorkerWarning[];
  readonly actions: ActionTickReport;
  readonly stoppedBy: 'once' | 'signal';
}

/** Runs until stopped (or once); never throws for a failing job (it is recorded and retried), only for a bad setup. */
export async function runWorker(deps: JobDeps, jobs: WorkerJobs, o: WorkerOptions): Promise<WorkerReport> {
  const runs: RunReport[] = [];
  const warnings = new WarningLog(deps, o.workerId);
  const actions = new ActionTicks(deps, jobs, o.workerId);
  let ticks = 0;
  let failures = 0;
  info(deps.logger, 'worker started', { event: 'worker-started', worker: o.workerId, once: o.once });
  while (!o.signal.aborted) {
    const schedule = await resolveSchedule(deps, o);
    // first the actions (due within the minute), then the scheduled jobs, then the actions of what they changed
    if (o.actionTickMs > 0) await actions.run();
    const tickRuns = await tick(deps, jobs, o, schedule, warnings);
    if (o.actionTickMs > 0 && tickRuns.some((r) => r.outcome === 'succeeded')) await actions.run();
    ticks += 1;
    runs.push(...tickRuns);
    if (o.once) break;
    failures = tickRuns.some((r) => r.outcome === 'failed') ? failures + 1 : 0;
    const maxSleep = o.actionTickMs > 0 ? Math.min(o.actionTickMs, o.maxSleepMs ?? 300_000) : o.maxSleepMs ?? 300_000;
    const waitMs = nextWait(deps.clock.now(), schedule, failures, maxSleep);
    info(deps.logger, 'worker waiting', { event: 'worker-waiting', worker: o.workerId, seconds: Math.round(waitMs / 1000) });
    await o.sleep(waitMs, o.signal);
  }
  const stoppedBy = o.signal.aborted ? 'signal' : 'once';
  info(deps.logger, 'worker stopped', { event: 'worker-stopped', worker: o.workerId, stoppedBy, ticks });
  return { workerId: o.workerId, ticks, runs, warnings: warnings.all(), actions: actions.report(), stoppedBy };
}

/** Runs the action tick, sums what it did, logs what changed (not every quiet minute) and every failure. */
class ActionTicks {
  #sum: { -readonly [K in keyof ActionTickReport]: ActionTickReport[K] } =
    { ticks: 0, failed: 0, lastError: null, assigned: 0, created: 0, cancelled: 0, expired: 0 };
  constructor(private readonly deps: JobDeps, private readonly jobs: WorkerJobs, private readonly workerId: string) {}

  async run(): Promise<void> {
    this.#sum.ticks += 1;
    try {
      const c = await this.jobs.actions(this.deps);
      this.#sum.assigned += c.assigned;
      this.#sum.created += c.created;
      this.#sum.cancelled += c.cancelled;
      this.#sum.expired += c.expired;
      if (c.assigned + c.created + c.cancelled + c.expired > 0) {
        info(this.deps.logger, 'skill actions generated', { event: 'actions-generated', worker: this.workerId, ...c });
      }
    } catch (err) {
      const error = `${(err as Error).name}: ${(err as Error).message}`.split('\n')[0]!;
      this.#sum.failed += 1;
      this.#sum.lastError = error;
      warn(this.deps.logger, 'skill-action tick failed (retried on the next pass)', { event: 'actions-failed', worker: this.workerId, error });
    }
  }

  report(): ActionTickReport {
    return { ...this.#sum };
  }
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

/** Collects warnings, logging each the first time it is seen (a long-running worker would repeat it every tick). */
export class WarningLog {
  readonly #seen = new Map<string, WorkerWarning>();
  readonly #deps: JobDeps;
  readonly #workerId: string;
  constructor(deps: JobDeps, workerId: string) {
    this.#deps = deps;
    this.#workerId = workerId;
  }

  add(w: WorkerWarning): void {
    const id = JSON.stringify(w);
    if (this.#seen.has(id)) return;
    this.#seen.set(id, w);
    const { message, kind, ...fields } = w;
    warn(this.#deps.logger, message, { event: kind, worker: this.#workerId, ...fields });
  }

  all(): WorkerWarning[] {
    return [...this.#seen.values()];
  }
}

/** One pass: the daily catch-up, then the analysis; stops between jobs when the signal aborted. */
export async function tick(deps: JobDeps, jobs: WorkerJobs, o: WorkerOptions, s: Schedule,
  warnings: WarningLog = new WarningLog(deps, o.workerId)): Promise<RunReport[]> {
  const out: RunReport[] = [];
  for (const job of ['daily', 'analysis'] as const) {
    if (o.signal.aborted) break;
    const report = await runJob(deps, jobs, o, s, job, warnings);
    if (report) out.push(report);
  }
  return out;
}

interface DuePlan {
  readonly keys: string[];
  readonly warnings: WorkerWarning[];
  /** Set on a first start of the daily job (no completed run at or before now). */
  readonly firstStart?: { readonly lastMetricDay: string | undefined };
}

/** The keys `job` owes now, and what the ledger held that the operator should hear about. */
async function planJob(deps: JobDeps, o: WorkerOptions, s: Schedule, job: JobName): Promise<DuePlan> {
  const now = deps.clock.now();
  const latestDue = latestRun(job, now, s).runKey;
  const ledger = await ledgerAsOf(deps.db, job, latestDue);
  const warnings: WorkerWarning[] = [];
  if (ledger.futureCount > 0) {
    const more = ledger.futureCount > ledger.futureKeys.length ? ', …' : '';
    warnings.push({
      kind: 'future-run-keys', job, latestDue, runKeys: ledger.futureKeys, count: ledger.futureCount,
      message: `lh_job_runs holds ${ledger.futureCount} ${job} run key(s) after ${latestDue}, the latest due now ` +
        `(${ledger.futureKeys.join(', ')}${more}): they are in the future and ignored (a clock that was ahead, ` +
        `e.g. --now, wrote them); a succeeded one would be skipped when its day comes, so delete them if they ` +
        `are wrong: delete from lh_job_runs where job = '${job}' and run_key > '${latestDue}'`,
    });
  }
  if (job === 'analysis') {
    const key = dueAnalysisKey(now, ledger.lastSucceeded, s);
    return { keys: key === undefined ? [] : [key], warnings };
  }
  const lastMetricDay = ledger.lastSucceeded === undefined ? await latestMetricDay(deps.db, latestDue) : undefined;
  const keys = dueDailyKeys(now, ledger.lastSucceeded, s, o.maxBackfillDays, lastMetricDay);
  const after = ledger.lastSucceeded !== undefined
    ? { source: 'lh_job_runs' as const, day: ledger.lastSucceeded }
    : lastMetricDay !== undefined ? { source: 'lh_daily_metrics' as const, day: lastMetricDay } : undefined;
  const missingDays = after === undefined ? 0 : daysFrom(after.day, latestDue);
  if (after !== undefined && keys.length > 0 && missingDays > keys.length) {
    const leftOut = { from: addDays(after.day, 1), to: addDays(keys[0]!, -1) };
    warnings.push({
      kind: 'backfill-bounded', job, after, missingDays, leftOut,
      message: `${missingDays} metric days are owed after ${after.day} (the newest in ${after.source}); only the ` +
        `latest ${keys.length} are computed (--max-backfill-days ${o.maxBackfillDays}); compute the rest with ` +
        `lh-brain daily --from ${leftOut.from} --to ${leftOut.to}`,
    });
  }
  return ledger.lastSucceeded === undefined ? { keys, warnings, firstStart: { lastMetricDay } } : { keys, warnings };
}

async function runJob(deps: JobDeps, jobs: WorkerJobs, o: WorkerOptions, s: Schedule, job: JobName,
  warnings: WarningLog): Promise<RunReport | undefined> {
  const plan = await planJob(deps, o, s, job);
  for (const w of plan.warnings) warnings.add(w);
  if (plan.keys.length === 0) return undefined;
  if (plan.firstStart) {
    info(deps.logger, plan.firstStart.lastMetricDay === undefined
      ? `${job}: first start and no metric day yet, computing the latest day only`
      : `${job}: first start, computing the days after ${plan.firstStart.lastMetricDay} (the newest in lh_daily_metrics)`,
    { event: 'first-start', job, worker: o.workerId, lastMetricDay: plan.firstStart.lastMetricDay ?? null, runKeys: plan.keys });
  }
  const locked = await withJobLock(deps.db, job, async (): Promise<RunReport | undefined> => {
    // again under the lock: another worker may have completed some meanwhile
    const keys = await beginRuns(deps.db, job, (await planJob(deps, o, s, job)).keys, deps.clock.now(), o.workerId);
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
