/**
 * The knobs of the weekly decision, with the seed's defaults. One defaults object typed against the
 * config; a caller overrides any part (CLI, edge function body, tests, simulator).
 */
import type { SpendingFunction } from '../stats/group-sequential.ts';
import { DEFAULT_ALPHA_BUDGET, type AlphaBudget } from './alpha-budget.ts';
import type { DurationTest } from './compare.ts';
import { isPolicyName, type PolicyName } from './types.ts';

export interface SeedRuleConfig {
  /** KEEP needs an observed lift strictly above this, in % (seed: 10). */
  readonly keepMinLiftPct: number;
  /** KEEP needs p below this; null = 1 − the test's confidence_level (0.05 at the default 0.95). */
  readonly keepMaxP: number | null;
  /** KILL when the observed lift is below this, in % (seed: 5)… */
  readonly killBelowLiftPct: number;
  /** …or when p is above this (seed: 0.10). */
  readonly killAboveP: number;
}

export interface SequentialConfig {
  /** Always-valid level: the confidence sequence holds at every look with probability ≥ 1 − alpha. */
  readonly alpha: number;
  /** No look before this many units per group (the normal approximation needs some data). */
  readonly minPerGroup: number;
}

/**
 * The `planned` policy (src/experiments/policies/planned.ts): a group-sequential design fixed at spawn.
 * Defaults from the low-volume research (docs/design.md §4): one-sided α 2.5 %, 80 % power for the smallest
 * lift worth keeping (+20 %), Lan–DeMets O'Brien–Fleming spending, weekly looks, non-binding futility from
 * a third of the information.
 */
export interface PlannedConfig {
  /** One-sided type-I error of the whole test (every look together). */
  readonly alpha: number;
  /** Chance of KEEP when the design lift is the truth. */
  readonly power: number;
  /** The smallest relative lift worth keeping, in %: the lift a test is powered for (not the bottleneck's target). */
  readonly smallestWorthwhileLiftPct: number;
  readonly spending: SpendingFunction;
  /** Futility is judged only from this information fraction on (earlier intervals are too wide to rule anything out). */
  readonly futilityFromFraction: number;
  /** KILL as futile when this two-sided interval's upper bound lies below the design lift. */
  readonly futilityConfidence: number;
  /** Days between planned looks (the weekly analysis). */
  readonly lookEveryDays: number;
  /** No look before this many units per group (the normal approximation needs some data). */
  readonly minPerGroup: number;
  /**
   * How `alpha` is shared among the repeated tests of one skill identity (skill type + segment): per-skill
   * (default, f = 0.8; test i since the last KEEP gets α·f·(1 − f)^(i−1), so all of them together stay below α) or
   * per-test (each gets α). See src/experiments/alpha-budget.ts.
   */
  readonly alphaBudget: AlphaBudget;
  /**
   * The statistic a planned test of a duration metric (response time, days to qualify) is decided on:
   * mann-whitney (default; the standardized rank-sum statistic, whose error rate does not depend on how
   * heavy the durations' tail is) or welch (the difference of means over its standard error, the behaviour
   * before; a few very long durations distort its one-sided error at the sizes these tests have). Fixed on
   * the test's design at spawn (design.durationTest); the futility rule and the reported estimate stay on
   * the mean. Not the same setting as the top-level durationTest, which chooses the fixed-horizon p-value
   * of the seed policy and of the results.
   */
  readonly durationTest: PlannedDurationTest;
}

/** The statistics a planned duration test may be decided on (see PlannedConfig.durationTest). */
export const PLANNED_DURATION_TESTS = ['mann-whitney', 'welch'] as const;
export type PlannedDurationTest = (typeof PLANNED_DURATION_TESTS)[number];

export interface DecisionConfig {
  readonly seed: SeedRuleConfig;
  readonly sequential: SequentialConfig;
  readonly planned: PlannedConfig;
  /** The policy of the tests the daily job spawns (a test keeps the policy it was spawned with). */
  readonly spawnPolicy: PolicyName;
  /** Sample-ratio mismatch threshold (GrowthBook: 0.001) and the minimum units per group to check it. */
  readonly srmThreshold: number;
  readonly srmMinPerGroup: number;
  /** Used when a test row has no max_duration_days (the column defaults to 182). */
  readonly defaultMaxDurationDays: number;
  /** The p-value of duration metrics: Welch on the means (default), Welch on logs, or Mann–Whitney. */
  readonly durationTest: DurationTest;
}

export const DEFAULT_DECISION_CONFIG = {
  seed: { keepMinLiftPct: 10, keepMaxP: null, killBelowLiftPct: 5, killAboveP: 0.1 },
  sequential: { alpha: 0.05, minPerGroup: 30 },
  planned: {
    alpha: 0.025, power: 0.8, smallestWorthwhileLiftPct: 20, spending: { kind: 'obrien-fleming' },
    futilityFromFraction: 1 / 3, futilityConfidence: 0.95, lookEveryDays: 7, minPerGroup: 20,
    alphaBudget: DEFAULT_ALPHA_BUDGET, durationTest: 'mann-whitney',
  },
  spawnPolicy: 'planned',
  srmThreshold: 0.001,
  srmMinPerGroup: 8,
  defaultMaxDurationDays: 182,
  durationTest: 'welch',
} as const satisfies DecisionConfig;

