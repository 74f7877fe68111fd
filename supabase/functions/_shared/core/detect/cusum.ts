// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Sequential change detection (issue 12 item 5): a one-sided CUSUM (Page 1954) per type on daily data. Among
 * procedures with the same in-control run length it minimises the worst-case delay (Lorden 1971), and its
 * delay grows only as log(run length) / (information per day), where a window test of fixed length waits for
 * its window to fill. The daily job stays stateless: each run recomputes the statistic from the raw per-day
 * aggregates over the last `cusum.days` days (starting at 0), against the baseline estimated from the days
 * before them, so a re-run for an old day gives the same answer.
 */

/** Page's recursion S_t = max(0, S_{t−1} + x_t), S_0 = 0: the path of the statistic, one value per step. */
export function cusumPath(increments: readonly number[]): number[] {
  const out: number[] = [];
  let s = 0;
  for (const x of increments) {
    s = Math.max(0, s + x);
    out.push(s);
  }
  return out;
}

/**
 * Log-likelihood ratio of k successes in n Bernoulli trials, p1 against p0 (both in (0, 1)):
 * k ln(p1/p0) + (n − k) ln((1 − p1)/(1 − p0)). Positive when the data look more like p1.
 */
export function bernoulliLlr(n: number, k: number, p0: number, p1: number): number {
  if (n === 0) return 0;
  return k * Math.log(p1 / p0) + (n - k) * Math.log((1 - p1) / (1 - p0));
}

/**
 * Log-likelihood ratio of n normal observations with sum `sum`, mean mu1 against mu0, common variance:
 * (mu1 − mu0)/σ² · (sum − n (mu0 + mu1)/2).
 */
export function normalMeanLlr(n: number, sum: number, mu0: number, mu1: number, variance: number): number {
  if (n === 0) return 0;
  return ((mu1 - mu0) / variance) * (sum - (n * (mu0 + mu1)) / 2);
}

/** Where the statistic stands at the end of its path, and since when it has been rising (the estimated change). */
export interface CusumEnd {
  /** S at the last step. */
  readonly statistic: number;
  /** Largest S over the path. */
  readonly max: number;
  /** Index of the first step after the last time S was 0 (the estimated change point); null when S ends at 0. */
  readonly since: number | null;
}

/** The end of a CUSUM path: the value the check compares with its threshold h, and the estimated change point. */
export function cusumEnd(increments: readonly number[]): CusumEnd {
  const path = cusumPath(increments);
  const statistic = path.length > 0 ? path[path.length - 1]! : 0;
  let since: number | null = null;
  if (statistic > 0) {
    let i = path.length - 1;
    while (i > 0 && path[i - 1]! > 0) i--;
    since = i;
  }
  return { statistic, max: path.reduce((a, b) => Math.max(a, b), 0), since };
}
