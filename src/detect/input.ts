/**
 * What the detection rules read: window summaries computed set-based in SQL (src/db/queries/
 * detection-input.ts) or, in the simulator, from synthetic leads. Counts are always numbers (0 when
 * nothing happened); summaries of nothing are null, never NaN. Day ranges are inclusive local dates in
 * the business time zone.
 */
import type { DetectionConfig } from './config.ts';

/** Inclusive range of local metric days, 'YYYY-MM-DD'. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** n, mean and sample variance of a duration, and of its natural log (floored at one minute). */
export interface DurationSummary {
  readonly n: number;
  /** null when n = 0. */
  readonly mean: number | null;
  /** Sample variance (divisor n − 1); null when n < 2. */
  readonly variance: number | null;
  readonly meanLog: number | null;
  readonly varianceLog: number | null;
}

/** Event-dated funnel figures of one window (docs/design.md §2 "Metric definitions", summed over the window's days). */
export interface FunnelWindow {
  readonly range: DayRange;
  readonly newLeads: number;
  readonly contacted: number;
  readonly qualified: number;
  readonly closed: number;
  /** contacted_at − created_at in hours, leads contacted in the window; nonsense timestamps excluded. */
  readonly responseHours: DurationSummary;
  /** qualified_at − contacted_at in days, leads qualified in the window; nonsense timestamps excluded. */
  readonly daysToQualify: DurationSummary;
  /** Events in the window kept out of an average because their timestamps make no sense. */
  readonly invalidRows: number;
}

/** A matured cohort: n units and how many reached the outcome within the maturity horizon. */
export interface Cohort {
  readonly range: DayRange;
  readonly n: number;
  readonly successes: number;
}

/** Leads created in the range: contacted within maturity.contactDays; `fast` within fastResponseHours. */
export interface ContactCohort extends Cohort {
  readonly fast: number;
}

/** Confusion counts of the validations scored in the window (lh_scored_truths: one per validation and truth day, all patterns). */
export interface ConfusionTotals {
  readonly range: DayRange;
  /** Days with at least one scored validation. */
  readonly days: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** Mann–Whitney inputs for response hours over both funnel windows (recent = group 1). */
export interface ResponseRanks {
  readonly nRecent: number;
  readonly nBaseline: number;
  /** Sum of the pooled average ranks of the recent window's response times. */
  readonly rankSumRecent: number;
  /** Σ (t³ − t) over groups of t tied response times. */
  readonly tieTermSum: number;
}

/** One source's share of a funnel-wide cohort: its recent and baseline units and successes. */
export interface SourceCohorts {
  readonly source: string;
  readonly recent: Cohort;
  readonly baseline: Cohort;
}

/** One lead source's matured cohorts: converted = qualified or closed within maturity.sourceDays. */
export interface SourceFigures extends SourceCohorts {
  /** The threshold rule's window (weakLeadSource.windowDays, ending maturity.sourceDays before D). */
  readonly window: Cohort;
}

/** One contact day (valid leads contacted that local day, as of D): the qualify and response figures of the CUSUMs. */
export interface DailyContacts {
  readonly n: number;
  /** Valid response times of the day's contacts, and Σ ln(hours) and Σ ln²(hours) (floored at one minute). */
  readonly responseN: number;
  readonly responseLogSum: number;
  readonly responseLogSq: number;
  /**
   * qualifiedByLag[j]: of the day's contacts, how many qualified by local day contact day + j (j = 0..qualifyDays),
   * as of D: a recent contact day of age a < j has seen only lags ≤ a, so its entries from a on are equal.
   */
  readonly qualifiedByLag: readonly number[];
}

/** Durations of one local day: n, Σ ln(x), Σ ln²(x). */
export interface DailyDurations {
  readonly n: number;
  readonly logSum: number;
  readonly logSq: number;
}

/** Validations scored on one truth day (lh_scored_truths): tp and m = tp + fp + fn (F1's share J = tp / m). */
export interface DailyLabels {
  readonly tp: number;
  readonly m: number;
}

/**
 * Per-day aggregates over `range` (the CUSUM days and the baseline days before them), one entry per local day,
 * oldest first, zeros on a day without data: what the sequential detectors read (src/detect/cusum-checks.ts).
 */
export interface DailySeries {
  readonly range: DayRange;
  /** By contact day. */
  readonly contacts: readonly DailyContacts[];
  /** By truth day. */
  readonly labels: readonly DailyLabels[];
}

/** Days before D of the per-day series: the CUSUM days and the baseline days before them. */
export function dailyOffsets(config: DetectionConfig): { fromBack: number; toBack: number } {
  return { fromBack: config.cusum.days + config.baselineDays - 1, toBack: 0 };
}

export interface DetectionInput {
  /** The metric day D. */
  readonly date: string;
  readonly timeZone: string;
  readonly funnel: { readonly recent: FunnelWindow; readonly baseline: FunnelWindow };
  readonly responseRanks: ResponseRanks;
  readonly contactCohorts: { readonly recent: ContactCohort; readonly baseline: ContactCohort };
  /** Leads contacted in the range (valid contact), qualified within maturity.qualifyDays. */
  readonly qualifyCohorts: { readonly recent: Cohort; readonly baseline: Cohort };
  /**
   * The same cohorts per source (sorted by source; they sum to qualifyCohorts): what attribution reads to
   * tell a drop of one source from a funnel-wide one (src/detect/attribution.ts).
   */
  readonly qualifyCohortsBySource: readonly SourceCohorts[];
  readonly accuracy: { readonly recent: ConfusionTotals; readonly baseline: ConfusionTotals };
  /** Sorted by source name. Leads without a source are grouped as 'unknown'. */
  readonly sources: readonly SourceFigures[];
  /**
   * The first day of data: the local date (business time zone) of the earliest lead's created_at; null
   * when there are no leads. A check whose windows reach back before it stays quiet (src/detect/coverage.ts):
   * on a young pipeline the windows are only partly filled, and partly filled windows are biased.
   */
  readonly historyStart: string | null;
  /** Per-day aggregates of the sequential detectors (dailyOffsets). */
  readonly daily: DailySeries;
}

/** Offsets (days before D) of a recent/baseline pair of windows, both ends inclusive. */
export interface WindowOffsets {
  readonly recent: { readonly fromBack: number; readonly toBack: number };
  readonly baseline: { readonly fromBack: number; readonly toBack: number };
}

/**
 * The recent window ends `shift` days before D and spans recentDays; the baseline spans baselineDays
 * just before it. Cohort windows shift by their maturity so every unit had time to reach its outcome.
 */
export function windowOffsets(config: DetectionConfig, shift = 0): WindowOffsets {
  const recentFrom = shift + config.recentDays - 1;
  return {
    recent: { fromBack: recentFrom, toBack: shift },
    baseline: { fromBack: recentFrom + config.baselineDays, toBack: recentFrom + 1 },
  };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The calendar date `n` days before `date` (pure date arithmetic; no time zone involved). */
export function daysBefore(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

/** The inclusive date range `fromBack`..`toBack` days before `date`. */
export function dayRange(date: string, w: { fromBack: number; toBack: number }): DayRange {
  return { from: daysBefore(date, w.fromBack), to: daysBefore(date, w.toBack) };
}

/** 'from..to' for evidence and messages. */
export function showRange(r: DayRange): string {
  return `${r.from}..${r.to}`;
}

/** 'recent a..b vs baseline c..d'. */
export function showRanges(recent: DayRange, baseline: DayRange): string {
  return `recent ${showRange(recent)} vs baseline ${showRange(baseline)}`;
}
