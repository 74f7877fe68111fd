/**
 * The worker's schedule, pure: from an instant and the business time zone, which runs are due and when
 * the next one is. The same timetable as the Supabase pg_cron jobs, but in the business zone (pg_cron
 * runs in UTC): the daily job at 00:01 local every day, the analysis on Mondays at 03:00 local.
 *
 * Run keys name a run so it is recorded once (lh_job_runs): the daily run at 00:01 on day X computes the
 * metric day X − 1 and is keyed by it; the analysis run is keyed by its Monday's date.
 */
import { addDays, daysFrom, localDate, localToInstant, weekday, type LocalTime } from './zoned-time.ts';

export type JobName = 'daily' | 'analysis';

export interface Schedule {
  readonly timeZone: string;
  /** Local time of the daily run. */
  readonly dailyAt: LocalTime;
  /** Day of the week of the analysis run, 0 = Sunday … 6 = Saturday. */
  readonly analysisWeekday: number;
  readonly analysisAt: LocalTime;
}

/** docs/design.md §3/§4: 00:01 daily, Monday weekly (03:00, like the pg_cron job). */
export const DEFAULT_SCHEDULE = {
  dailyAt: { hour: 0, minute: 1 },
  analysisWeekday: 1,
  analysisAt: { hour: 3, minute: 0 },
} as const satisfies Omit<Schedule, 'timeZone'>;

/** One occurrence of a job in the timetable. */
export interface ScheduledRun {
  readonly job: JobName;
  readonly runKey: string;
  /** When it is (or was) due. */
  readonly at: Date;
}

function dailyRunOn(date: string, s: Schedule): ScheduledRun {
  return { job: 'daily', runKey: addDays(date, -1), at: localToInstant(date, s.dailyAt, s.timeZone) };
}

function analysisRunOn(date: string, s: Schedule): ScheduledRun {
  return { job: 'analysis', runKey: date, at: localToInstant(date, s.analysisAt, s.timeZone) };
}

/** The latest run of `job` due at or before `now`. */
export function latestRun(job: JobName, now: Date, s: Schedule): ScheduledRun {
  const today = localDate(now, s.timeZone);
  if (job === 'daily') {
    const run = dailyRunOn(today, s);
    return run.at <= now ? run : dailyRunOn(addDays(today, -1), s);
  }
  const back = (weekday(today) - s.analysisWeekday + 7) % 7;
  const run = analysisRunOn(addDays(today, -back), s);
  return run.at <= now ? run : analysisRunOn(addDays(today, -back - 7), s);
}

/** The first run of `job` due strictly after `now`. */
export function nextRun(job: JobName, now: Date, s: Schedule): ScheduledRun {
  const today = localDate(now, s.timeZone);
  if (job === 'daily') {
    const run = dailyRunOn(today, s);
    return run.at > now ? run : dailyRunOn(addDays(today, 1), s);
  }
  const ahead = (s.analysisWeekday - weekday(today) + 7) % 7;
  const run = analysisRunOn(addDays(today, ahead), s);
  return run.at > now ? run : analysisRunOn(addDays(today, ahead + 7), s);
}

/**
 * The metric days the daily job owes as of `now`, oldest first: every day after the last completed run
 * up to the latest due, at most `maxBackfillDays` (the most recent ones). Without any completed run (a
 * first start), every day after `lastMetricDay` — the newest day already in lh_daily_metrics, however it
 * got there (`lh-brain daily`, the edge function) — with the same bound; with neither, only the latest day
 * (older history is backfilled on purpose with `lh-brain daily --from --to`). A `lastCompleted` or
 * `lastMetricDay` after the latest due day owes nothing (callers pass only keys at or before it).
 */
export function dueDailyKeys(now: Date, lastCompleted: string | undefined, s: Schedule, maxBackfillDays: number,
  lastMetricDay?: string): string[] {
  const latest = latestRun('daily', now, s).runKey;
  const after = lastCompleted ?? lastMetricDay;
  if (after === undefined) return [latest];
  const missing = daysFrom(after, latest);
  const count = Math.min(Math.max(missing, 0), Math.max(1, Math.floor(maxBackfillDays)));
  return Array.from({ length: count }, (_, i) => addDays(latest, i - count + 1));
}

/** The analysis run owed as of `now`: the latest Monday's, unless it completed. Older missed weeks are not re-run (an analysis always reads the tests as they are now). */
export function dueAnalysisKey(now: Date, lastCompleted: string | undefined, s: Schedule): string | undefined {
  const key = latestRun('analysis', now, s).runKey;
  return lastCompleted !== undefined && lastCompleted >= key ? undefined : key;
}

/** Parses 'HH:MM' (24 h); undefined when it is not one. */
export function parseLocalTime(text: string): LocalTime | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : undefined;
}
