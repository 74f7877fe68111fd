// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Interaction check for two overlapping A/B tests (pure): does test A's treatment effect on A's metric
 * depend on whether the lead is in test B's control or treatment?
 *
 * Why: once tests overlap, every lead is in several tests at once with independent hashes. Independence
 * makes each test's estimate unbiased on average over the other's groups, but if B changes what A does
 * (A helps only with B's new message, or A and B do the same job so A adds nothing on top of B), A's
 * headline effect is an average over a mix of leads that will not exist once B is decided. The weekly
 * report shows this check for every overlapping pair so such a pair is looked at before either is kept.
 *
 * Input: the 2×2 cells of leads in both tests, indexed A's group first (`cells.treatment.control` = leads
 * in A's treatment and B's control), each with the sufficient statistics of A's metric. All four cells are
 * rates or all four are means (the types do not allow a mix; the runtime check covers JSON input).
 *
 * The contrast, on the difference scale (the scale decisions are made on):
 *   δ = (ȳ_AT,BT − ȳ_AC,BT) − (ȳ_AT,BC − ȳ_AC,BC) = effect of A within B-treatment − within B-control,
 * with SE = √Σ var_cell/n_cell (unpooled), z = δ/SE, a two-sided normal p-value and a central interval.
 * Interaction is two-sided: A working better *or* worse beside B's treatment both matter, so no
 * direction of goodness is taken.
 *
 * Rates, small-count fix: the plain unpooled p̂(1 − p̂)/n is 0 for a cell at 0/n or n/n, which is common
 * for a low conversion rate in a few dozen leads, and the understated SE then raises false alarms (exact
 * size of the plain Wald test at n = 10 per cell, p = 0.5, α = 0.05: 8.1 %). So every rate contrast here is
 * the adjusted Wald of Price & Bonett, "An improved confidence interval for a linear function of binomial
 * proportions", Comput. Stat. Data Anal. 45(3):449–456, 2004: with m cells in the contrast, each cell gets
 * 2/m pseudo-successes and 4/m pseudo-units, p̃ = (x + 2/m)/(n + 4/m), var = p̃(1 − p̃)/(n + 4/m). For the
 * interaction (m = 4) that is half a success and half a failure per cell; for the effect of A within one B
 * group (m = 2) it is exactly Agresti & Caffo's +1/+2 (src/stats/small-sample-intervals.ts). It is applied
 * always, not only at 0/n, so the statistic does not jump when a cell gains its first success, and the
 * adjustment fades as 1/n: with equal cells it shrinks δ by the factor n/(n + 1), and in general it moves δ
 * by at most 2/(n_min + 1). The observed δ is reported as
 * `estimate`; the test and the interval use the adjusted one (`adjustedEstimate`), so the verdict and the
 * interval always agree — as in R statpsych::ci.lc.prop.bs, which implements the same method.
 *
 * Rates, log-odds scale beside it: the Wald test of the A:B term of the logistic regression
 * y ~ A + B + A:B, which is how a statistician would usually test interaction:
 *   δ_logit = logit p_TT − logit p_CT − logit p_TC + logit p_CC,  SE = √Σ (1/x + 1/(n − x)) = √Σ 1/(n p(1 − p)).
 * The saturated model's MLE is the observed cells, so this equals statsmodels/R glm's coefficient and
 * Wald SE. When a cell is 0/n or n/n the MLE is infinite; then every cell gets half a success and half a
 * failure (the Haldane–Anscombe correction, `corrected: true`), the usual convention for log odds ratios.
 * The two scales can disagree: if A lifts conversion by the same *relative* amount in both B groups and B
 * moves the baseline, the log-odds interaction is ≈ 0 but the difference-scale one is not (A gains more
 * points where the baseline is higher). The verdict uses the difference scale for rates too, because the
 * tests are decided on differences (points gained): that is the interaction that changes what keeping A is
 * worth. The log-odds test is reported so a reader can tell "A does the same relative job" (difference flag
 * only) from a change in what A does (both flag; or the two simple effects have opposite signs).
 *
 * Means: SE from the cells' sample variances (divisor n − 1), normal reference distribution; a cell with
 * zero variance gives insufficient-data (at the minimum cell size that is a data problem, not a result).
 *
 * Verdict thresholds (why these defaults):
 * - α = 0.01, not 0.05: with k overlapping tests there are k(k − 1)/2 pairs and the check runs every week,
 *   so at 0.05 false alarms pile up (10 pairs → ≈ 40 % chance of at least one false "interaction" a week;
 *   0.01 → ≈ 10 %). A flag costs a person's time and can stall two tests, and the interaction that matters
 *   (a reversal, or A's effect halved) is large, so a stricter threshold loses little.
 * - `comparisons`: pass the number of pairs checked in the same report to use α/comparisons (Bonferroni),
 *   which bounds the chance of any false flag in that report by α. The pairs share tests, so their
 *   statistics are correlated and Bonferroni is conservative; Holm over all pairs' p-values
 *   (src/stats/multiplicity.ts) is uniformly more powerful if the caller has them all at once.
 * - At least 30 units per cell (the house minimum, as `sequential.minPerGroup`): below it the check says
 *   nothing useful. The interaction SE of a rate is about 2·√(p(1 − p)/n), ≥ 11 points at p = 0.1, n = 30,
 *   so a "no-interaction" verdict would only rule out absurd effects; for skewed metrics (durations) a
 *   cell mean of fewer than ~30 units is too far from normal for a 1 % tail. The adjusted rate test keeps
 *   close to its size even at 10 per cell: its exact size by enumeration, in
 *   test/unit/experiments/interaction-reference.json, is at most 5.5 % at α = 5 % and 1.7 % at α = 1 % over
 *   the null tables there (the plain Wald: 8.1 % and 2.3 %), so a caller who needs a smaller floor can lower it.
 * An interaction needs about four times the leads of a main effect of the same size to detect (its
 * variance sums four cells of a quarter of the leads each), so "no-interaction" is weak evidence of none:
 * the report should show the interval, not only the verdict.
 *
 * Failures are values (src/stats/result.ts): invalid counts or options → invalid-input; a cell below the
 * minimum, or a zero-variance mean cell → insufficient-data (the report shows it as that verdict).
 */
import { normalTwoSidedP, zForConfidence } from '../stats/distributions.ts';
import {
  insufficient, invalid, isCount, isFiniteNumber, isOpenProbability,
  type InsufficientData, type Interval, type InvalidInput,
} from '../stats/result.ts';

/** The group a lead is in within one test. */
export type Group = 'control' | 'treatment';

/** A rate metric in one cell: `successes` of `n` leads (0/1 outcome). */
export interface RateCell {
  readonly kind: 'rate';
  readonly n: number;
  readonly successes: number;
}

/** A continuous metric in one cell: sample mean and unbiased sample variance (divisor n − 1). */
export interface MeanCell {
  readonly kind: 'mean';
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

export type InteractionCell = RateCell | MeanCell;

/**
 * The four cells, indexed by test A's group first, then test B's:
 * `cells.treatment.control` = leads in A's treatment and B's control. All four share one kind.
 */
export type InteractionCells<C extends InteractionCell> = {
  readonly [a in Group]: { readonly [b in Group]: C };
};

/** Default α of the verdict (per pair, before `comparisons`); see the module comment. */
export const DEFAULT_INTERACTION_ALPHA = 0.01;

/** Default minimum units in every cell for a verdict; see the module comment. */
export const DEFAULT_INTERACTION_MIN_PER_CELL = 30;

export interface InteractionOptions {
  /** Two-sided α of the verdict for one pair (default 0.01). */
  readonly alpha?: number;
  /** Pairs checked in the same report: the verdict uses α/comparisons (Bonferroni). Default 1. */
  readonly comparisons?: number;
  /** Minimum units in each of the four cells (integer ≥ 2, default 30). */
  readonly minPerCell?: number;
  /** Level of the reported intervals (default 0.95); independent of α. */
  readonly confidence?: number;
}

/** A contrast of cell means on the difference scale (metric units; rate points for rates). */
export interface DifferenceContrast {
  /** The observed contrast of the cell means. */
  readonly estimate: number;
  /**
   * The contrast the test and the interval use: for rates, of the Price–Bonett adjusted cell rates (the
   * interval's centre); for means, equal to `estimate`.
   */
  readonly adjustedEstimate: number;
  readonly standardError: number;
  /** adjustedEstimate / standardError. */
  readonly z: number;
  /** Two-sided normal p-value of z. */
  readonly pValue: number;
  /** adjustedEstimate ± z·SE at `confidence`; for rates cut to the contrast's possible range. */
  readonly ci: Interval;
}

/** The interaction term of the saturated logistic regression y ~ A + B + A:B (log odds-ratio scale). */
export interface LogOddsContrast {
  readonly estimate: number;
  readonly standardError: number;
  readonly z: number;
  readonly pValue: number;
  readonly ci: Interval;
  /** True when a cell was 0/n or n/n and every cell got +½ success, +½ failure (Haldane–Anscombe). */
  readonly corrected: boolean;
}

interface InteractionCheckBase {
  readonly kind: 'ok';
  /** 'interaction' when the difference-scale p-value < alpha (the effective α below). */
  readonly verdict: 'interaction' | 'no-interaction';
  /** δ = effectOfA.inBTreatment − effectOfA.inBControl. */
  readonly interaction: DifferenceContrast;
  /** A treatment − A control within each of B's groups (for rates, Agresti–Caffo adjusted). */
  readonly effectOfA: { readonly inBControl: DifferenceContrast; readonly inBTreatment: DifferenceContrast };
  /** The α the verdict used: options.alpha / options.comparisons. */
  readonly alpha: number;
  readonly comparisons: number;
  readonly confidence: number;
}

export interface RateInteractionCheck extends InteractionCheckBase {
  readonly metric: 'rate';
  /** Reported beside the verdict, never deciding it. */
  readonly logOdds: LogOddsContrast;
}

export interface MeanInteractionCheck extends InteractionCheckBase {
  readonly metric: 'mean';
}

export type InteractionCheck = RateInteractionCheck | MeanInteractionCheck;

/** What the report shows for a pair: the verdict of an ok check, or 'insufficient-data'. */
export type InteractionVerdict = InteractionCheck['verdict'] | 'insufficient-data';

const GROUPS: readonly Group[] = ['control', 'treatment'];

interface Term {
  readonly cell: InteractionCell;
  readonly coefficient: number;
}

const label = (a: Group, b: Group) => `cell A ${a} × B ${b}`;

function checkCell(cell: InteractionCell, where: string, kind: InteractionCell['kind']): string | null {
  if (cell === null || typeof cell !== 'object') return `${where}: missing`;
  if (cell.kind !== kind) return `${where}: kind "${String(cell.kind)}" but the A control × B control cell is "${kind}"; all four cells must be rates or all means`;
  if (!isCount(cell.n)) return `${where}: n must be an integer ≥ 0, got ${cell.n}`;
  if (cell.kind === 'rate') {
    if (!isCount(cell.successes) || cell.successes > cell.n) {
      return `${where}: successes must be an integer in [0, n = ${cell.n}], got ${cell.successes}`;
    }
  } else {
    if (!isFiniteNumber(cell.mean)) return `${where}: mean must be a finite number, got ${cell.mean}`;
    if (!isFiniteNumber(cell.variance) || cell.variance < 0) {
      return `${where}: variance must be a finite number ≥ 0 (the sample variance), got ${cell.variance}`;
    }
  }
  return null;
}

/**
 * Σ c·ȳ with its SE; for rates the Price–Bonett adjustment with m = terms.length (the module comment).
 * Precondition: cells validated, n ≥ 2, and for means at least one variance > 0 among the terms.
 */
function differenceContrast(terms: readonly Term[], zc: number): DifferenceContrast {
  const m = terms.length;
  let estimate = 0;
  let adjustedEstimate = 0;
  let variance = 0;
  let low = 0;
  let high = 0;
  for (const { cell, coefficient: c } of terms) {
    if (cell.kind === 'rate') {
      const n = cell.n + 4 / m;
      const p = (cell.successes + 2 / m) / n;
      estimate += (c * cell.successes) / cell.n;
      adjustedEstimate += c * p;
      variance += (c * c * p * (1 - p)) / n;
      if (c < 0) low += c;
      else high += c;
    } else {
      estimate += c * cell.mean;
      adjustedEstimate += c * cell.mean;
      variance += (c * c * cell.variance) / cell.n;
    }
  }
  const se = Math.sqrt(variance);
  const z = adjustedEstimate / se;
  const rates = terms[0]?.cell.kind === 'rate';
  const lower = adjustedEstimate - zc * se;
  const upper = adjustedEstimate + zc * se;
  return {
    estimate, adjustedEstimate, standardError: se, z, pValue: normalTwoSidedP(z),
    ci: rates ? { lower: Math.max(low, lower), upper: Math.min(high, upper) } : { lower, upper },
  };
}

/** The A:B coefficient of the saturated logistic model and its Wald test (module comment). */
function logOddsContrast(terms: readonly Term[], zc: number): LogOddsContrast {
  const rates = terms.map((t) => t.cell as RateCell);
  const corrected = rates.some((c) => c.successes === 0 || c.successes === c.n);
  const h = corrected ? 0.5 : 0;
  let estimate = 0;
  let variance = 0;
  terms.forEach(({ coefficient: c }, i) => {
    const x = rates[i]!.successes + h;
    const y = rates[i]!.n - rates[i]!.successes + h;
    estimate += c * Math.log(x / y);
    variance += c * c * (1 / x + 1 / y);
  });
  const se = Math.sqrt(variance);
  const z = estimate / se;
  return {
    estimate, standardError: se, z, pValue: normalTwoSidedP(z),
    ci: { lower: estimate - zc * se, upper: estimate + zc * se }, corrected,
  };
}

/**
 * Interaction of two overlapping tests on test A's metric, from the four cells (module comment).
 *
 * Example (rates; A control/treatment × B control/treatment): 50/500, 75/500 | 65/500, 90/500 — A adds
 * 3 points in both B groups → δ = 0, verdict no-interaction. With A treatment × B treatment at 140/500
 * instead, A adds 13 points beside B's treatment and 3 without it → δ = 0.10 (adjusted 0.0998),
 * SE ≈ 0.0326, p ≈ 0.0022 → interaction at the default α = 0.01.
 */
export function checkInteraction(
  cells: InteractionCells<RateCell>, options?: InteractionOptions,
): RateInteractionCheck | InsufficientData | InvalidInput;
export function checkInteraction(
  cells: InteractionCells<MeanCell>, options?: InteractionOptions,
): MeanInteractionCheck | InsufficientData | InvalidInput;
export function checkInteraction(
  cells: InteractionCells<RateCell> | InteractionCells<MeanCell>, options?: InteractionOptions,
): InteractionCheck | InsufficientData | InvalidInput;
export function checkInteraction(
  cells: InteractionCells<RateCell> | InteractionCells<MeanCell>,
  options: InteractionOptions = {},
): InteractionCheck | InsufficientData | InvalidInput {
  const alpha = options.alpha ?? DEFAULT_INTERACTION_ALPHA;
  const comparisons = options.comparisons ?? 1;
  const minPerCell = options.minPerCell ?? DEFAULT_INTERACTION_MIN_PER_CELL;
  const confidence = options.confidence ?? 0.95;
  if (!isOpenProbability(alpha)) return invalid(`alpha must be in (0, 1), got ${alpha}`);
  if (!isCount(comparisons) || comparisons < 1) {
    return invalid(`comparisons must be an integer ≥ 1 (the number of pairs checked in the report), got ${comparisons}`);
  }
  if (!isCount(minPerCell) || minPerCell < 2) return invalid(`minPerCell must be an integer ≥ 2, got ${minPerCell}`);
  if (!isOpenProbability(confidence)) return invalid(`confidence must be in (0, 1), got ${confidence}`);

  const at = (a: Group, b: Group): InteractionCell => (cells as InteractionCells<InteractionCell>)[a]?.[b];
  const first = at('control', 'control');
  if (first == null || (first.kind !== 'rate' && first.kind !== 'mean')) {
    return invalid(`${label('control', 'control')}: kind must be "rate" or "mean", got ${first == null ? 'no cell' : `"${String((first as { kind?: unknown }).kind)}"`}`);
  }
  for (const a of GROUPS) {
    for (const b of GROUPS) {
      const bad = checkCell(at(a, b), label(a, b), first.kind);
      if (bad !== null) return invalid(bad);
    }
  }
  for (const a of GROUPS) {
    for (const b of GROUPS) {
      const c = at(a, b);
      if (c.n < minPerCell) return insufficient(`${label(a, b)} has ${c.n} units, fewer than the minimum ${minPerCell}`);
      if (c.kind === 'mean' && c.variance === 0) {
        return insufficient(`${label(a, b)} has zero variance over ${c.n} units: the normal approximation has nothing to go on`);
      }
    }
  }

  const zc = zForConfidence(confidence);
  const effectIn = (b: Group) => differenceContrast(
    [{ cell: at('treatment', b), coefficient: 1 }, { cell: at('control', b), coefficient: -1 }], zc);
  const terms: Term[] = [
    { cell: at('treatment', 'treatment'), coefficient: 1 },
    { cell: at('control', 'treatment'), coefficient: -1 },
    { cell: at('treatment', 'control'), coefficient: -1 },
    { cell: at('control', 'control'), coefficient: 1 },
  ];
  const interaction = differenceContrast(terms, zc);
  const effectiveAlpha = alpha / comparisons;
  const base = {
    kind: 'ok' as const,
    verdict: interaction.pValue < effectiveAlpha ? 'interaction' as const : 'no-interaction' as const,
    interaction,
    effectOfA: { inBControl: effectIn('control'), inBTreatment: effectIn('treatment') },
    alpha: effectiveAlpha, comparisons, confidence,
  };
  return first.kind === 'rate'
    ? { ...base, metric: 'rate', logOdds: logOddsContrast(terms, zc) }
    : { ...base, metric: 'mean' };
}
