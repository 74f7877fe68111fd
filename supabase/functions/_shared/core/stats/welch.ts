// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Welch's unequal-variance t-test from per-group summary statistics (the app aggregates in SQL and
 * never sees rows). Used for duration metrics (docs/design.md §4).
 */
import { studentTQuantile, studentTTwoSidedP } from './distributions.ts';
import {
  insufficient, invalid, isFiniteNumber, isOpenProbability,
  type Interval, type StatsFailure,
} from './result.ts';

/** n, sample mean and unbiased sample variance (divisor n − 1) of one group. */
export interface MeanSummary {
  n: number;
  mean: number;
  variance: number;
}

export interface WelchResult {
  kind: 'ok';
  /** treatment mean − control mean. */
  difference: number;
  /** Standard error of the difference, sqrt(v1/n1 + v2/n2). */
  standardError: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom (fractional). */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  /** CI for the difference at `confidence`, using the t quantile with df. */
  differenceCi: Interval;
  confidence: number;
}

function checkSummary(g: MeanSummary, label: string): StatsFailure | null {
  if (!isFiniteNumber(g.n) || !Number.isInteger(g.n) || g.n < 0) return invalid(`${label}: n must be an integer ≥ 0`);
  if (!isFiniteNumber(g.mean)) return invalid(`${label}: mean must be finite`);
  if (!isFiniteNumber(g.variance) || g.variance < 0) return invalid(`${label}: variance must be finite and ≥ 0`);
  if (g.n < 2) return insufficient(`${label}: needs at least 2 units for a variance (n = ${g.n})`);
  return null;
}

/**
 * Welch–Satterthwaite degrees of freedom: (a + b)² / (a²/(n1−1) + b²/(n2−1)), a = v1/n1, b = v2/n2.
 * Reference: Welch (1947), Biometrika 34; scipy.stats.ttest_ind(equal_var=False).
 * Example: a = b = 1, n1 = n2 = 10 → df = 18.
 */
export function welchDf(control: MeanSummary, treatment: MeanSummary): number {
  const a = control.variance / control.n;
  const b = treatment.variance / treatment.n;
  return (a + b) ** 2 / (a ** 2 / (control.n - 1) + b ** 2 / (treatment.n - 1));
}

/**
 * Welch's two-sided t-test of treatment vs control from summaries, with a CI for the difference.
 * Matches scipy.stats.ttest_ind_from_stats(treatment…, control…, equal_var=False) and R
 * `t.test(y_t, y_c)`. Both variances 0 → insufficient-data (no estimate of noise).
 * Example (R's sleep data, t.test(extra ~ group)): treatment = group 1 (mean 0.75),
 * control = group 2 (mean 2.33) → t = −1.8608, df = 17.776, p = 0.07939, 95 % CI [−3.3655, 0.2055] for group1 − group2.
 */
export function welchTest(
  control: MeanSummary,
  treatment: MeanSummary,
  options: { confidence?: number } = {},
): WelchResult | StatsFailure {
  const confidence = options.confidence ?? 0.95;
  if (!isOpenProbability(confidence)) return invalid(`confidence must be in (0, 1), got ${confidence}`);
  const bad = checkSummary(control, 'control') ?? checkSummary(treatment, 'treatment');
  if (bad) return bad;
  const se = Math.sqrt(control.variance / control.n + treatment.variance / treatment.n);
  if (!(se > 0)) return insufficient('both groups have zero variance: the t statistic is undefined');
  const difference = treatment.mean - control.mean;
  const df = welchDf(control, treatment);
  const t = difference / se;
  const tc = studentTQuantile(1 - (1 - confidence) / 2, df);
  return {
    kind: 'ok', difference, standardError: se, t, df,
    pValue: studentTTwoSidedP(t, df),
    differenceCi: { lower: difference - tc * se, upper: difference + tc * se },
    confidence,
  };
}

export interface LogScaleWelchResult extends WelchResult {
  /** exp(difference of mean logs) = geometric mean(treatment) / geometric mean(control). */
  geometricMeanRatio: number;
  /** CI for the ratio of geometric means (exp of the log-scale CI). */
  ratioCi: Interval;
  /** (ratio − 1)·100: % change of the geometric mean; negative = shorter durations. */
  pctChange: number;
}

/**
 * Welch's test on ln(x) for skewed positive data (durations): inputs are n, mean and variance of
 * ln(x) per group (computed in SQL as avg(ln(x)), var_samp(ln(x))). It compares GEOMETRIC means
 * (≈ medians for log-normal data), not arithmetic means; the result is a ratio with its CI.
 * Reference: Bland & Altman (1996) BMJ 312:1079, "Transforming data"; scipy on np.log(x).
 * Example: mean logs 3.0 vs 2.9, variance 0.5, n = 200 each → ratio e^−0.1 ≈ 0.905 (−9.5 %).
 */
export function logScaleWelch(
  controlLog: MeanSummary,
  treatmentLog: MeanSummary,
  options: { confidence?: number } = {},
): LogScaleWelchResult | StatsFailure {
  const r = welchTest(controlLog, treatmentLog, options);
  if (r.kind !== 'ok') return r;
  const geometricMeanRatio = Math.exp(r.difference);
  return {
    ...r,
    geometricMeanRatio,
    ratioCi: { lower: Math.exp(r.differenceCi.lower), upper: Math.exp(r.differenceCi.upper) },
    pctChange: (geometricMeanRatio - 1) * 100,
  };
}
