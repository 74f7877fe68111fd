// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Cold-start guard, direction-aware: a check may fire on a window the pipeline's history only partly covers
 * when that can only hide the problem it looks for, and waits for full coverage when it could create one.
 *
 * On a young pipeline (a fresh deployment, a simulation without warm-up) the windows are only partly
 * filled, and a partly filled window can be biased: qualifications take days to happen, so an event-dated
 * "qualified / contacted" over the first week reads 0/38; a baseline of days-to-qualify that holds only
 * the first days' (necessarily short) delays makes every later week look slow. Those checks wait: the
 * window's first day, minus the maturity horizon of its dating, must be on or after the first day of data
 * (DetectionInput.historyStart), else the check stays quiet and says so ("history starts 2026-01-05; the
 * qualify cohort needs data from 2025-12-30"). But the same partial window makes response times and days
 * to qualify look *shorter* (the slowest have not happened yet), and matured cohorts and F1 labels are not
 * biased at all, only smaller: a young pipeline that answers in 6 hours, or whose validations are wrong a
 * third of the time, is told so in its first days, on whatever evidence the minimum volume accepts.
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

/**
 * How a partly covered window biases the check that reads it:
 * - `none`: a matured cohort dated by creation, or validation labels (each scored on its own): a partial
 *   window is a smaller sample, not a biased one;
 * - `hides-problem`: the units still missing are the ones that would show the problem (the slowest contacts
 *   or qualifications, for a check of "too slow"): the window can only look better than it is;
 * - `creates-problem`: the units still missing would make it look better (qualifications that have not
 *   happened yet in "qualified / contacted"; a baseline of only the first, short delays, against which every
 *   later week looks worse): the check could fire on an artefact, so it waits for full coverage. Every
 *   baseline is one: a drop is a change against the pipeline's established level, and a baseline of its
 *   first few days is neither established nor precise (the seeded young-pipeline simulation measured twice
 *   the false alarms when matured cohorts' baselines were allowed to be partial).
 */
export type PartialBias = 'none' | 'hides-problem' | 'creates-problem';

/** One window a check reads: named for the reason, e.g. "the recent window", "the qualify cohort's baseline". */
export interface WindowNeed {
  readonly what: string;
  readonly range: DayRange;
  readonly dating: Dating;
  readonly partial: PartialBias;
}

/** The first day of data the window needs (its first day minus the lag of its dating). */
export function neededFrom(need: WindowNeed, c: DetectionConfig): string {
  return daysBefore(need.range.from, historyLag(need.dating, c));
}

/**
 * Why the history does not cover `needs` enough to fire (naming the window that reaches back furthest), or
 * undefined when it does: a window whose partial coverage can create a problem must be fully covered; any
 * other must hold at least one day of data. A null history (no leads at all) covers nothing.
 */
export function coverageGap(name: string, historyStart: string | null, needs: readonly WindowNeed[], c: DetectionConfig): Quiet | undefined {
  if (historyStart === null) return quiet(`${name}: no history yet (no leads)`);
  const empty = needs.find((need) => need.range.to < historyStart);
  if (empty) return quiet(`${name}: history starts ${historyStart}, after ${empty.what} (${empty.range.from}..${empty.range.to})`);
  let worst: { need: WindowNeed; from: string } | undefined;
  for (const need of needs) {
    if (need.partial !== 'creates-problem') continue;
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
