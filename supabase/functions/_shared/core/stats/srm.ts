// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Sample-ratio mismatch (SRM) guard (docs/design.md §4): a chi-square goodness-of-fit test of the observed
 * group sizes against the configured split. A mismatch means assignment or logging is broken and
 * blocks any decision.
 */
import { chiSquareSf } from './distributions.ts';
import { insufficient, invalid, isCount, isFiniteNumber, type StatsFailure } from './result.ts';

/** GrowthBook's DEFAULT_SRM_THRESHOLD. */
export const DEFAULT_SRM_THRESHOLD = 0.001;
/** GrowthBook checks SRM only with at least this many units in every variation. */
export const MIN_SRM_UNITS_PER_GROUP = 8;

export interface SrmResult {
  kind: 'ok';
  chiSquare: number;
  df: number;
  pValue: number;
  /** pValue < threshold. */
  mismatch: boolean;
  threshold: number;
  /** Expected counts under the intended split (same order as the input). */
  expected: number[];
}

/**
 * Chi-square goodness of fit of `observed` counts vs intended `weights` (any positive scale, e.g.
 * [50, 50] or [0.3, 0.7]); flags a mismatch when p < threshold (default 0.001). Returns
 * insufficient-data (no verdict) when any group's EXPECTED count is < 8 (GrowthBook's minimum, applied
 * to expected counts, which is what the chi-square approximation needs — Cochran's rule): an observed
 * 150 / 0 at 50/50 is the plainest mismatch there is, not "too little data". Uses the configured ratio, not 50/50,
 * so 95/5 designs do not fire falsely. Reference: scipy.stats.chisquare(f_obs, f_exp); GrowthBook
 * SRM check. Example: observed [5000, 5200], weights [1, 1] → χ² ≈ 3.92, p ≈ 0.0477, no mismatch.
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  options: { threshold?: number; minUnitsPerGroup?: number } = {},
): SrmResult | StatsFailure {
  const threshold = options.threshold ?? DEFAULT_SRM_THRESHOLD;
  const minUnits = options.minUnitsPerGroup ?? MIN_SRM_UNITS_PER_GROUP;
  if (!(isFiniteNumber(threshold) && threshold > 0 && threshold < 1)) return invalid('threshold must be in (0, 1)');
  if (observed.length !== weights.length) return invalid('observed and weights must have the same length');
  if (observed.length < 2) return invalid('need at least 2 groups');
  if (!observed.every(isCount)) return invalid('observed counts must be integers ≥ 0');
  if (!weights.every((w) => isFiniteNumber(w) && w > 0)) return invalid('weights must be finite and > 0');
  const total = observed.reduce((a, b) => a + b, 0);
  const wTotal = weights.reduce((a, b) => a + b, 0);
  const expected = weights.map((w) => (total * w) / wTotal);
  const small = expected.findIndex((e) => e < minUnits);
  if (small >= 0) {
    return insufficient(`group ${small} expects ${expected[small]?.toFixed(1)} units (< ${minUnits}): no SRM verdict yet`);
  }
  let chiSquare = 0;
  observed.forEach((o, i) => {
    const e = expected[i] ?? 0;
    chiSquare += (o - e) ** 2 / e;
  });
  const df = observed.length - 1;
  const pValue = chiSquareSf(chiSquare, df);
  return { kind: 'ok', chiSquare, df, pValue, mismatch: pValue < threshold, threshold, expected };
}
