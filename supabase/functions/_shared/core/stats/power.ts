// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Sample size and power for conversion-rate tests (docs/design.md §4: min_sample_size = max(100, the size that
 * gives 80 % power to reach the test's target under the decision rule)).
 */
import { normalCdf, normalQuantile } from './distributions.ts';
import { invalid, isFiniteNumber, isOpenProbability, type InvalidInput } from './result.ts';
import { keepEventProbability, smallestSampleSize, type SampleSizeSearch } from './seedRuleCore.ts';

export interface SeedRuleOptions {
  /** Two-sided significance level of the KEEP rule (seed: 0.05). */
  alpha?: number;
  /** KEEP needs an observed relative lift strictly above this, in % (seed: 10). */
  minLiftPct?: number;
}

export interface ClassicSampleSize {
  kind: 'ok';
  /** Units per group, rounded up. */
  nPerGroup: number;
  /** Unrounded solution of the formula. */
  nExact: number;
}

const MAX_N = 10_000_000;

function checkRates(p1: number, p2: number): InvalidInput | null {
  if (!isOpenProbability(p1) || !isOpenProbability(p2)) return invalid(`rates must be in (0, 1), got ${p1}, ${p2}`);
  return null;
}

/**
 * Classic per-group sample size for a two-sided pooled two-proportion z-test (no continuity
 * correction): n = (z_{1−α/2}·√(2p̄q̄) + z_{1−β}·√(p1q1 + p2q2))² / (p2 − p1)², p̄ = (p1+p2)/2 —
 * the H0 variance uses the pooled rate and the H1 variance the two true rates (Fleiss, Levin & Paik,
 * Statistical Methods for Rates and Proportions, 3rd ed. 2003, eq. 4.14 without the correction);
 * this is what R power.prop.test(strict = FALSE) solves.
 * It plans for "p < α" only — not for the seed rule's extra lift condition (see sampleSizeForSeedRule).
 * Example: 0.30 → 0.33, α = 0.05, power 0.8 → nExact ≈ 3762.4, nPerGroup = 3763 (research notes: ~3,762);
 * R's own example power.prop.test(p1 = .50, p2 = .75, power = .90) prints n = 76.7.
 */
export function sampleSizeTwoProportions(
  p1: number,
  p2: number,
  options: { alpha?: number; power?: number } = {},
): ClassicSampleSize | InvalidInput {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  const bad = checkRates(p1, p2);
  if (bad) return bad;
  if (!isOpenProbability(alpha) || !isOpenProbability(power)) return invalid('alpha and power must be in (0, 1)');
  if (p1 === p2) return invalid('p1 = p2: no effect to detect');
  const pBar = (p1 + p2) / 2;
  const a = normalQuantile(1 - alpha / 2) * Math.sqrt(2 * pBar * (1 - pBar));
  const b = normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const nExact = (a + b) ** 2 / (p2 - p1) ** 2;
  return { kind: 'ok', nPerGroup: Math.ceil(nExact), nExact };
}

/**
 * Power of the classic pooled z-test at n per group (inverse of sampleSizeTwoProportions; ignores
 * the far tail in the wrong direction, like R power.prop.test(strict = FALSE)).
 * Example: p1 = 0.5, p2 = 0.75, n = 76.7 → ≈ 0.90 (R: power.prop.test(p1=.5, p2=.75, power=.9)).
 */
export function powerTwoProportions(p1: number, p2: number, nPerGroup: number, alpha = 0.05): number {
  const pBar = (p1 + p2) / 2;
  const num = Math.sqrt(nPerGroup) * Math.abs(p2 - p1) - normalQuantile(1 - alpha / 2) * Math.sqrt(2 * pBar * (1 - pBar));
  return normalCdf(num / Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)));
}

/**
 * Probability that ONE look at n units per group ends in KEEP under the seed rule: pooled z-test
 * p < alpha AND observed lift p̂2/p̂1 − 1 > minLiftPct/100. Normal approximation: p̂i ~ N(pi, piqi/n)
 * independent; significance in the positive direction ⇔ p̂2 − p̂1 > z_{1−α/2}·√(2p̄q̄/n) (pooled SE at its
 * expected value); then the joint probability is integrated numerically (keepEventProbability).
 * The lift condition matters: a true lift equal to the threshold is kept at most ~50 % of the time
 * however large n is. Checked against a seeded Monte-Carlo simulation in the tests.
 * Example: 0.30 → 0.33 (+10 %) at n = 3000 → 0.50, while the plain z-test power is 0.71;
 * 0.30 → 0.36 at n = 500 → 0.52 (here significance already implies an observed lift > 10 %).
 */
export function powerOfSeedRule(
  p1: number,
  p2: number,
  nPerGroup: number,
  options: SeedRuleOptions = {},
): { kind: 'ok'; power: number } | InvalidInput {
  const alpha = options.alpha ?? 0.05;
  const minLiftPct = options.minLiftPct ?? 10;
  const bad = checkRates(p1, p2);
  if (bad) return bad;
  if (!isOpenProbability(alpha)) return invalid('alpha must be in (0, 1)');
  if (!isFiniteNumber(minLiftPct) || minLiftPct <= -100) return invalid('minLiftPct must be finite and > −100');
  if (!isFiniteNumber(nPerGroup) || nPerGroup < 1) return invalid('nPerGroup must be ≥ 1');
  const pBar = (p1 + p2) / 2;
  const power = keepEventProbability({
    meanX: p1,
    sdX: Math.sqrt((p1 * (1 - p1)) / nPerGroup),
    meanY: p2,
    sdY: Math.sqrt((p2 * (1 - p2)) / nPerGroup),
    threshold: normalQuantile(1 - alpha / 2) * Math.sqrt((2 * pBar * (1 - pBar)) / nPerGroup),
    ratio: 1 + minLiftPct / 100,
  });
  return { kind: 'ok', power };
}

/**
 * Smallest n per group whose single-look KEEP probability under the seed rule reaches `power`
 * (default 0.8), by bracketing + bisection on powerOfSeedRule. Returns `unreachable` when the true
 * lift p2/p1 − 1 is ≤ minLiftPct (the KEEP probability then tends to ≤ 50 % as n grows) or when
 * more than 10 million per group would be needed.
 * Example: 0.30 → 0.36 (+20 %) → 963 per group; 0.30 → 0.345 (+15 %) → 1,698; 0.30 → 0.33 → unreachable.
 */
export function sampleSizeForSeedRule(
  p1: number,
  p2: number,
  options: SeedRuleOptions & { power?: number } = {},
): SampleSizeSearch | InvalidInput {
  const target = options.power ?? 0.8;
  const minLiftPct = options.minLiftPct ?? 10;
  if (!isOpenProbability(target)) return invalid('power must be in (0, 1)');
  const probe = powerOfSeedRule(p1, p2, 1, options);
  if (probe.kind !== 'ok') return probe;
  const trueLiftPct = (p2 / p1 - 1) * 100;
  if (trueLiftPct <= minLiftPct + 1e-9) {
    return {
      kind: 'unreachable',
      reason: `target lift ${trueLiftPct.toFixed(2)} % is not above the KEEP threshold ${minLiftPct} %: ` +
        'the chance of KEEP never exceeds ~50 % at any sample size',
    };
  }
  const powerAt = (n: number): number => {
    const r = powerOfSeedRule(p1, p2, n, options);
    return r.kind === 'ok' ? r.power : 0;
  };
  return smallestSampleSize(powerAt, target, 2, MAX_N);
}
