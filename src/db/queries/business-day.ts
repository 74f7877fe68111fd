/**
 * The business calendar the daily job runs in: which time zone a metric day lives in, and which day
 * "yesterday" is as of the run's clock. Computed by the database, so the job and the SQL functions agree
 * on zone names and DST rules (and the core needs no Intl time-zone support).
 */
import type { Queryable } from '../port.ts';
import { missingSchemaObjects } from './schema-check.ts';

/** The zone named by the caller, else lh_settings.business_time_zone, else UTC; `known` is false for a name PostgreSQL does not know. */
export async function resolveBusinessTimeZone(db: Queryable, requested: string | undefined): Promise<{ timeZone: string; known: boolean }> {
  const rows = await db.query<{ tz: string; known: boolean }>(
    `with z as (
       select coalesce($1::text, (select s.value from public.lh_settings s where s.key = 'business_time_zone'), 'UTC') as tz
     )
     select z.tz, public.lh_is_time_zone(z.tz) as known
     from z`,
    [requested ?? null],
  );
  const row = rows[0];
  if (!row) throw new Error('resolveBusinessTimeZone: the query returned no row');
  return { timeZone: row.tz, known: row.known };
}

/** The calendar day before `now` in `timeZone` ('YYYY-MM-DD'): at 00:01 the day that just ended. */
export async function previousBusinessDay(db: Queryable, now: Date, timeZone: string): Promise<string> {
  const rows = await db.query<{ d: string }>(
    `select ((($1::timestamptz) at time zone $2)::date - 1)::text as d`,
    [now.toISOString(), timeZone],
  );
  const d = rows[0]?.d;
  if (d === undefined) throw new Error('previousBusinessDay: the query returned no row');
  return d;
}

/** Names of the tables/functions the daily job needs that the database lacks (empty when migrated). */
export function missingDailySchema(db: Queryable): Promise<string[]> {
  return missingSchemaObjects(db, ['public.lh_settings', 'public.lh_spawned_skills', 'public.lh_ab_tests',
    'public.lh_update_daily_metrics(date,text,integer)', 'public.lh_update_pattern_performance(date,text)']);
}

/**
 * lh_settings.source_window_days as stored (null when the row is absent), so the job can reject a value
 * that lh_update_daily_metrics would cast to integer with a bare "invalid input syntax" error.
 */
export async function sourceWindowSetting(db: Queryable): Promise<string | null> {
  const rows = await db.query<{ value: string }>(
    `select s.value from public.lh_settings s where s.key = 'source_window_days'`);
  return rows[0]?.value ?? null;
}

/** A source window the SQL accepts: a whole number of days from 1 to 36500 (surrounding spaces allowed). */
export function isValidSourceWindow(value: string): boolean {
  if (!/^\s*\d{1,5}\s*$/.test(value)) return false;
  const n = Number(value.trim());
  return n >= 1 && n <= 36500;
}
