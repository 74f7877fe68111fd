// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Shared result shapes. Invalid or insufficient input is returned as a value (never NaN/Infinity,
 * never thrown), so callers can report "no verdict" with a reason instead of crashing a weekly job.
 */

/** Input that can never be analysed: negative or non-integer counts, successes > n, NaN, … */
export interface InvalidInput {
  kind: 'invalid-input';
  reason: string;
}

/** Input that is valid but carries too little information for this test (n = 0, zero variance, …). */
export interface InsufficientData {
  kind: 'insufficient-data';
  reason: string;
}

export type StatsFailure = InvalidInput | InsufficientData;

/** A closed interval [lower, upper]. */
export interface Interval {
  lower: number;
  upper: number;
}

/** Builds an `invalid-input` failure. Example: invalid('n must be ≥ 0'). */
export function invalid(reason: string): InvalidInput {
  return { kind: 'invalid-input', reason };
}

/** Builds an `insufficient-data` failure. Example: insufficient('n = 0'). */
export function insufficient(reason: string): InsufficientData {
  return { kind: 'insufficient-data', reason };
}

/** True for a finite number (not NaN, not ±Infinity). */
export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** True for an integer count ≥ 0. */
export function isCount(x: unknown): x is number {
  return isFiniteNumber(x) && Number.isInteger(x) && x >= 0;
}

/** Checks a confidence level / alpha-like probability strictly inside (0, 1). */
export function isOpenProbability(x: unknown): x is number {
  return isFiniteNumber(x) && x > 0 && x < 1;
}
