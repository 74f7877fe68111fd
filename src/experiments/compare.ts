/**
 * Treatment vs control for one metric (pure): the metric's value per group, the relative lift (always
 * "positive = treatment better", so for lower-is-better durations the sign is flipped), the fixed-horizon
 * test docs/design.md §4 names for the metric's kind, and intervals. Never returns NaN or Infinity: what cannot be
 * computed is null with a reason.
 */
import { METRIC_KIND, lowerIsBetter, type TrackedMetric } from '../metrics.ts';
import {
  logScaleWelch, mannWhitneyFromRanks, mannWhitneyZ, twoProportionTest, welchTest, zForConfidence, type Interval,
} from '../stats/index.ts';
import type { GroupStats } from './outcomes.ts';

/** Which test gives the p-value of a duration metric (rates always use the pooled two-proportion z-test). */
export type DurationTest = 'welch' | 'log-welch' | 'mann-whitney';

export type TestName = 'two-proportion-z' | DurationTest;

export interface Comparison {
  readonly test: TestName;
  readonly lowerIsBetter: boolean;
  /** The metric's value per group: the rate for rates/accuracy, the mean for durations. */
  readonly controlValue: number | null;
  readonly treatmentValue: number | null;
  /** treatment − control, in the metric's units, with its CI at `confidence`. */
  readonly difference: number | null;
  readonly differenceCi: Interval | null;
  /** Standard error of `difference` (unpooled), for the sequential policy. */
  readonly standardError: number | null;
  /** Relative improvement in %: (t − c)/c, or (c − t)/c when lower is better; null when c = 0. */
  readonly liftPct: number | null;
  readonly liftCi: Interval | null;
  /** Two-sided fixed-horizon p-value; null when the test cannot be computed (see `note`). */
  readonly pValue: number | null;
  readonly confidence: number;
  /** Why something is null, in words. */
  readonly note: string | null;
}

function finiteOrNull(x: number | null | undefined): number | null {
  return x !== null && x !== undefined && Number.isFinite(x) ? x : null;
}

function emptyComparison(test: TestName, lower: boolean, c: GroupStats, t: GroupStats, confidence: number, note: string): Comparison {
  return {
    test, lowerIsBetter: lower, controlValue: finiteOrNull(c.mean), treatmentValue: finiteOrNull(t.mean),
    difference: c.mean !== null && t.mean !== null ? t.mean - c.mean : null,
    differenceCi: null, standardError: null, liftPct: null, liftCi: null, pValue: null, confidence, note,
  };
}

/** Relative improvement in % of treatment over control, sign-flipped for lower-is-better; null at c = 0. */
export function relativeImprovementPct(control: number, treatment: number, lower: boolean): number | null {
  if (control === 0 || !Number.isFinite(control) || !Number.isFinite(treatment)) return null;
  return ((lower ? control - treatment : treatment - control) / Math.abs(control)) * 100;
}

function compareRates(c: GroupStats, t: GroupStats, confidence: number): Comparison {
  const r = twoProportionTest({ successes: Math.round(c.sum), n: c.n }, { successes: Math.round(t.sum), n: t.n }, { confidence });
  if (r.kind !== 'ok') return emptyComparison('two-proportion-z', false, c, t, confidence, r.reason);
  const se = Math.sqrt((r.controlRate * (1 - r.controlRate)) / c.n + (r.treatmentRate * (1 - r.treatmentRate)) / t.n);
  return {
    test: 'two-proportion-z', lowerIsBetter: false,
    controlValue: r.controlRate, treatmentValue: r.treatmentRate,
    difference: r.difference, differenceCi: r.differenceCi, standardError: se,
    liftPct: r.lift?.pct ?? null, liftCi: r.lift?.ci ?? null,
    pValue: r.pValue, confidence, note: r.liftReason,
  };
}

/** CI of the lift of means by the delta method on ln(t̄/c̄), flipped to "improvement" for durations. */
function meanLiftCi(c: GroupStats, t: GroupStats, confidence: number, lower: boolean): Interval | null {
  if (!(c.mean !== null && t.mean !== null && c.mean > 0 && t.mean > 0 && c.variance !== null && t.variance !== null)) return null;
  const se = Math.sqrt(t.variance / (t.n * t.mean ** 2) + c.variance / (c.n * c.mean ** 2));
  const z = zForConfidence(confidence);
  const ratio = Math.log(t.mean / c.mean);
  const lo = Math.exp(ratio - z * se);
  const hi = Math.exp(ratio + z * se);
  return lower ? { lower: (1 - hi) * 100, upper: (1 - lo) * 100 } : { lower: (lo - 1) * 100, upper: (hi - 1) * 100 };
}

