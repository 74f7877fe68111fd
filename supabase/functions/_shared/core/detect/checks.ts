// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The four kinds of check every rule is built from (method in src/detect/README.md):
 * - a rate below a fixed line and a mean above a fixed line (the seed's thresholds), each required to
 *   be past the line with `thresholdConfidence` (one-sided z for rates, one-sample t for means);
 * - a rate drop against the baseline (one-sided pooled two-proportion z-test with continuity correction
 *   + minimum relative drop);
 * - a duration rise against the baseline (one-sided Mann–Whitney + minimum ratio of geometric means).
 * Each returns either `fired` with its evidence, or `quiet` with the reason, never NaN.
 */
import { logScaleWelch, mannWhitneyFromRanks, normalCdf, studentTCdf, twoProportionTest } from '../stats/index.ts';
import type { DetectionConfig } from './config.ts';
import type { DurationSummary, ResponseRanks } from './input.ts';
import { durationSeverity, rateSeverity } from './severity.ts';
import type { Evidence, Severity } from './types.ts';

export interface Fired {
  readonly kind: 'fired';
  readonly evidence: Evidence;
  readonly current: number;
  /** What the current value is compared with: the baseline for drops, the target for thresholds. */
  readonly reference: number;
  readonly severity: Severity;
}
export interface Quiet {
  readonly kind: 'quiet';
  readonly reason: string;
}
export type Check = Fired | Quiet;

export const quiet = (reason: string): Quiet => ({ kind: 'quiet', reason });

/** Rounds to 6 significant digits for evidence; non-finite numbers become null (never NaN in JSON). */
export function fig(x: number | null | undefined): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return Number(x.toPrecision(6));
}

export const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? String(Number(x.toFixed(digits))) : 'n/a');
export const pct = (x: number): string => `${fmt(x * 100, 1)}%`;

/** One-sided p that a rate x/n is below `line` (z with the null variance line·(1−line)/n). */
/**
 * F1 from its share J = tp / (tp + fp + fn): F1 = 2J / (1 + J), strictly increasing, so a test of F1 is a
 * test of the binomial share J (src/detect/rules/validation-accuracy-drop.ts, the F1 CUSUM).
 */
export const f1FromShare = (j: number): number => (2 * j) / (1 + j);
/** The share J = F / (2 − F) whose F1 is `f1` (the inverse of f1FromShare). */
export const shareFromF1 = (f1: number): number => f1 / (2 - f1);

export function pBelowLine(x: number, n: number, line: number): number {
  const se = Math.sqrt((line * (1 - line)) / n);
  if (!(se > 0)) return x / n < line ? 0 : 1;
  return normalCdf((x / n - line) / se);
}

/** One-sided p that the mean is above `line` (one-sample t, df = n − 1). */
export function pAboveLine(s: { n: number; mean: number; variance: number }, line: number): number {
  const se = Math.sqrt(s.variance / s.n);
  if (!(se > 0)) return s.mean > line ? 0 : 1;
  return studentTCdf(-(s.mean - line) / se, s.n - 1);
}

export interface RateLineSpec {
  readonly rule: string;
  /** What is measured, for the summary, e.g. "contact rate (contacted / new leads)". */
  readonly label: string;
  readonly successes: number;
  readonly n: number;
  readonly line: number;
  readonly target: number;
  readonly windowDays: number;
  readonly range: string;
}

