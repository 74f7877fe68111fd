/**
 * Wall-clock time in an IANA time zone, from Intl (present in Node and Deno alike), so the worker's
 * schedule is pure: instants in, instants out, no clock and no database.
 *
 * A wall time that does not exist (inside a spring-forward gap) or exists twice (fall-back overlap) is
 * resolved like Temporal's `disambiguation: 'compatible'` (and RFC 5545): a skipped time moves forward by
 * the length of the gap; a repeated time means its first occurrence. So a job at 00:01 on a day whose
 * midnight is skipped (America/Santiago) runs at 01:01, once.
 */

/** A local time of day. */
export interface LocalTime {
  readonly hour: number;
  readonly minute: number;
}

/** The zone is not one Intl knows: a configuration mistake the caller must report. */
export class TimeZoneError extends Error {
  override readonly name = 'TimeZoneError';
}

const DAY_MS = 86_400_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone, calendar: 'gregory', numberingSystem: 'latn', hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  } catch (cause) {
    throw new TimeZoneError(`unknown time zone "${timeZone}" (use an IANA name such as Europe/Berlin)`, { cause });
  }
}

/** Throws TimeZoneError unless `timeZone` is a zone Intl can compute with. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** The wall-clock reading of `instant` in `timeZone`, as milliseconds of a UTC-labelled date (seconds precision). */
function wallMs(instant: number, fmt: Intl.DateTimeFormat): number {
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
}

/** The calendar date ('YYYY-MM-DD') of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(wallMs(instant.getTime(), formatter(timeZone))).toISOString().slice(0, 10);
}

/** The instant at which the wall clock in `timeZone` shows `time` on `date` (see the module doc for gaps and overlaps). */
export function localToInstant(date: string, time: LocalTime, timeZone: string): Date {
  const fmt = formatter(timeZone);
  const wall = Date.parse(`${date}T00:00:00Z`) + (time.hour * 60 + time.minute) * 60_000;
  const offsetAt = (t: number) => wallMs(t, fmt) - Math.floor(t / 1000) * 1000;
  const before = offsetAt(wall - DAY_MS);
  const after = offsetAt(wall + DAY_MS);
  const candidates = [wall - before, wall - after]
    .filter((t) => wallMs(t, fmt) === wall)
    .sort((a, b) => a - b);
  // no candidate: the wall time falls in a gap; reading it with the earlier offset moves it past the gap
  return new Date(candidates[0] ?? wall - before);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Day of the week of a calendar date: 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Whole calendar days from `a` to `b` (positive when b is later). */
export function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}
