// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Always-valid inference for the `sequential` policy (docs/design.md §4): the two-sided normal-mixture
 * confidence sequence of Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform, nonparametric,
 * nonasymptotic confidence sequences", Ann. Statist. 49(2), 2021 (arXiv:1810.08240), used in its
 * asymptotic (plug-in variance) form as GrowthBook does.
 *
 * Derivation. Let S_N = N·μ̂ behave like a sum of N increments of variance σ² (so σ² = N·Var(μ̂),
 * N = total units in both groups) and V_N = σ²N. Mixing the martingale exp(λS − λ²V/2) over
 * λ ~ N(0, 1/ρ) gives M_N = sqrt(ρ/(V+ρ))·exp(S²/(2(V+ρ))); by Ville's inequality P(∃N: M_N ≥ 1/α) ≤ α.
 * M_N < 1/α ⇔ |S_N| < sqrt((V+ρ)·ln((V+ρ)/(ρα²))), hence the half-width
 *   B = (1/N)·sqrt((σ²N + ρ)·ln((σ²N + ρ)/(ρ·α²)))      (α² multiplies ρ; it is not ρ + α²).
 * Tuning: minimising B at N = S gives ln(1 + 1/r) + L = 1/r for r = ρ/(σ²S), L = 2ln(1/α); one
 * fixed-point step gives the paper's ρ = σ²S / (L + ln(1 + L)). With this ρ, σ² cancels:
 *   B = se·sqrt((1 + S/(cN))·(ln(1 + cN/S) + L)),   c = L + ln(1 + L),  se = sqrt(Var(μ̂)).
 * The always-valid p-value is 1/M_N (capped at 1) = the smallest α whose sequence excludes 0
 * (holding ρ at its design-α value); take its running minimum over looks.
 */
import { clampProbability } from './distributions.ts';
import type { ProportionGroup } from './proportions.ts';
import { checkProportionGroup } from './proportions.ts';
import type { MeanSummary } from './welch.ts';
import {
  insufficient, invalid, isFiniteNumber, isOpenProbability,
  type Interval, type StatsFailure,
} from './result.ts';

export interface SequentialOptions {
  /** Planned total units (both groups) at the decision: the tuning "S" (use min_sample_size × 2). */
  plannedTotalN: number;
  /** Design level; the sequence covers the true difference at all looks with prob ≥ 1 − alpha. */
  alpha?: number;
}

export interface SequentialResult {
  kind: 'ok';
  /** treatment − control. */
  difference: number;
  standardError: number;
  halfWidth: number;
  ci: Interval;
  /** Always-valid p-value for H0: difference = 0 (≤ alpha ⇔ ci excludes 0). */
  pValue: number;
  excludesZero: boolean;
  /** Total units N = n_control + n_treatment at this look. */
  totalN: number;
  /** Mixture precision ρ on the per-unit variance scale (ρ = σ²S/c). */
  rho: number;
  alpha: number;
}

/**
 * Tuning constant c = L + ln(1 + L), L = 2·ln(1/α) (ρ = σ²S/c). Howard et al. (2021) §3.5.
 * Example: mixtureTuningConstant(0.05) ≈ 7.937.
 */
export function mixtureTuningConstant(alpha: number): number {
  const l = 2 * Math.log(1 / alpha);
  return l + Math.log(1 + l);
}

/**
 * Normal-mixture confidence sequence for an estimate with standard error `standardError` after
 * `totalN` units, tuned to `plannedTotalN`. At N = S and α = 0.05 the half-width is ≈ 3.04·se
 * (vs 1.96·se fixed-horizon). Example: estimate 0.05, se 0.02, N = S = 2600 → B ≈ 0.0607, p ≈ 0.186.
 */
