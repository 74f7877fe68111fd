// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Power and sample size for duration metrics (hours/days; lower is better; docs/design.md §4), planned for a
 * Welch test on the means and the seed's KEEP rule with lift = (control − treatment)/control in %.
 */
import { normalCdf, normalQuantile, studentTQuantile } from './distributions.ts';
import { invalid, isFiniteNumber, isOpenProbability, type InvalidInput } from './result.ts';
import { keepEventProbability, smallestSampleSize, type SampleSizeSearch } from './seedRuleCore.ts';
import type { SeedRuleOptions } from './power.ts';

export interface DurationScenario {
  /** Control (baseline) mean duration, > 0. */
  baselineMean: number;
  /** Control standard deviation, > 0. */
  baselineSd: number;
  /** True relative improvement in % (20 = treatment durations 20 % shorter on average). */
  improvementPct: number;
  /** Treatment standard deviation; default baselineSd (same spread). */
  treatmentSd?: number;
}

const MAX_N = 10_000_000;

function check(s: DurationScenario): InvalidInput | null {
  if (!isFiniteNumber(s.baselineMean) || s.baselineMean <= 0) return invalid('baselineMean must be > 0');
  if (!isFiniteNumber(s.baselineSd) || s.baselineSd <= 0) return invalid('baselineSd must be > 0');
  if (!isFiniteNumber(s.improvementPct) || s.improvementPct >= 100) return invalid('improvementPct must be < 100');
  const sdT = s.treatmentSd ?? s.baselineSd;
  if (!isFiniteNumber(sdT) || sdT <= 0) return invalid('treatmentSd must be > 0');
  return null;
}

/**
 * Classic per-group sample size for a two-sided test of two means (normal approximation):
 * n = (z_{1−α/2} + z_{1−β})²·(σc² + σt²)/Δ², Δ = baselineMean·improvementPct/100.
 * Reference: Chow, Shao & Wang, Sample Size Calculations in Clinical Research (2008), §3.2.
 * Example: mean 48 h, sd 36 h, 20 % shorter → Δ = 9.6 → n ≈ 220.7 → 221 per group.
 */
export function sampleSizeTwoMeans(
  s: DurationScenario,
  options: { alpha?: number; power?: number } = {},
): { kind: 'ok'; nPerGroup: number; nExact: number } | InvalidInput {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  const bad = check(s);
  if (bad) return bad;
  if (!isOpenProbability(alpha) || !isOpenProbability(power)) return invalid('alpha and power must be in (0, 1)');
  const delta = (s.baselineMean * s.improvementPct) / 100;
  if (delta === 0) return invalid('improvementPct = 0: no effect to detect');
  const sdT = s.treatmentSd ?? s.baselineSd;
  const nExact = ((normalQuantile(1 - alpha / 2) + normalQuantile(power)) ** 2 * (s.baselineSd ** 2 + sdT ** 2)) / delta ** 2;
  return { kind: 'ok', nPerGroup: Math.ceil(nExact), nExact };
}

/**
 * Probability that one look at n per group ends in KEEP for a duration metric: Welch p < alpha with
 * shorter treatment durations AND observed lift (x̄c − x̄t)/x̄c > minLiftPct/100. Normal approximation
 * for the two means (x̄ ~ N(μ, σ²/n)); the test's critical value is the t quantile at the
 * Welch–Satterthwaite df of the true variances. Negating both means turns "lower is better" into the
 * "higher is better" event of keepEventProbability with ratio 1 − minLift.
 * Example: mean 48, sd 36, 20 % shorter, n = 221 → ≈ 0.80 (significance implies the lift here).
 */
export function powerOfSeedRuleDuration(
  s: DurationScenario,
  nPerGroup: number,
  options: SeedRuleOptions = {},
): { kind: 'ok'; power: number } | InvalidInput {
  const alpha = options.alpha ?? 0.05;
  const minLiftPct = options.minLiftPct ?? 10;
  const bad = check(s);
  if (bad) return bad;
  if (!isOpenProbability(alpha)) return invalid('alpha must be in (0, 1)');
  if (!isFiniteNumber(minLiftPct) || minLiftPct >= 100) return invalid('minLiftPct must be finite and < 100');
  if (!isFiniteNumber(nPerGroup) || nPerGroup < 2) return invalid('nPerGroup must be ≥ 2');
  const sdT = s.treatmentSd ?? s.baselineSd;
  const a = s.baselineSd ** 2 / nPerGroup;
  const b = sdT ** 2 / nPerGroup;
  const df = (a + b) ** 2 / ((a * a + b * b) / (nPerGroup - 1));
  const power = keepEventProbability({
    meanX: -s.baselineMean,
    sdX: Math.sqrt(a),
    meanY: -s.baselineMean * (1 - s.improvementPct / 100),
    sdY: Math.sqrt(b),
    threshold: studentTQuantile(1 - alpha / 2, df) * Math.sqrt(a + b),
    ratio: 1 - minLiftPct / 100,
  });
  return { kind: 'ok', power };
}

/**
 * Smallest n per group reaching `power` (default 0.8) for powerOfSeedRuleDuration; `unreachable`
 * when improvementPct ≤ minLiftPct (KEEP probability then stays ≤ ~50 %) or n > 10 million.
 * Example: mean 48, sd 36, 20 % shorter → 222 per group (plain test: 221); 12 % shorter → 1,803
 * (plain test: 614 — the observed-lift > 10 % condition binds).
 */
export function sampleSizeForSeedRuleDuration(
  s: DurationScenario,
  options: SeedRuleOptions & { power?: number } = {},
): SampleSizeSearch | InvalidInput {
  const target = options.power ?? 0.8;
  const minLiftPct = options.minLiftPct ?? 10;
  if (!isOpenProbability(target)) return invalid('power must be in (0, 1)');
  const probe = powerOfSeedRuleDuration(s, 2, options);
  if (probe.kind !== 'ok') return probe;
  if (s.improvementPct <= minLiftPct + 1e-9) {
    return {
      kind: 'unreachable',
      reason: `target improvement ${s.improvementPct} % is not above the KEEP threshold ${minLiftPct} %: ` +
        'the chance of KEEP never exceeds ~50 % at any sample size',
    };
  }
  const powerAt = (n: number): number => {
    const r = powerOfSeedRuleDuration(s, n, options);
    return r.kind === 'ok' ? r.power : 0;
  };
  return smallestSampleSize(powerAt, target, 2, MAX_N);
}

/**
 * Plain two-sided power of the mean comparison at n per group (normal approximation; inverse of
 * sampleSizeTwoMeans). Example: mean 48, sd 36, 20 % shorter, n = 220.75 → 0.80.
 */
export function powerTwoMeans(s: DurationScenario, nPerGroup: number, alpha = 0.05): number {
  const sdT = s.treatmentSd ?? s.baselineSd;
  const delta = Math.abs((s.baselineMean * s.improvementPct) / 100);
  const se = Math.sqrt((s.baselineSd ** 2 + sdT ** 2) / nPerGroup);
  return normalCdf(delta / se - normalQuantile(1 - alpha / 2));
}
