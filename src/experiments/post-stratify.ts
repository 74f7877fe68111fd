/**
 * Post-stratification of a rate metric by lead source (pure): a variance-reduction estimate of
 * treatment − control that compares each source's treatment with the same source's control and then
 * averages the per-source differences with the pooled source shares as weights.
 *
 * Why: sources convert at very different rates (a referral converts far more often than a cold list), and
 * the random split lets one group draw a few more high-converting leads than the other by chance. That
 * imbalance is noise in the plain difference of overall rates; the per-source comparison removes it.
 * Randomisation still makes the estimate unbiased (the weights are the pooled shares, which do not
 * depend on the assignment's outcome), and the variance drops by about the share of the outcome
 * variance that lies between sources: Var_adj/Var_unadj ≈ Σ_s π_s p_s(1 − p_s) / (p̄(1 − p̄)) per group
 * (for sources converting 10/30/45 % mixed 40/40/20 that is ≈ 0.89, i.e. ~11 % fewer leads for the same
 * precision; 5/30/60 gives ≈ 0.75).
 *
 * Method: Miratrix, Sekhon & Yu, "Adjusting treatment effect estimates by post-stratification in
 * randomized experiments", JRSS-B 75(2):369–396, 2013: estimate Σ_s w_s (p̂_t,s − p̂_c,s) with
 * w_s = (n_c,s + n_t,s)/N. They show it is nearly as efficient as having blocked on the strata up front,
 * with a penalty of order 1/n² that grows when strata are small, hence the merging of small strata below.
 * It is also the treatment coefficient of the fully interacted regression with centred stratum dummies
 * (Lin, "Agnostic notes on regression adjustments to experimental data", Ann. Appl. Stat. 7(1), 2013),
 * which is how scripts/reference/post_stratify_reference.py checks it. GrowthBook's gbstats post-stratifies
 * the same way (EffectMomentsPostStratification in gbstats/models/tests.py).
 *
 * Variance form: the plug-in, conditional-on-the-cell-counts variance
 *   Var = Σ_s w_s² ( p̂_t,s(1 − p̂_t,s)/n_t,s + p̂_c,s(1 − p̂_c,s)/n_c,s ),
 * i.e. Miratrix et al.'s variance given the per-stratum counts W, with the binomial plug-in p̂(1 − p̂)
 * (divisor n, not n − 1) and no finite-population term (leads are treated as a sample from the stream of
 * future leads). It equals the HC0 sandwich variance of the regression above. It does not add the extra
 * variance from the strata shares being random (gbstats adds a multinomial term for that); that term is
 * of order 1/N² here and the Monte Carlo test (test/unit/experiments/post-stratify.test.ts) checks the
 * reported standard error against the empirical spread. The unadjusted standard error beside it is the
 * same unpooled plug-in, p̂_t(1 − p̂_t)/n_t + p̂_c(1 − p̂_c)/n_c, so the two are comparable.
 *
 * A stratum whose p̂ is 0 or 1 in a group contributes zero variance for that cell: a valid plug-in, not
 * an error. Failures are values (src/stats/result.ts): invalid counts → invalid-input; nothing to
 * stratify (no sources, a group with no units, fewer than two strata after merging) → not-applicable, and
 * the unadjusted comparison (compare.ts) is then the answer.
 */
import { invalid, isCount, isFiniteNumber, type InvalidInput } from '../stats/result.ts';
import type { GroupPair } from './outcomes.ts';

/** The name of the stratum that pools the sources too small to stand alone. */
export const OTHER_STRATUM = '(other)';

/** Default minimum units per cell (per source and group) for a source to be its own stratum. */
export const DEFAULT_MIN_PER_CELL = 10;

export interface PostStratum {
  /** A source name, "(other)", or "<largest> + (other)" when the remainder had to join the largest source. */
  readonly name: string;
  /** Pooled share of units, (n_c,s + n_t,s)/N. */
  readonly weight: number;
  readonly controlN: number;
  readonly treatmentN: number;
  /** The input sources pooled into this stratum (sorted by name). */
  readonly sources: readonly string[];
}

export interface PostStratifiedEstimate {
  readonly kind: 'ok';
  /** treatment − control, post-stratified, in the metric's units (NOT direction-flipped). */
  readonly difference: number;
  /** Plug-in conditional standard error (see the module comment); 0 when every cell is all-0 or all-1. */
  readonly standardError: number;
  /** The unadjusted difference and its standard error, for the report beside it. */
  readonly unadjusted: { readonly difference: number; readonly standardError: number };
  /** Strata used after merging small ones, in order: single sources by name, then the remainder. */
  readonly strata: readonly PostStratum[];
  /**
   * Variance ratio adjusted/unadjusted (< 1 = fewer leads needed for the same precision). 1 when the
   * unadjusted variance is 0 (every lead in each group had the same outcome: nothing to reduce).
   */
  readonly varianceRatio: number;
}

export interface NotApplicable {
  readonly kind: 'not-applicable';
  readonly reason: string;
}

interface Cell {
  successes: number;
  n: number;
}

interface WorkStratum {
  name: string;
  sources: string[];
  control: Cell;
  treatment: Cell;
}

const size = (s: WorkStratum): number => s.control.n + s.treatment.n;