/** The seed's "rate < line", guarded by minimum volume and thresholdConfidence. */
export function rateBelowLine(s: RateLineSpec, c: DetectionConfig): Check {
  if (s.n === 0) return quiet(`${s.rule}: no data in ${s.range}`);
  if (s.n < c.minEvents) return quiet(`${s.rule}: only ${s.n} events in ${s.range} (minimum ${c.minEvents})`);
  const rate = s.successes / s.n;
  const p = pBelowLine(s.successes, s.n, s.line);
  const needP = 1 - c.thresholdConfidence;
  if (!(rate < s.line)) return quiet(`${s.rule}: ${s.label} ${fmt(rate)} is not below ${s.line}`);
  if (!(p < needP)) return quiet(`${s.rule}: ${s.label} ${fmt(rate)} is below ${s.line} but not credibly (p = ${fmt(p, 4)} ≥ ${fmt(needP, 4)}, n = ${s.n})`);
  const lost = ((s.n * 7) / s.windowDays) * Math.max(0, s.target - rate);
  return {
    kind: 'fired', current: rate, reference: s.target, severity: rateSeverity(lost, c.severity),
    evidence: {
      trigger: { kind: 'threshold', rule: s.rule, threshold: s.line },
      figures: { value: fig(rate), successes: s.successes, n: s.n, pValue: fig(p), confidence: c.thresholdConfidence,
        target: s.target, lostPerWeek: fig(lost), window: s.range },
      summary: `${s.label} ${pct(rate)} (${s.successes}/${s.n}, ${s.range}) is below the line ${pct(s.line)} (one-sided p = ${fmt(p, 4)}).`,
    },
  };
}

export interface MeanLineSpec {
  readonly rule: string;
  readonly label: string;
  readonly unit: string;
  readonly summary: DurationSummary;
  readonly line: number;
  readonly target: number;
  readonly range: string;
}

/** The seed's "average > line" for a duration, guarded by minimum volume and thresholdConfidence. */
export function meanAboveLine(s: MeanLineSpec, c: DetectionConfig): Check {
  const { n, mean, variance } = s.summary;
  if (n === 0 || mean === null) return quiet(`${s.rule}: no data in ${s.range}`);
  if (n < c.minEvents || variance === null) return quiet(`${s.rule}: only ${n} events in ${s.range} (minimum ${c.minEvents})`);
  const p = pAboveLine({ n, mean, variance }, s.line);
  const needP = 1 - c.thresholdConfidence;
  if (!(mean > s.line)) return quiet(`${s.rule}: ${s.label} ${fmt(mean)} ${s.unit} is not above ${s.line} ${s.unit}`);
  if (!(p < needP)) return quiet(`${s.rule}: ${s.label} ${fmt(mean)} ${s.unit} is above ${s.line} but not credibly (p = ${fmt(p, 4)} ≥ ${fmt(needP, 4)}, n = ${n})`);
  return {
    kind: 'fired', current: mean, reference: s.target, severity: durationSeverity(mean / s.target, c.severity),
    evidence: {
      trigger: { kind: 'threshold', rule: s.rule, threshold: s.line },
      figures: { value: fig(mean), n, sd: fig(Math.sqrt(variance)), pValue: fig(p), confidence: c.thresholdConfidence,
        target: s.target, window: s.range },
      summary: `${s.label} ${fmt(mean, 2)} ${s.unit} over ${n} leads (${s.range}) is above the line ${s.line} ${s.unit} (one-sided p = ${fmt(p, 4)}).`,
    },
  };
}

/** Raw numbers of a rate-drop test, before any multiplicity adjustment. */
export type RateDropStats =
  | { readonly kind: 'quiet'; readonly reason: string }
  | { readonly kind: 'tested'; readonly recentRate: number; readonly baselineRate: number; readonly relativeDrop: number;
      readonly z: number; readonly pValue: number; readonly recent: Counts; readonly baseline: Counts };
export interface Counts { readonly successes: number; readonly n: number }

