/**
 * The business calendar the daily job runs in: which time zone a metric day lives in, and which day
 * "yesterday" is as of the run's clock. Computed by the database, so the job and the SQL functions agree
 * on zone names and DST rules (and the core needs no Intl time-zone support).
 */
import type { Queryable } from '../port.ts';
import { DAILY_JOB_OBJECTS, missingSchemaObjects } from './schema-check.ts';

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

/** Names of the objects the daily job uses (DAILY_JOB_OBJECTS) that the database lacks (empty when migrated). */
export function missingDailySchema(db: Queryable): Promise<string[]> {
  return missingSchemaObjects(db, DAILY_JOB_OBJECTS);
}