function addInto(into: WorkStratum, from: WorkStratum): void {
  into.control.successes += from.control.successes;
  into.control.n += from.control.n;
  into.treatment.successes += from.treatment.successes;
  into.treatment.n += from.treatment.n;
  into.sources.push(...from.sources);
}

/** p̂(1 − p̂)/n: the binomial plug-in variance of one cell's rate (0 at p̂ ∈ {0, 1}). */
function cellVariance(c: Cell): number {
  const p = c.successes / c.n;
  return (p * (1 - p)) / c.n;
}

function checkGroup(source: string, group: string, n: number, sum: number): string | null {
  if (!isCount(n)) return `source "${source}": ${group} n must be a count ≥ 0, got ${n}`;
  if (!isFiniteNumber(sum) || sum < 0 || sum > n) {
    return `source "${source}": ${group} successes must be in [0, n = ${n}] (a rate metric), got ${sum}`;
  }
  return null;
}

/**
 * Post-stratified treatment − control of a rate metric from the per-source pairs (`sum` = successes,
 * `n` = units, as in pairsFromRows(...).bySource).
 *
 * Merging: a source with fewer than `minPerCell` (default 10) units in either group joins one remainder
 * stratum "(other)"; if the remainder itself still has a group below `minPerCell`, it joins the largest
 * source (most units, ties by name). Fewer than two strata after that → not-applicable.
 *
 * Example: web 30/300 vs 41/310, linkedin 90/300 vs 108/290, partner 2/3 vs 1/4, cold 5/8 vs 4/12 →
 * strata linkedin, web, (other) = partner + cold (11 vs 16 units).
 */
export function postStratifiedDifference(
  pairs: ReadonlyMap<string, GroupPair>,
  options: { minPerCell?: number } = {},
): PostStratifiedEstimate | NotApplicable | InvalidInput {
  const minPerCell = options.minPerCell ?? DEFAULT_MIN_PER_CELL;
  if (!isCount(minPerCell) || minPerCell < 1) return invalid(`minPerCell must be an integer ≥ 1, got ${minPerCell}`);
  if (pairs.size === 0) return { kind: 'not-applicable', reason: 'no lead sources to stratify by' };

  const names = [...pairs.keys()].sort();
  const all: WorkStratum[] = [];
  for (const name of names) {
    const { control, treatment } = pairs.get(name)!;
    const bad = checkGroup(name, 'control', control.n, control.sum) ?? checkGroup(name, 'treatment', treatment.n, treatment.sum);
    if (bad !== null) return invalid(bad);
    all.push({
      name, sources: [name],
      control: { successes: control.sum, n: control.n },
      treatment: { successes: treatment.sum, n: treatment.n },
    });
  }

  const total: WorkStratum = { name: 'total', sources: [], control: { successes: 0, n: 0 }, treatment: { successes: 0, n: 0 } };
  for (const s of all) addInto(total, s);
  if (total.control.n === 0 || total.treatment.n === 0) {
    return { kind: 'not-applicable', reason: 'a group has no units' };
  }

  const bigEnough = (s: WorkStratum) => s.control.n >= minPerCell && s.treatment.n >= minPerCell;
  const strata = all.filter(bigEnough);
  const small = all.filter((s) => !bigEnough(s));
  if (small.length > 0) {
    const rest: WorkStratum = { name: OTHER_STRATUM, sources: [], control: { successes: 0, n: 0 }, treatment: { successes: 0, n: 0 } };
    for (const s of small) addInto(rest, s);
    if (bigEnough(rest)) {
      strata.push(rest);
    } else if (strata.length > 0) {
      // Largest by units; `strata` is sorted by name and reduce keeps the first of equals.
      const largest = strata.reduce((a, b) => (size(b) > size(a) ? b : a));
      addInto(largest, rest);
      largest.name = `${largest.name} + ${OTHER_STRATUM}`;
      largest.sources.sort();
    } else {
      return {
        kind: 'not-applicable',
        reason: `every source has fewer than ${minPerCell} units in a group, and so do they pooled`,
      };
    }
  }
  if (strata.length < 2) {
    return {
      kind: 'not-applicable',
      reason: `fewer than 2 strata with at least ${minPerCell} units per group after merging small sources`,
    };
  }

  const N = total.control.n + total.treatment.n;
  let difference = 0;
  let variance = 0;
  const out: PostStratum[] = [];
  for (const s of strata) {
    const w = size(s) / N;
    difference += w * (s.treatment.successes / s.treatment.n - s.control.successes / s.control.n);
    variance += w * w * (cellVariance(s.treatment) + cellVariance(s.control));
    out.push({ name: s.name, weight: w, controlN: s.control.n, treatmentN: s.treatment.n, sources: s.sources });
  }
  const unadjustedVariance = cellVariance(total.treatment) + cellVariance(total.control);
  return {
    kind: 'ok',
    difference,
    standardError: Math.sqrt(variance),
    unadjusted: {
      difference: total.treatment.successes / total.treatment.n - total.control.successes / total.control.n,
      standardError: Math.sqrt(unadjustedVariance),
    },
    strata: out,
    varianceRatio: unadjustedVariance > 0 ? variance / unadjustedVariance : 1,
  };
}
