// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The two SQL functions the daily job calls for each day (migrations 000200 and 000300). Each returns
 * the stored result as JSON with the table's snake_case column names; src/jobs/daily-result.ts maps it.
 */
import type { Queryable } from '../port.ts';

/** Raw jsonb returned by lh_update_daily_metrics (to_jsonb of the lh_daily_metrics row). */
export type DailyMetricsRow = Record<string, unknown>;
/** Raw jsonb returned by lh_update_pattern_performance. */
export type PatternPerformanceRow = Record<string, unknown>;

/** Compute and upsert lh_daily_metrics for `date` in `timeZone` (idempotent). */
export async function updateDailyMetrics(db: Queryable, date: string, timeZone: string): Promise<DailyMetricsRow> {
  const rows = await db.query<{ m: DailyMetricsRow }>(
    'select public.lh_update_daily_metrics($1::date, $2::text) as m', [date, timeZone]);
  const m = rows[0]?.m;
  if (!m) throw new Error(`lh_update_daily_metrics(${date}) returned nothing`);
  return m;
}

/** Score the validations whose truth arrived on `date` and upsert lh_pattern_performance (idempotent). */
export async function updatePatternPerformance(db: Queryable, date: string, timeZone: string): Promise<PatternPerformanceRow> {
  const rows = await db.query<{ p: PatternPerformanceRow }>(
    'select public.lh_update_pattern_performance($1::date, $2::text) as p', [date, timeZone]);
  const p = rows[0]?.p;
  if (!p) throw new Error(`lh_update_pattern_performance(${date}) returned nothing`);
  return p;
}