/** One-sided pooled two-proportion z-test: is the recent rate lower than the baseline rate? */
export function rateDropStats(name: string, recent: Counts, baseline: Counts, c: DetectionConfig): RateDropStats {
  if (recent.n === 0 || baseline.n === 0) return quiet(`${name}: no data in the ${recent.n === 0 ? 'recent' : 'baseline'} window`);
  if (recent.n < c.minEvents || baseline.n < c.minEvents) {
    return quiet(`${name}: too few events (recent ${recent.n}, baseline ${baseline.n}; minimum ${c.minEvents} each)`);
  }
  const t = twoProportionTest(baseline, recent);
  if (t.kind !== 'ok') return quiet(`${name}: ${t.reason}`);
  const relativeDrop = t.controlRate > 0 ? (t.controlRate - t.treatmentRate) / t.controlRate : 0;
  const z = continuityCorrected(t.z, t.difference, 0.5 * (1 / recent.n + 1 / baseline.n));
  return { kind: 'tested', recentRate: t.treatmentRate, baselineRate: t.controlRate, relativeDrop, z,
    pValue: normalCdf(z), recent, baseline };
}

/**
 * Yates-style continuity correction of a pooled two-proportion z: |difference| shrinks by
 * ½(1/n1 + 1/n2) before dividing by the same standard error. At tens of units per window the plain
 * z-test's lower tail is anti-conservative for rates above ½ (the simulation measured ~1.6 % false
 * alarms per day at α = 1 %); the corrected test tracks Fisher's exact one-sided test more closely.
 */
export function continuityCorrected(z: number, difference: number, correction: number): number {
  if (difference === 0 || z === 0) return 0;
  return (z * Math.max(0, Math.abs(difference) - correction)) / Math.abs(difference);
}

export interface RateDropSpec {
  readonly test: string;
  readonly label: string;
  readonly minRelativeDrop: number;
  readonly windowDays: number;
  readonly ranges: string;
  /** More figures for the evidence (e.g. the speed-to-lead share). */
  readonly extra?: Readonly<Record<string, number | string | null>>;
}

/** Turns rate-drop stats into a check at level `alpha` (pAdjusted: after BH, when several were tested). */
export function rateDropCheck(s: RateDropSpec, st: RateDropStats, c: DetectionConfig, pAdjusted?: number): Check {
  if (st.kind === 'quiet') return st;
  const p = pAdjusted ?? st.pValue;
  if (!(st.relativeDrop >= s.minRelativeDrop)) {
    return quiet(`${s.test}: ${s.label} ${fmt(st.baselineRate)} → ${fmt(st.recentRate)} is less than the minimum drop of ${pct(s.minRelativeDrop)}`);
  }
  if (!(p < c.alpha)) return quiet(`${s.test}: ${s.label} ${fmt(st.baselineRate)} → ${fmt(st.recentRate)} is not significant (p = ${fmt(p, 4)} ≥ ${c.alpha})`);
  const lost = ((st.recent.n * 7) / s.windowDays) * (st.baselineRate - st.recentRate);
  return {
    kind: 'fired', current: st.recentRate, reference: st.baselineRate, severity: rateSeverity(lost, c.severity),
    evidence: {
      trigger: { kind: 'baseline-drop', test: s.test, pValue: p, alpha: c.alpha, baselineValue: st.baselineRate },
      figures: { recentRate: fig(st.recentRate), recentSuccesses: st.recent.successes, recentN: st.recent.n,
        baselineRate: fig(st.baselineRate), baselineSuccesses: st.baseline.successes, baselineN: st.baseline.n,
        z: fig(st.z), pValue: fig(st.pValue), pAdjusted: pAdjusted === undefined ? null : fig(pAdjusted),
        relativeDrop: fig(st.relativeDrop), lostPerWeek: fig(lost), windows: s.ranges, ...s.extra },
      summary: `${s.label} fell from ${pct(st.baselineRate)} (${st.baseline.successes}/${st.baseline.n}) to ${pct(st.recentRate)} ` +
        `(${st.recent.successes}/${st.recent.n}), ${s.ranges}; one-sided p = ${p.toPrecision(3)} < ${c.alpha}.`,
    },
  };
}

