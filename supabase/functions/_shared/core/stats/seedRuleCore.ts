// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Shared machinery for planning under the seed's KEEP rule (docs/design.md §4: KEEP if lift > 10 % and
 * p < 0.05). The KEEP event at one look is two conditions on the two group estimates, so we compute
 * its probability under a normal approximation by one-dimensional numerical integration.
 */
import { normalSf } from './distributions.ts';

/** Independent normal estimates X (control) and Y (treatment) and the event's constants. */
export interface KeepEventSpec {
  meanX: number;
  sdX: number;
  meanY: number;
  sdY: number;
  /** Significance: Y − X > threshold (threshold = z_{1−α/2} · SE of the difference under H0). */
  threshold: number;
  /** Lift: Y > ratio · X (ratio = 1 + minLift for higher-is-better on positive scale). */
  ratio: number;
}

/** Composite Simpson rule of f on [a, b] with an even number of intervals. */
function simpson(f: (x: number) => number, a: number, b: number, intervals: number): number {
  if (!(b > a)) return 0;
  const h = (b - a) / intervals;
  let sum = f(a) + f(b);
  for (let i = 1; i < intervals; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

/**
 * P(Y − X > threshold AND Y > ratio·X) for independent X ~ N(meanX, sdX²), Y ~ N(meanY, sdY²):
 * ∫ φ_X(x) · P(Y > max(x + threshold, ratio·x)) dx, Simpson's rule over meanX ± 10 sdX, split at the
 * kink x* = threshold/(ratio − 1). Accurate to ~1e-9. Why: with a two-sided test and a lift
 * threshold > 0, KEEP needs both a significant positive difference and an observed ratio above the
 * threshold; the two are strongly correlated, so their product would be wrong.
 * Example: meanX = 0.3, meanY = 0.36, sd 0.0205 / 0.0215, threshold 0.0572, ratio 1.1 → ≈ 0.43.
 */
export function keepEventProbability(s: KeepEventSpec): number {
  const density = (x: number): number => {
    const u = (x - s.meanX) / s.sdX;
    return Math.exp(-0.5 * u * u) / (s.sdX * Math.sqrt(2 * Math.PI));
  };
  const tailY = (x: number): number => {
    const bound = Math.max(x + s.threshold, s.ratio * x);
    return s.sdY > 0 ? normalSf((bound - s.meanY) / s.sdY) : s.meanY > bound ? 1 : 0;
  };
  if (!(s.sdX > 0)) return tailY(s.meanX);
  const f = (x: number): number => density(x) * tailY(x);
  const a = s.meanX - 10 * s.sdX;
  const b = s.meanX + 10 * s.sdX;
  const kink = s.ratio !== 1 ? s.threshold / (s.ratio - 1) : Number.NaN;
  const p = kink > a && kink < b ? simpson(f, a, kink, 500) + simpson(f, kink, b, 500) : simpson(f, a, b, 1000);
  return Math.min(1, Math.max(0, p));
}

export type SampleSizeSearch =
  | { kind: 'ok'; nPerGroup: number; achievedPower: number }
  | { kind: 'unreachable'; reason: string };

/**
 * Smallest integer n in [minN, maxN] with power(n) ≥ target, for power increasing in n: doubling to
 * bracket, then bisection (~2·log2(n) evaluations). Example: power(n) = 1 − 1/n, target 0.8 → 5.
 */
export function smallestSampleSize(
  power: (n: number) => number,
  target: number,
  minN: number,
  maxN: number,
): SampleSizeSearch {
  let lo = minN;
  if (power(lo) >= target) return { kind: 'ok', nPerGroup: lo, achievedPower: power(lo) };
  let hi = lo;
  while (power(hi) < target) {
    lo = hi;
    if (hi >= maxN) {
      return { kind: 'unreachable', reason: `power ${target} not reached with ${maxN} units per group` };
    }
    hi = Math.min(maxN, hi * 2);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (power(mid) >= target) hi = mid;
    else lo = mid;
  }
  return { kind: 'ok', nPerGroup: hi, achievedPower: power(hi) };
}
