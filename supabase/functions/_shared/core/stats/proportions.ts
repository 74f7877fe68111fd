// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Two-proportion comparison for conversion metrics (docs/design.md §4: pooled two-sided z-test; lift in %).
 */
import { normalTwoSidedP, zForConfidence } from './distributions.ts';
import {
  insufficient, invalid, isCount, isOpenProbability,
  type Interval, type StatsFailure,
} from './result.ts';

/** Successes out of n units in one group. */
export interface ProportionGroup {
  successes: number;
  n: number;
}

/** Relative lift (treatment/control − 1) in %, with a delta-method CI when it exists. */
export interface RelativeLift {
  pct: number;
  /** null when the treatment rate is 0: the log-ratio CI is undefined (point lift is −100 %). */
  ci: Interval | null;
}

export interface TwoProportionResult {
  kind: 'ok';
  controlRate: number;
  treatmentRate: number;
  /** treatment − control, in rate units (0.03 = 3 percentage points). */
  difference: number;
  /** Unpooled Wald interval for the difference at `confidence`. */
  differenceCi: Interval;
  /** Pooled z statistic; positive when treatment converts better. */
  z: number;
  /** Two-sided p-value of the pooled z-test. */
  pValue: number;
  /** null when the control rate is 0 (ratio undefined); see `liftReason`. */
  lift: RelativeLift | null;
  liftReason: string | null;
  confidence: number;
}

/** Validates one group (integer counts, successes ≤ n, n > 0); returns a failure or null. Example: {successes: 3, n: 2} → invalid-input. */
export function checkProportionGroup(g: ProportionGroup, label: string): StatsFailure | null {
  if (!isCount(g.successes) || !isCount(g.n)) {
    return invalid(`${label}: successes and n must be integers ≥ 0 (got ${g.successes}/${g.n})`);
  }
  if (g.successes > g.n) return invalid(`${label}: successes ${g.successes} > n ${g.n}`);
  if (g.n === 0) return insufficient(`${label}: no units yet (n = 0)`);
  return null;
}

/**
 * Relative lift of p2 over p1 in %, with a CI from the delta method on ln(p̂2/p̂1):
 * Var ≈ (1−p1)/x1 + (1−p2)/x2 (Katz et al. 1978 log risk-ratio interval; R epitools::riskratio.wald),
 * exponentiated back, so the interval is asymmetric and never crosses −100 %.
 * Example: 300/1000 vs 330/1000 → lift 10 %, 95 % CI ≈ [−3.4 %, 25.2 %].
 */
export function relativeLift(control: ProportionGroup, treatment: ProportionGroup, z: number):
  { lift: RelativeLift | null; reason: string | null } {
  const p1 = control.successes / control.n;
  const p2 = treatment.successes / treatment.n;
  if (control.successes === 0) {
    return { lift: null, reason: 'control rate is 0: relative lift is undefined (reported as null, not Infinity)' };
  }
  const pct = (p2 / p1 - 1) * 100;
  if (treatment.successes === 0) {
    return { lift: { pct, ci: null }, reason: 'treatment rate is 0: lift is −100 % but its log-scale CI is undefined' };
  }
  const se = Math.sqrt((1 - p1) / control.successes + (1 - p2) / treatment.successes);
  const logRatio = Math.log(p2 / p1);
  const ci = { lower: (Math.exp(logRatio - z * se) - 1) * 100, upper: (Math.exp(logRatio + z * se) - 1) * 100 };
  return { lift: { pct, ci }, reason: null };
}

/**
 * Pooled two-sided two-proportion z-test of treatment vs control, plus the unpooled Wald CI for the
 * difference and the relative lift with a delta-method CI.
 * z = (p̂2 − p̂1) / sqrt(p̄(1−p̄)(1/n1 + 1/n2)), p̄ = (x1+x2)/(n1+n2); z² equals the Pearson chi-square
 * of the 2×2 table, so p matches R `prop.test(c(x1,x2), c(n1,n2), correct=FALSE)` and
 * scipy.stats.chi2_contingency(correction=False).
 * When every unit in both groups has the same outcome (p̄ = 0 or 1) the pooled SE is 0: both observed
 * rates are equal, so there is no evidence of a difference and we return z = 0, p = 1 (R gives NaN).
 * The test is on the absolute difference; the lift is reported, not tested (its delta-method z is
 * skewed at small n).
 * Example: control 300/1000, treatment 360/1000 → z ≈ 2.853, p ≈ 0.00433, lift 20 %.
 */
export function twoProportionTest(
  control: ProportionGroup,
  treatment: ProportionGroup,
  options: { confidence?: number } = {},
): TwoProportionResult | StatsFailure {
  const confidence = options.confidence ?? 0.95;
  if (!isOpenProbability(confidence)) return invalid(`confidence must be in (0, 1), got ${confidence}`);
  const bad = checkProportionGroup(control, 'control') ?? checkProportionGroup(treatment, 'treatment');
  if (bad) return bad;

  const p1 = control.successes / control.n;
  const p2 = treatment.successes / treatment.n;
  const difference = p2 - p1;
  const pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  const z = se0 > 0 ? difference / se0 : 0;
  const pValue = se0 > 0 ? normalTwoSidedP(z) : 1;

  const zc = zForConfidence(confidence);
  const seWald = Math.sqrt((p1 * (1 - p1)) / control.n + (p2 * (1 - p2)) / treatment.n);
  const differenceCi = { lower: difference - zc * seWald, upper: difference + zc * seWald };
  const { lift, reason } = relativeLift(control, treatment, zc);

  return {
    kind: 'ok', controlRate: p1, treatmentRate: p2, difference, differenceCi,
    z, pValue, lift, liftReason: reason, confidence,
  };
}
