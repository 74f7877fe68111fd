// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Calendar-day arithmetic on 'YYYY-MM-DD' strings (no time zone involved: a metric day is a label; its
 * boundaries are computed by the database in the business time zone).
 */
import { isIsoDate } from '../detect/input.ts';

export { isIsoDate };

const DAY_MS = 86_400_000;
/** The days from `from` to `to` inclusive, in order (both valid ISO dates, from <= to). */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const days: string[] = [];
  for (let t = start; t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * The range rule shared by every caller of the daily job (CLI, edge function, worker, simulator); the
 * README's daily-job section states it for users:
 * - at most MAX_RANGE_DAYS days per run, both ends inclusive (a leap year): a longer backfill is several runs;
 * - no day before EARLIEST_METRIC_DAY (PostgreSQL has no year 0, and the trailing windows of a day reach
 *   up to 100 years back, so a floor keeps every window a real calendar date);
 * - no day after the last complete day: "yesterday" in the business time zone as of the run's clock.
 *   Today's metrics cannot be final before the day ends, and a future day would be stored as zeros.
 */
export const MAX_RANGE_DAYS = 366;
export const EARLIEST_METRIC_DAY = '1970-01-01';

export interface RangeBounds {
  /** The last day whose metrics can be complete (the day before now in the business time zone). */
  readonly lastCompleteDay: string;
  /** Named in the message only. */
  readonly timeZone: string;
}

/**
 * Why the days `from`..`to` cannot run, or null when they can. Without `bounds` only the rules that need
 * no clock are checked (calendar dates, order, floor, length): callers use that before they connect, and
 * the job checks again with the business "yesterday".
 */
export function dayRangeProblem(from: string, to: string, bounds?: RangeBounds): string | null {
  for (const d of new Set([from, to])) {
    if (!isIsoDate(d)) return `not a calendar date (YYYY-MM-DD): "${d}"`;
    if (d < EARLIEST_METRIC_DAY) return `${d} is before ${EARLIEST_METRIC_DAY}, the earliest metric day`;
  }
  if (from > to) return `from (${from}) is after to (${to})`;
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  if (days > MAX_RANGE_DAYS) {
    return `${from} … ${to} is ${days} days; one run computes at most ${MAX_RANGE_DAYS} (split the backfill into several runs)`;
  }
  if (bounds && to > bounds.lastCompleteDay) {
    return `${to} is not over yet: the last complete day is ${bounds.lastCompleteDay} (${bounds.timeZone}); ` +
      'a day is computed once it has ended in the business time zone';
  }
  return null;
}