function durationP(test: DurationTest, c: GroupStats, t: GroupStats, confidence: number): { p: number | null; note: string | null } {
  if (test === 'log-welch') {
    if (c.logMean === null || t.logMean === null || c.logVariance === null || t.logVariance === null) {
      return { p: null, note: 'log-scale test needs at least 2 positive durations per group' };
    }
    const r = logScaleWelch({ n: c.nPositive, mean: c.logMean, variance: c.logVariance },
      { n: t.nPositive, mean: t.logMean, variance: t.logVariance }, { confidence });
    return r.kind === 'ok' ? { p: r.pValue, note: null } : { p: null, note: r.reason };
  }
  if (test === 'mann-whitney') {
    if (t.rankSum === null || c.tieTerm === null || t.tieTerm === null) return { p: null, note: 'rank sums not available' };
    const r = mannWhitneyFromRanks({ n1: t.n, n2: c.n, rankSum1: t.rankSum, tieTermSum: c.tieTerm + t.tieTerm });
    return r.kind === 'ok' ? { p: r.pTwoSided, note: null } : { p: null, note: r.reason };
  }
  return { p: null, note: null };
}

function compareMeans(c: GroupStats, t: GroupStats, confidence: number, lower: boolean, test: DurationTest): Comparison {
  const w = welchTest({ n: c.n, mean: c.mean ?? 0, variance: c.variance ?? 0 }, { n: t.n, mean: t.mean ?? 0, variance: t.variance ?? 0 }, { confidence });
  if (w.kind !== 'ok') return emptyComparison(test, lower, c, t, confidence, w.reason);
  const alt = test === 'welch' ? { p: w.pValue, note: null } : durationP(test, c, t, confidence);
  const liftPct = relativeImprovementPct(c.mean ?? 0, t.mean ?? 0, lower);
  return {
    test, lowerIsBetter: lower, controlValue: c.mean, treatmentValue: t.mean,
    difference: w.difference, differenceCi: w.differenceCi, standardError: w.standardError,
    liftPct, liftCi: liftPct === null ? null : meanLiftCi(c, t, confidence, lower),
    pValue: alt.p, confidence,
    note: alt.note ?? (liftPct === null ? 'control mean is 0: relative lift is undefined (null)' : null),
  };
}

/** Compares the two groups of one slice with the metric's test. */
export function compareGroups(
  metric: TrackedMetric, control: GroupStats, treatment: GroupStats,
  options: { confidence?: number; durationTest?: DurationTest } = {},
): Comparison {
  const confidence = options.confidence ?? 0.95;
  if (METRIC_KIND[metric] === 'duration') {
    return compareMeans(control, treatment, confidence, lowerIsBetter(metric), options.durationTest ?? 'welch');
  }
  return compareRates(control, treatment, confidence);
}

/** The improvement in the metric's good direction (treatment better ⇒ > 0), or null. */
export function improvement(c: Comparison): number | null {
  if (c.difference === null) return null;
  return c.lowerIsBetter ? -c.difference : c.difference;
}

/**
 * The standardized Mann–Whitney statistic of a duration comparison in the good direction: positive when the
 * treatment's durations tend to be shorter (lower is better), from the groups' rank sums in the pooled sample
 * (src/stats/mannWhitney.ts mannWhitneyZ, no continuity correction). Null when the rank sums are missing or a
 * group is empty.
 */
export function rankImprovementZ(control: GroupStats, treatment: GroupStats, lower: boolean): number | null {
  if (treatment.rankSum === null || control.tieTerm === null || treatment.tieTerm === null) return null;
  const r = mannWhitneyZ({ n1: treatment.n, n2: control.n, rankSum1: treatment.rankSum, tieTermSum: control.tieTerm + treatment.tieTerm });
  if (r.kind !== 'ok') return null;
  return lower ? -r.z : r.z;
}
