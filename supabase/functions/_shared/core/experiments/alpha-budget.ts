// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The false-KEEP budget of a skill identity (skill type + segment) over its repeated tests (pure;
 * docs/design.md §4, "Repeated tests of one skill").
 *
 * Why: a skill that is KILLed is spawned again after its cooldown while its bottleneck lasts (14 days after
 * an inconclusive KILL, 30 after a futile one), so a useless skill is tested three or four times in half a
 * year. Each test alone keeps its false-KEEP risk at the design's one-sided α (2.5 %), but the chance that
 * *one of them* keeps it adds up: the `modest` scenario kept its useless skill in 10 % of seeds with 70
 * tests in 20 seeds (bench/README.md). What a business cares about is "was this skill ever kept without
 * doing anything", so that is what the budget controls.
 *
 * Rule (`per-skill`, the default): the i-th test of an identity since its last KEEP gets
 *   α_i = α · f · (1 − f)^(i − 1)      (f = firstShare, default 0.8: 2 %, 0.4 %, 0.08 %, … of α 2.5 %)
 * so Σ_i α_i = α · (1 − (1 − f)^n) < α however many tests follow: by the union bound the chance that any
 * test of the identity keeps a useless skill stays below the designed α, whatever the tests' dependence.
 * The shares are fixed in advance (they depend only on i, never on what earlier tests observed), which is
 * what makes the union bound hold; recycling the α an early-stopped test did not spend (α-investing) would
 * need the stopping rule to be part of the argument, and is not done. A KEEP ends the family: the skill is
 * rolled out, and a later test of it asks a new question against a new baseline.
 *
 * Why a budget rather than a longer cooldown: a cooldown only lowers how many chances a useless skill gets
 * in a given time, and a bottleneck that lasts long enough gives it any number; the budget bounds the risk
 * for any number of tests. Its price is paid in leads: a test is designed at its own α, so for the same
 * power it needs (z_{1−α_i} + z_power)² / (z_{1−α} + z_power)² times the sample of a lone test at α.
 *
 * Why f = 0.8: most skills worth keeping are kept by their first test, so the first test keeps nearly all of
 * α (2 % instead of 2.5 %: +7 % sample), and a skill that has already been KILLed has to show more to be
 * kept (0.4 %: +55 % sample; 0.08 %: +105 %). Measured in the `modest` scenario (bench/README.md): with f = ½
 * (1.25 %: +21 % sample) the +20 % skill's first test was kept in 13 of 20 seeds instead of 18, because its
 * measured lift is diluted by leads that have not had time to qualify, and its re-tests at α/4 did not end
 * within the 180 days; the useless skill was kept in none. The sum is below α for any f, so this is a choice
 * of where to spend the risk, not of how much.
 *
 * `per-test` gives every test the full α (the behaviour before the budget): the false-KEEP risk per
 * identity then grows with every repeated test.
 */

/** How the one-sided α of the planned policy is shared among the repeated tests of one skill identity. */
export type AlphaBudget =
  | { readonly kind: 'per-skill'; readonly firstShare: number }
  | { readonly kind: 'per-test' };

export const DEFAULT_ALPHA_BUDGET: AlphaBudget = { kind: 'per-skill', firstShare: 0.8 };

/**
 * The smallest α a test is given (its design and boundaries stay computable in double precision below
 * ~1e-16). Reached only after about 16 tests of one identity at f = 0.8, so the bound on the sum exceeds
 * α by at most 1e-12 per test beyond that: negligible, and said here rather than hidden.
 */
export const MIN_TEST_ALPHA = 1e-12;

/** What a test was given, and why (stored on its design: lh_ab_tests.design.alphaAllocation). */
export interface AlphaAllocation {
  readonly budget: AlphaBudget;
  /** The identity's α (lh_settings.decision.planned.alpha): what all its tests together may spend. */
  readonly familyAlpha: number;
  /** 1 for the first test of the identity since its last KEEP (or ever), 2 for the next, … */
  readonly testNumber: number;
  /** The share of familyAlpha this test got (α = familyAlpha · share). */
  readonly share: number;
  /** This test's one-sided α (the design's alpha). */
  readonly alpha: number;
  /** What the identity's earlier tests in the family were given, together. */
  readonly allocatedBefore: number;
  /** In words, for the report. */
  readonly reason: string;
}

/** Thrown for a test number that is not a whole number ≥ 1 or a share outside (0, 1]. */
export class AlphaBudgetError extends Error {
  override readonly name = 'AlphaBudgetError';
}

const pct = (x: number) => `${Number((x * 100).toPrecision(3))}%`;

/** The α of the `testNumber`-th test of a skill identity under `budget` (see the module comment). */
export function allocateAlpha(budget: AlphaBudget, familyAlpha: number, testNumber: number, identity: string): AlphaAllocation {
  if (!(Number.isInteger(testNumber) && testNumber >= 1)) {
    throw new AlphaBudgetError(`the test number of ${identity} must be a whole number ≥ 1, got ${testNumber}`);
  }
  if (!(familyAlpha > 0 && familyAlpha < 0.5)) throw new AlphaBudgetError(`the planned α must be in (0, 0.5), got ${familyAlpha}`);
  if (budget.kind === 'per-test') {
    return {
      budget, familyAlpha, testNumber, share: 1, alpha: familyAlpha, allocatedBefore: familyAlpha * (testNumber - 1),
      reason: `test ${testNumber} of ${identity}: the full α ${pct(familyAlpha)} (alphaBudget per-test: every test gets all of it)`,
    };
  }
  const f = budget.firstShare;
  if (!(f > 0 && f < 1)) throw new AlphaBudgetError(`alphaBudget.firstShare must be in (0, 1), got ${f}`);
  const share = f * (1 - f) ** (testNumber - 1);
  const allocatedBefore = Number((familyAlpha * (1 - (1 - f) ** (testNumber - 1))).toPrecision(12));
  // (to 12 significant digits: 0.025 · 0.8 is 0.020000000000000004 in binary)
  const alpha = Math.max(Number((familyAlpha * share).toPrecision(12)), MIN_TEST_ALPHA);
  const reason = testNumber === 1
    ? `test 1 of ${identity}: α ${pct(alpha)}, ${pct(f)} of the skill's false-KEEP budget of ${pct(familyAlpha)} (repeated tests get shares of the rest)`
    : `test ${testNumber} of ${identity} since its last KEEP: α ${pct(alpha)}, ${pct(f)} of the ${pct(familyAlpha - allocatedBefore)} ` +
      `its budget of ${pct(familyAlpha)} has left after ${testNumber - 1} earlier test${testNumber === 2 ? '' : 's'}`;
  return { budget, familyAlpha, testNumber, share, alpha, allocatedBefore, reason };
}

/** The identity's name in messages: the skill type, and its segment when it has one. */
export function identityName(skillType: string, segment: string | null): string {
  return segment === null || segment === '' ? skillType : `${skillType} (${segment})`;
}