/** A partial override, one level deep (e.g. `{ seed: { keepMinLiftPct: 15 } }`). */
export interface DecisionConfigOverride {
  readonly seed?: Partial<SeedRuleConfig>;
  readonly sequential?: Partial<SequentialConfig>;
  readonly planned?: Partial<PlannedConfig>;
  readonly spawnPolicy?: PolicyName;
  readonly srmThreshold?: number;
  readonly srmMinPerGroup?: number;
  readonly defaultMaxDurationDays?: number;
  readonly durationTest?: DurationTest;
}

/** Thrown for a configuration that could never decide sensibly (e.g. KILL threshold above KEEP's). */
export class DecisionConfigError extends Error {
  override readonly name = 'DecisionConfigError';
}

/** Merges an override onto the defaults and checks it. */
export function resolveDecisionConfig(o: DecisionConfigOverride = {}): DecisionConfig {
  const c: DecisionConfig = {
    seed: { ...DEFAULT_DECISION_CONFIG.seed, ...o.seed },
    sequential: { ...DEFAULT_DECISION_CONFIG.sequential, ...o.sequential },
    planned: { ...DEFAULT_DECISION_CONFIG.planned, ...o.planned },
    spawnPolicy: o.spawnPolicy ?? DEFAULT_DECISION_CONFIG.spawnPolicy,
    srmThreshold: o.srmThreshold ?? DEFAULT_DECISION_CONFIG.srmThreshold,
    srmMinPerGroup: o.srmMinPerGroup ?? DEFAULT_DECISION_CONFIG.srmMinPerGroup,
    defaultMaxDurationDays: o.defaultMaxDurationDays ?? DEFAULT_DECISION_CONFIG.defaultMaxDurationDays,
    durationTest: o.durationTest ?? DEFAULT_DECISION_CONFIG.durationTest,
  };
  const prob = (x: number) => Number.isFinite(x) && x > 0 && x < 1;
  const problems: string[] = [];
  if (!Number.isFinite(c.seed.keepMinLiftPct) || !Number.isFinite(c.seed.killBelowLiftPct)) problems.push('lift thresholds must be finite');
  if (c.seed.killBelowLiftPct > c.seed.keepMinLiftPct) problems.push('killBelowLiftPct must not exceed keepMinLiftPct');
  if (c.seed.keepMaxP !== null && !prob(c.seed.keepMaxP)) problems.push('keepMaxP must be in (0, 1)');
  if (!prob(c.seed.killAboveP)) problems.push('killAboveP must be in (0, 1)');
  if (c.seed.keepMaxP !== null && c.seed.keepMaxP > c.seed.killAboveP) problems.push('keepMaxP must not exceed killAboveP');
  if (!prob(c.sequential.alpha)) problems.push('sequential.alpha must be in (0, 1)');
  if (!(Number.isInteger(c.sequential.minPerGroup) && c.sequential.minPerGroup >= 2)) problems.push('sequential.minPerGroup must be an integer ≥ 2');
  const pl = c.planned;
  if (!(pl.alpha > 0 && pl.alpha < 0.5)) problems.push('planned.alpha must be in (0, 0.5) (one-sided)');
  if (!(pl.power > 0.5 && pl.power < 1)) problems.push('planned.power must be in (0.5, 1)');
  // (a design lift at or below the KEEP line seed.keepMinLiftPct keeps it at most half the time: the plan says so)
  if (!(Number.isFinite(pl.smallestWorthwhileLiftPct) && pl.smallestWorthwhileLiftPct > 0)) problems.push('planned.smallestWorthwhileLiftPct must be > 0');
  if (pl.spending.kind === 'power' && !(Number.isFinite(pl.spending.rho) && pl.spending.rho > 0)) problems.push('planned.spending.rho must be > 0');
  if (!(pl.futilityFromFraction > 0 && pl.futilityFromFraction <= 1)) problems.push('planned.futilityFromFraction must be in (0, 1]');
  if (!prob(pl.futilityConfidence)) problems.push('planned.futilityConfidence must be in (0, 1)');
  if (!(Number.isInteger(pl.lookEveryDays) && pl.lookEveryDays >= 1 && pl.lookEveryDays <= 90)) problems.push('planned.lookEveryDays must be a whole number of days in 1..90');
  if (!(Number.isInteger(pl.minPerGroup) && pl.minPerGroup >= 2)) problems.push('planned.minPerGroup must be an integer ≥ 2');
  if (pl.alphaBudget.kind === 'per-skill' && !(pl.alphaBudget.firstShare > 0 && pl.alphaBudget.firstShare < 1)) {
    problems.push('planned.alphaBudget.firstShare must be in (0, 1) (1 would leave nothing for a second test)');
  } else if (pl.alphaBudget.kind !== 'per-skill' && pl.alphaBudget.kind !== 'per-test') {
    problems.push('planned.alphaBudget.kind must be per-skill or per-test');
  }
  if (!(PLANNED_DURATION_TESTS as readonly string[]).includes(pl.durationTest)) problems.push(`planned.durationTest must be one of ${PLANNED_DURATION_TESTS.join(', ')}`);
  if (!isPolicyName(c.spawnPolicy)) problems.push(`spawnPolicy must be one of seed, sequential, planned`);
  if (!prob(c.srmThreshold)) problems.push('srmThreshold must be in (0, 1)');
  if (!(Number.isInteger(c.defaultMaxDurationDays) && c.defaultMaxDurationDays > 0)) problems.push('defaultMaxDurationDays must be a positive integer');
  if (problems.length > 0) throw new DecisionConfigError(`invalid decision config: ${problems.join('; ')}`);
  return c;
}
