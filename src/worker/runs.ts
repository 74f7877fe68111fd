/**
 * The run ledger (lh_job_runs) and the per-job lock that keeps two workers from running a job at once.
 *
 * Lock: on PostgreSQL, `pg_try_advisory_xact_lock` taken by a transaction that stays open on its own
 * pooled connection while the job runs on the others. It is released when the run ends — or when the
 * process dies and its connection closes, so a crashed worker never leaves a lock behind (a lease row
 * would need an expiry guess). Hence, under the lock, a row still 'running' is a crashed run's: it is
 * taken over (attempts + 1). PGlite is one process's private database: no lock is needed or possible
 * (its single connection would wait on itself).
 * Caveat: a server-side idle_in_transaction_session_timeout shorter than a run would end the lock's
 * connection; the job then still finishes, but another worker could start the same run meanwhile.
 */
import type { Database } from '../db/port.ts';
import type { JobName } from './schedule.ts';

/** First key of the two-key advisory lock; the second is the job. Arbitrary, fixed for this project. */
const LOCK_NAMESPACE = 727_100_900;
const JOB_LOCK_ID: Record<JobName, number> = { daily: 1, analysis: 2 };

export type Locked<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/** Runs `fn` while holding `job`'s lock; `{ acquired: false }` at once if another process holds it. */
export async function withJobLock<T>(db: Database, job: JobName, fn: () => Promise<T>): Promise<Locked<T>> {
  if (db.kind === 'pglite') return { acquired: true, value: await fn() };
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1, $2) as ok', [LOCK_NAMESPACE, JOB_LOCK_ID[job]]);
    if (!row?.ok) return { acquired: false } as const;
    return { acquired: true, value: await fn() } as const;
  });
}

/** How many future keys a report lists by name (the count is always complete). */
export const FUTURE_KEYS_LISTED = 10;

/** What the ledger says about `job` as of the latest run key due now (`upTo`). */
export interface LedgerAsOf {
  /** The newest succeeded run key at or before `upTo`: the last run, as far as the schedule is concerned. */
  readonly lastSucceeded: string | undefined;
  /**
   * Run keys after `upTo`, of any status, oldest first, at most FUTURE_KEYS_LISTED: runs recorded by a
   * clock that was ahead of this one (e.g. `worker --once --now 2030-…`). They are reported, never taken
   * as the last run, so they cannot make the worker think nothing is due.
   */
  readonly futureKeys: readonly string[];
  readonly futureCount: number;
}

export async function ledgerAsOf(db: Database, job: JobName, upTo: string): Promise<LedgerAsOf> {
  const [row] = await db.query<{ last: string | null; n: number }>(
    `select (select max(run_key) from public.lh_job_runs where job = $1 and status = 'succeeded' and run_key <= $2) as last,
            (select count(*)::int from public.lh_job_runs where job = $1 and run_key > $2) as n`, [job, upTo]);
  const futureCount = row?.n ?? 0;
  const futureKeys = futureCount === 0 ? [] : (await db.query<{ k: string }>(
    'select run_key as k from public.lh_job_runs where job = $1 and run_key > $2 order by run_key limit $3',
    [job, upTo, FUTURE_KEYS_LISTED])).map((r) => r.k);
  return { lastSucceeded: row?.last ?? undefined, futureKeys, futureCount };
}

/** The newest metric day in lh_daily_metrics at or before `upTo` (a later one came from a clock that was ahead). */
export async function latestMetricDay(db: Database, upTo: string): Promise<string | undefined> {
  const [row] = await db.query<{ d: string | null }>(
    'select max(metric_date)::text as d from public.lh_daily_metrics where metric_date <= $1::date', [upTo]);
  return row?.d ?? undefined;
}

/** Marks runs as started (call under the job's lock); a key that already succeeded is left alone and not returned. */
export async function beginRuns(db: Database, job: JobName, keys: readonly string[], now: Date, worker: string): Promise<string[]> {
  const rows = await db.query<{ run_key: string }>(
    `insert into public.lh_job_runs as r (job, run_key, status, attempts, started_at, worker)
       select $1, k, 'running', 1, $3::timestamptz, $4 from unnest($2::text[]) as k
     on conflict (job, run_key) do update
       set status = 'running', attempts = r.attempts + 1, started_at = excluded.started_at,
           finished_at = null, error = null, summary = null, worker = excluded.worker
       where r.status <> 'succeeded'
     returning r.run_key`,
    [job, keys, now.toISOString(), worker]);
  return rows.map((r) => r.run_key).sort();
}

export type RunEnd =
  | { readonly status: 'succeeded'; readonly summary: Readonly<Record<string, unknown>> }
  | { readonly status: 'failed'; readonly error: string };

/** Records how the runs ended. */
export async function finishRuns(db: Database, job: JobName, keys: readonly string[], end: RunEnd, now: Date): Promise<void> {
  await db.query(
    `update public.lh_job_runs set status = $3, finished_at = $4::timestamptz, error = $5, summary = $6::text::jsonb
     where job = $1 and run_key = any($2::text[])`,
    [job, keys, end.status, now.toISOString(), end.status === 'failed' ? end.error : null,
      end.status === 'succeeded' ? JSON.stringify(end.summary) : null]);
}