export interface DurationRiseSpec {
  readonly test: string;
  readonly label: string;
  readonly unit: string;
  readonly recent: DurationSummary;
  readonly baseline: DurationSummary;
  /** Rank sums of the pooled sample; null when the rank test is not available for this duration. */
  readonly ranks: ResponseRanks | null;
  readonly minRatio: number;
  readonly ranges: string;
}

/**
 * Durations: one-sided Mann–Whitney (recent tends to be longer) when rank sums are given, else a
 * one-sided Welch test on ln(duration); both with a minimum ratio of geometric means.
 */
export function durationRise(s: DurationRiseSpec, c: DetectionConfig): Check {
  const r = s.recent;
  const b = s.baseline;
  if (r.n === 0 || b.n === 0) return quiet(`${s.test}: no data in the ${r.n === 0 ? 'recent' : 'baseline'} window`);
  if (r.n < c.minEvents || b.n < c.minEvents) return quiet(`${s.test}: too few events (recent ${r.n}, baseline ${b.n}; minimum ${c.minEvents} each)`);
  if (r.meanLog === null || b.meanLog === null || r.mean === null || b.mean === null) return quiet(`${s.test}: no data`);
  const ratio = Math.exp(r.meanLog - b.meanLog);
  const test = s.ranks ? mannWhitneyP(s.ranks) : logWelchP(r, b);
  if (test.kind === 'quiet') return quiet(`${s.test}: ${test.reason}`);
  if (!(ratio >= s.minRatio)) return quiet(`${s.test}: ${s.label} geometric mean ×${fmt(ratio)} is below the minimum rise ×${s.minRatio}`);
  if (!(test.p < c.alpha)) return quiet(`${s.test}: ${s.label} rise ×${fmt(ratio)} is not significant (p = ${fmt(test.p, 4)} ≥ ${c.alpha})`);
  return {
    kind: 'fired', current: r.mean, reference: b.mean, severity: durationSeverity(Math.max(ratio, r.mean / b.mean), c.severity),
    evidence: {
      trigger: { kind: 'baseline-drop', test: test.name, pValue: test.p, alpha: c.alpha, baselineValue: b.mean },
      figures: { recentMean: fig(r.mean), recentN: r.n, baselineMean: fig(b.mean), baselineN: b.n,
        geometricMeanRatio: fig(ratio), statistic: fig(test.statistic), pValue: fig(test.p), windows: s.ranges },
      summary: `${s.label} rose from a mean of ${fmt(b.mean, 2)} ${s.unit} (n = ${b.n}) to ${fmt(r.mean, 2)} ${s.unit} (n = ${r.n}), ` +
        `geometric mean ×${fmt(ratio, 2)}, ${s.ranges}; ${test.name}: p = ${test.p.toPrecision(3)} < ${c.alpha}.`,
    },
  };
}

type PTest = { kind: 'ok'; name: string; p: number; statistic: number } | Quiet;

function mannWhitneyP(ranks: ResponseRanks): PTest {
  const mw = mannWhitneyFromRanks({ n1: ranks.nRecent, n2: ranks.nBaseline, rankSum1: ranks.rankSumRecent, tieTermSum: ranks.tieTermSum });
  if (mw.kind !== 'ok') return quiet(mw.reason);
  return { kind: 'ok', name: 'one-sided Mann–Whitney U', p: mw.pGreater, statistic: mw.u1 };
}

function logWelchP(r: DurationSummary, b: DurationSummary): PTest {
  if (r.varianceLog === null || b.varianceLog === null || r.meanLog === null || b.meanLog === null) return quiet('needs at least 2 durations per window');
  const w = logScaleWelch({ n: b.n, mean: b.meanLog, variance: b.varianceLog }, { n: r.n, mean: r.meanLog, variance: r.varianceLog });
  if (w.kind !== 'ok') return quiet(w.reason);
  return { kind: 'ok', name: 'one-sided Welch t on ln(duration)', p: studentTCdf(-w.t, w.df), statistic: w.t };
}
