// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The one place that touches the stdlib distribution packages. Everything else in src/stats calls
 * these wrappers, so a library swap (or a Deno import map) changes one file.
 * Tail functions are computed on the small side (e.g. sf(x) = cdf(−x)) to keep precision for tiny
 * p-values instead of 1 − cdf(x), which rounds to 0 below ~1e-16.
 */
import stdNormalCdf from '@stdlib/stats-base-dists-normal-cdf';
import stdNormalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import stdTCdf from '@stdlib/stats-base-dists-t-cdf';
import stdChiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

/** Clamp a probability into [0, 1] (guards rounding like 1.0000000000000002). */
export function clampProbability(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * Standard normal CDF Φ(x). Reference: scipy.stats.norm.cdf.
 * Example: normalCdf(1.959963984540054) ≈ 0.975.
 */
export function normalCdf(x: number): number {
  return stdNormalCdf(x, 0, 1);
}

/**
 * Standard normal survival function 1 − Φ(x), computed as Φ(−x) for upper-tail precision.
 * Reference: scipy.stats.norm.sf. Example: normalSf(1.6448536269514722) ≈ 0.05.
 */
export function normalSf(x: number): number {
  return stdNormalCdf(-x, 0, 1);
}

/**
 * Standard normal quantile Φ⁻¹(p), p in (0, 1). Reference: scipy.stats.norm.ppf.
 * Example: normalQuantile(0.975) ≈ 1.959963984540054.
 */
export function normalQuantile(p: number): number {
  return stdNormalQuantile(p, 0, 1);
}

/**
 * Two-sided normal p-value 2·(1 − Φ(|z|)), clamped to [0, 1]. Reference: 2*scipy.stats.norm.sf(abs(z)).
 * Example: normalTwoSidedP(1.96) ≈ 0.04999579.
 */
export function normalTwoSidedP(z: number): number {
  return clampProbability(2 * normalSf(Math.abs(z)));
}

/**
 * Critical value z_{1−α/2} of a two-sided test / central interval at the given confidence level.
 * Example: zForConfidence(0.95) ≈ 1.959963984540054.
 */
export function zForConfidence(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Student-t CDF with df > 0 degrees of freedom (df may be fractional, as with Welch).
 * Reference: scipy.stats.t.cdf. Example: studentTCdf(2.0, 10) ≈ 0.963306.
 */
export function studentTCdf(x: number, df: number): number {
  return stdTCdf(x, df);
}

/**
 * Two-sided Student-t p-value 2·F(−|t|; df). Reference: 2*scipy.stats.t.sf(abs(t), df).
 * Example: studentTTwoSidedP(2.0, 10) ≈ 0.0733880.
 */
export function studentTTwoSidedP(t: number, df: number): number {
  return clampProbability(2 * stdTCdf(-Math.abs(t), df));
}

/**
 * Student-t quantile F⁻¹(p; df), by bisection on studentTCdf (stdlib's t-quantile is not installed).
 * Accurate to ~1e-12 relative; p must be in (0, 1). Reference: scipy.stats.t.ppf.
 * Example: studentTQuantile(0.975, 10) ≈ 2.228138851986.
 */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // Upper half: the quantile is positive and at least the normal one.
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (stdTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return hi;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (stdTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Chi-square CDF with df > 0 degrees of freedom. Reference: scipy.stats.chi2.cdf.
 * Example: chiSquareCdf(3.841458820694124, 1) ≈ 0.95.
 */
export function chiSquareCdf(x: number, df: number): number {
  return stdChiSquareCdf(x, df);
}

/**
 * Chi-square survival function (upper-tail p-value). For df = 1 it is computed exactly as
 * 2·Φ(−√x) (precise in the far tail); otherwise 1 − CDF, clamped to [0, 1].
 * Reference: scipy.stats.chi2.sf. Example: chiSquareSf(3.841458820694124, 1) ≈ 0.05.
 */
export function chiSquareSf(x: number, df: number): number {
  if (x <= 0) return 1;
  if (df === 1) return clampProbability(2 * normalSf(Math.sqrt(x)));
  return clampProbability(1 - stdChiSquareCdf(x, df));
}
