// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Calendar-day arithmetic on 'YYYY-MM-DD' strings (no time zone involved: a metric day is a label; its
 * boundaries are computed by the database in the business time zone).
 */
export { isIsoDate } from '../detect/input.ts';

const DAY_MS = 86_400_000;
/** The days from `from` to `to` inclusive, in order (both valid ISO dates, from <= to). */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const days: string[] = [];
  for (let t = start; t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
