// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Cold-start guard: a check may fire only when the pipeline's history covers the windows it reads.
 *
 * On a young pipeline (a fresh deployment, a simulation without warm-up) the windows are only partly
 * filled, and partly filled windows are biased: qualifications take days to happen, so an event-dated
 * "qualified / contacted" over the first week reads 0/38; a baseline of days-to-qualify that holds only
 * the first days' (necessarily short) delays makes every later week look slow. So each check names the
 * windows it needs and how its units are dated; the window's first day, minus the maturity horizon of
 * that dating, must be on or after the first day of data (DetectionInput.historyStart). Otherwise the
 * check stays quiet, and says so: "history starts 2026-01-05; the qualify cohort needs data from 2025-12-30".
 */
import { quiet, type Check, type Quiet } from './checks.ts';
import type { DetectionConfig } from './config.ts';
import { daysBefore, type DayRange } from './input.ts';

/**
 * What a window's units are dated by. An event needs the history of the stages before it:
 * - `created`: leads by creation day (new leads, the contact and source cohorts): nothing before;
 * - `contacted`: contacts by contact day (contacted counts, response times, the qualify cohort): a
 *   contact on day X belongs to a lead created up to maturity.contactDays earlier;
 * - `qualified`: qualifications by their day (qualified counts, days to qualify): created → contacted →
 *   qualified, maturity.contactDays + maturity.qualifyDays earlier;
 * - `labels`: validation truths by their arrival day (F1): each label is scored on its own, nothing before.
 */
export type Dating = 'created' | 'contacted' | 'qualified' | 'labels';

/** Days of history a window dated by `dating` needs before its first day. */
export function historyLag(dating: Dating, c: DetectionConfig): number {
  switch (dating) {
    case 'created':
    case 'labels':
      return 0;
    case 'contacted':
      return c.maturity.contactDays;
    case 'qualified':
      return c.maturity.contactDays + c.maturity.qualifyDays;
  }
}

/** One window a check reads: named for the reason, e.g. "the recent window", "the qualify cohort's baseline". */
export interface WindowNeed {
  readonly what: string;
  readonly range: DayRange;
  readonly dating: Dating;
}

/** The first day of data the window needs (its first day minus the lag of its dating). */
export function neededFrom(need: WindowNeed, c: DetectionConfig): string {
  return daysBefore(need.range.from, historyLag(need.dating, c));
}

/**
 * Why the history does not cover `needs` (naming the window that reaches back furthest), or undefined
 * when it does. A null history (no leads at all) covers nothing.
 */
export function coverageGap(name: string, historyStart: string | null, needs: readonly WindowNeed[], c: DetectionConfig): Quiet | undefined {
  if (historyStart === null) return quiet(`${name}: no history yet (no leads)`);
  let worst: { need: WindowNeed; from: string } | undefined;
  for (const need of needs) {
    const from = neededFrom(need, c);
    if (worst === undefined || from < worst.from) worst = { need, from };
  }
  if (worst === undefined || worst.from >= historyStart) return undefined;
  return quiet(`${name}: history starts ${historyStart}; ${worst.need.what} needs data from ${worst.from}`);
}

/** `check()` when the history covers `needs`, else the quiet reason (the check is not even computed). */
export function whenCovered(
  name: string, historyStart: string | null, needs: readonly WindowNeed[], c: DetectionConfig, check: () => Check,
): Check {
  return coverageGap(name, historyStart, needs, c) ?? check();
}
