/**
 * Mann–Whitney U (Wilcoxon rank-sum) test from rank sums computed in SQL — a rank test for skewed
 * durations (docs/design.md §4). SQL computes, over the pooled sample with average ranks for ties:
 * rankSum1 = Σ rank over group 1, tieTermSum = Σ (t³ − t) over groups of t tied values.
 */
import { clampProbability, normalSf } from './distributions.ts';
import { insufficient, invalid, isCount, isFiniteNumber, type StatsFailure } from './result.ts';

export interface RankSumSummary {
  /** Size of group 1 (the group whose rank sum is given; "treatment" by our convention). */
  n1: number;
  n2: number;
  /** Sum of the pooled-sample (average) ranks of group 1's values. */
  rankSum1: number;
  /** Σ (t³ − t) over tie groups of the pooled sample (0 when there are no ties). */
  tieTermSum: number;
}

export interface MannWhitneyResult {
  kind: 'ok';
  /** U statistic of group 1: rankSum1 − n1(n1+1)/2 (scipy's `statistic`, R's W for x = group 1). */
  u1: number;
  u2: number;
  /** Standard deviation of U under H0 with the tie correction. */
  sigma: number;
  /** z of the two-sided test (from max(U1, U2), continuity-corrected), ≥ 0 up to rounding. */
  z: number;
  pTwoSided: number;
  /** H1: group 1 tends to be larger (P(X1 > X2) > ½). */
  pGreater: number;
  /** H1: group 1 tends to be smaller. */
  pLess: number;
  /** U1/(n1·n2) = P(X1 > X2) + ½P(X1 = X2), the common-language effect size. */
  probabilityOfSuperiority: number;
}

function check(s: RankSumSummary): StatsFailure | null {
  if (!isCount(s.n1) || !isCount(s.n2)) return invalid('n1 and n2 must be integers ≥ 0');
  if (!isFiniteNumber(s.rankSum1) || !isFiniteNumber(s.tieTermSum)) return invalid('rank sums must be finite');
  if (s.n1 === 0 || s.n2 === 0) return insufficient(`both groups need units (n1 = ${s.n1}, n2 = ${s.n2})`);
  const n = s.n1 + s.n2;
  const min = (s.n1 * (s.n1 + 1)) / 2;
  const eps = 1e-9 * n * n;
  if (s.rankSum1 < min - eps || s.rankSum1 > min + s.n1 * s.n2 + eps) {
    return invalid(`rankSum1 ${s.rankSum1} outside its possible range [${min}, ${min + s.n1 * s.n2}]`);
  }
  if (s.tieTermSum < 0 || s.tieTermSum > n ** 3 - n + eps) return invalid('tieTermSum must be in [0, n³ − n]');
  return null;
}

/** One-sided upper-tail p for a U value with continuity correction; σ = 0 (all tied) → 1. */
function upperP(u: number, mu: number, sigma: number): { z: number; p: number } {
  if (!(sigma > 0)) return { z: 0, p: 1 };
  const z = (u - mu - 0.5) / sigma;
  return { z, p: clampProbability(normalSf(z)) };
}

/**
 * Normal-approximation Mann–Whitney test with tie and continuity correction, from rank sums.
 * μ = n1n2/2, σ² = n1n2/12·((n+1) − Σ(t³−t)/(n(n−1))); two-sided p = 2·P(Z ≥ (max(U1,U2) − μ − ½)/σ),
 * one-sided from U1 (greater) or U2 (less). Matches scipy.stats.mannwhitneyu(x1, x2,
 * method='asymptotic', use_continuity=True) and R wilcox.test(x1, x2, exact=FALSE, correct=TRUE).
 * All values tied (σ = 0) → p = 1 (nothing distinguishes the groups).
 * Example (R: wilcox.test(extra ~ group, data = sleep, exact = FALSE)): n1 = n2 = 10,
 * rankSum1 = 80.5, tieTermSum = 18 → W = U1 = 25.5, p ≈ 0.06933.
 */
export function mannWhitneyFromRanks(s: RankSumSummary): MannWhitneyResult | StatsFailure {
  const bad = check(s);
  if (bad) return bad;
  const { n1, n2 } = s;
  const n = n1 + n2;
  const u1 = s.rankSum1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const tie = n > 1 ? s.tieTermSum / (n * (n - 1)) : 0;
  const variance = ((n1 * n2) / 12) * (n + 1 - tie);
  const sigma = variance > 0 ? Math.sqrt(variance) : 0;
  const two = upperP(Math.max(u1, u2), mu, sigma);
  return {
    kind: 'ok', u1, u2, sigma, z: two.z,
    pTwoSided: clampProbability(2 * two.p),
    pGreater: upperP(u1, mu, sigma).p,
    pLess: upperP(u2, mu, sigma).p,
    probabilityOfSuperiority: u1 / (n1 * n2),
  };
}

/**
 * The signed, uncorrected standardized U of group 1, (U1 − n1n2/2)/σ with the tie-corrected σ above:
 * positive when group 1 tends to be larger. This is the statistic a group-sequential design monitors
 * (the continuity correction of the fixed-horizon p-value above would make every look conservative).
 * Matches scipy.stats.mannwhitneyu(x1, x2, method='asymptotic', use_continuity=False, alternative='greater'):
 * its p-value is 1 − Φ(z). All values tied (σ = 0) → z = 0.
 */
export function mannWhitneyZ(s: RankSumSummary): { kind: 'ok'; z: number } | StatsFailure {
  const bad = check(s);
  if (bad) return bad;
  const n = s.n1 + s.n2;
  const u1 = s.rankSum1 - (s.n1 * (s.n1 + 1)) / 2;
  const tie = n > 1 ? s.tieTermSum / (n * (n - 1)) : 0;
  const variance = ((s.n1 * s.n2) / 12) * (n + 1 - tie);
  return { kind: 'ok', z: variance > 0 ? (u1 - (s.n1 * s.n2) / 2) / Math.sqrt(variance) : 0 };
}