export function confidenceSequence(
  estimate: number,
  standardError: number,
  totalN: number,
  options: SequentialOptions,
): SequentialResult | StatsFailure {
  const alpha = options.alpha ?? 0.05;
  const s = options.plannedTotalN;
  if (!isOpenProbability(alpha)) return invalid('alpha must be in (0, 1)');
  if (!isFiniteNumber(s) || s <= 0) return invalid('plannedTotalN must be > 0');
  if (!isFiniteNumber(estimate) || !isFiniteNumber(standardError) || standardError < 0) {
    return invalid('estimate and standardError must be finite, standardError ≥ 0');
  }
  if (!isFiniteNumber(totalN) || totalN <= 0) return insufficient('no units yet');
  const c = mixtureTuningConstant(alpha);
  const rho = (totalN * standardError ** 2 * s) / c;
  const base = { difference: estimate, standardError, totalN, rho, alpha };
  if (standardError === 0) {
    if (estimate !== 0) return insufficient('zero variance with a non-zero difference: no inference possible');
    return { kind: 'ok', ...base, halfWidth: 0, ci: { lower: 0, upper: 0 }, pValue: 1, excludesZero: false };
  }
  const growth = 1 + (c * totalN) / s; // (V + ρ)/ρ
  const halfWidth = standardError * Math.sqrt((1 + s / (c * totalN)) * (Math.log(growth) + 2 * Math.log(1 / alpha)));
  const z = estimate / standardError;
  // 1/M_N with S²/(V+ρ) = z²·(growth − 1)/growth.
  const pValue = clampProbability(Math.sqrt(growth) * Math.exp((-z * z * (growth - 1)) / (2 * growth)));
  return {
    kind: 'ok', ...base, halfWidth,
    ci: { lower: estimate - halfWidth, upper: estimate + halfWidth },
    pValue,
    excludesZero: Math.abs(estimate) > halfWidth,
  };
}

/**
 * Confidence sequence for the difference of two proportions (treatment − control), unpooled
 * variance p(1−p)/n per group. Example: 390/1300 vs 455/1300, plannedTotalN 2600 → difference 0.05,
 * CS ≈ [−0.0057, 0.1057], always-valid p ≈ 0.110 (the fixed-horizon z-test would give p ≈ 0.006).
 */
export function sequentialProportions(
  control: ProportionGroup,
  treatment: ProportionGroup,
  options: SequentialOptions,
): SequentialResult | StatsFailure {
  const bad = checkProportionGroup(control, 'control') ?? checkProportionGroup(treatment, 'treatment');
  if (bad) return bad;
  const p1 = control.successes / control.n;
  const p2 = treatment.successes / treatment.n;
  const se = Math.sqrt((p1 * (1 - p1)) / control.n + (p2 * (1 - p2)) / treatment.n);
  return confidenceSequence(p2 - p1, se, control.n + treatment.n, options);
}

/**
 * Confidence sequence for the difference of two means (treatment − control) from summaries,
 * se = sqrt(v1/n1 + v2/n2). Example: means 40 vs 48, sd 36, n = 300 each, S = 600 → B ≈ 8.92,
 * p ≈ 0.111.
 */
export function sequentialMeans(
  control: MeanSummary,
  treatment: MeanSummary,
  options: SequentialOptions,
): SequentialResult | StatsFailure {
  for (const [g, label] of [[control, 'control'], [treatment, 'treatment']] as const) {
    if (!isFiniteNumber(g.n) || !Number.isInteger(g.n) || g.n < 0) return invalid(`${label}: n must be an integer ≥ 0`);
    if (!isFiniteNumber(g.mean) || !isFiniteNumber(g.variance) || g.variance < 0) {
      return invalid(`${label}: mean and variance must be finite, variance ≥ 0`);
    }
    if (g.n < 2) return insufficient(`${label}: needs at least 2 units`);
  }
  const se = Math.sqrt(control.variance / control.n + treatment.variance / treatment.n);
  return confidenceSequence(treatment.mean - control.mean, se, control.n + treatment.n, options);
}
