/**
 * The planner (docs/design.md §4): how many units per group a test needs, and how long that takes.
 * min_sample_size = max(100, the smallest n per group with 80 % power to END IN KEEP when the true value is
 * the test's target) — power for the decision rule actually used (p < 0.05 AND observed lift > 10 %, or
 * the sequential policy's confidence sequence), not only for "p < 0.05". A target whose lift is not above
 * the KEEP threshold can never reach 80 % (an observed lift above a true lift of 10 % is a coin flip), so
 * it is rejected with the reason.
 */
import type { Bottleneck } from '../detect/types.ts';
import { METRIC_KIND, type TrackedMetric } from '../metrics.ts';
import {
  powerOfSeedRule, powerOfSeedRuleDuration, sampleSizeForSeedRule, sampleSizeForSeedRuleDuration,
  smallestSampleSize, type SampleSizeSearch,
} from '../stats/index.ts';
import { resolveDecisionConfig, type DecisionConfigOverride } from './decision-config.ts';
import { sequentialPowerDurations, sequentialPowerRates } from './sequential-power.ts';
import { maxLiftPct, type TestDesign } from './design.ts';
import type { PolicyName } from './types.ts';

/** The policies planned by a per-group size (the `planned` policy plans a design: policies/planned.ts). */
export type FixedRulePolicy = Exclude<PolicyName, 'planned'>;

export const MIN_SAMPLE_FLOOR = 100;

export interface PlanRequest {
  /** Default conversion_rate. Rates/accuracy: values are shares in (0, 1); durations: means (> 0). */
  readonly metric?: TrackedMetric;
  /** The control's current value of the metric. */
  readonly baseline: number;
  /** The value the skill should reach (higher for rates, lower for durations). */
  readonly target: number;
  /** Durations only: standard deviation of one unit's duration; default = baseline (CV 1, exponential-like). */
  readonly baselineSd?: number;
  readonly policy?: PolicyName;
  /** Default 0.8. */
  readonly power?: number;
  /** Default 100 (the seed's minimum per group). */
  readonly floor?: number;
  /** Units of the metric entering the test per day, both groups together (optional: gives the duration). */
  readonly dailyUnits?: number;
  /** Treatment share in % (lh_ab_tests.traffic_allocation_pct); default 50. */
  readonly allocationPct?: number;
  /** KEEP thresholds (lift %, p); default the seed's. */
  readonly config?: DecisionConfigOverride;
  /** The test's max_duration_days (default 182): a plan that needs longer is not feasible. */
  readonly maxDurationDays?: number;
  /**
   * planned: the test's place among its skill's tests since the skill's last KEEP (default 1, a new skill's
   * first test), which sets its share of the skill's α budget as spawning does (src/experiments/alpha-budget.ts).
   */
  readonly testNumber?: number;
}

export interface Plan {
  readonly kind: 'ok';
  readonly metric: TrackedMetric;
  readonly policy: PolicyName;
  readonly baseline: number;
  readonly target: number;
  /** Relative improvement the plan is for, in % (positive = better). */
  readonly targetLiftPct: number;
  /** min_sample_size to store: max(floor, requiredPerGroup). */
  readonly perGroup: number;
  /** The smallest n per group with the requested power under the rule, before the floor. */
  readonly requiredPerGroup: number;
  /** Probability of KEEP at `perGroup` if the target is the truth. */
  readonly powerAtPerGroup: number;
  readonly power: number;
  /** Days / weeks until the smaller group reaches perGroup (null without dailyUnits). */
  readonly days: number | null;
  readonly weeks: number | null;
  readonly maxDurationDays: number;
  /** Whether `days` fits within maxDurationDays (null without dailyUnits). */
  readonly feasible: boolean | null;
  /** The smallest lift in % this policy detects with the requested power within maxDurationDays at dailyUnits (null without dailyUnits, or none). */
  readonly minDetectableLiftPct: number | null;
  /** The stored design (planned policy only). */
  readonly design: TestDesign | null;
  readonly assumptions: readonly string[];
}

export type PlanResult = Plan | { readonly kind: 'invalid'; readonly reason: string } | { readonly kind: 'unreachable'; readonly reason: string };

const invalid = (reason: string) => ({ kind: 'invalid', reason }) as const;

/** Checks the request; returns a reason or null. */
function checkRequest(r: PlanRequest, metric: TrackedMetric, keepLift: number): string | null {
  const isRate = METRIC_KIND[metric] !== 'duration';
  if (!Number.isFinite(r.baseline) || !Number.isFinite(r.target)) return 'baseline and target must be numbers';
  if (isRate) {
    if (!(r.baseline > 0 && r.baseline < 1)) return `baseline must be a share strictly between 0 and 1 for ${metric}, got ${r.baseline}`;
    if (!(r.target > 0 && r.target < 1)) return `target must be a share strictly between 0 and 1 for ${metric}, got ${r.target}`;
  } else {
    if (!(r.baseline > 0)) return `baseline must be a positive duration for ${metric}, got ${r.baseline}`;
    if (!(r.target > 0)) return `target must be a positive duration for ${metric}, got ${r.target}`;
    if (r.baselineSd !== undefined && !(Number.isFinite(r.baselineSd) && r.baselineSd > 0)) return 'baseline sd must be > 0';
  }
  const lift = liftOf(metric, r.baseline, r.target);
  if (!(lift > keepLift + 1e-9)) {
    return `target ${r.target} is a ${lift.toFixed(1)}% ${isRate ? 'lift' : 'reduction'} over baseline ${r.baseline}; ` +
      `it must exceed the KEEP threshold of ${keepLift}% (the chance of KEEP never passes ~50% otherwise)`;
  }
  if (r.power !== undefined && !(r.power > 0 && r.power < 1)) return 'power must be between 0 and 1';
  if (r.floor !== undefined && !(Number.isInteger(r.floor) && r.floor >= 2)) return 'floor must be an integer ≥ 2';
  if (r.dailyUnits !== undefined && !(Number.isFinite(r.dailyUnits) && r.dailyUnits > 0)) return 'daily volume must be > 0';
  if (r.allocationPct !== undefined && !(r.allocationPct > 0 && r.allocationPct < 100)) return 'allocation must be a percentage strictly between 0 and 100';
  if (r.maxDurationDays !== undefined && !(Number.isInteger(r.maxDurationDays) && r.maxDurationDays > 0)) return 'max duration must be a positive whole number of days';
  return null;
}

/** Relative improvement of target over baseline in % (reductions count positive for durations). */
export function liftOf(metric: TrackedMetric, baseline: number, target: number): number {
  return METRIC_KIND[metric] === 'duration' ? ((baseline - target) / baseline) * 100 : ((target - baseline) / baseline) * 100;
}

function requiredSize(r: PlanRequest, metric: TrackedMetric, policy: FixedRulePolicy, power: number, keepLift: number, alpha: number, seqAlpha: number): SampleSizeSearch {
  const isRate = METRIC_KIND[metric] !== 'duration';
  const sd = r.baselineSd ?? r.baseline;
  if (policy === 'seed') {
    const res = isRate
      ? sampleSizeForSeedRule(r.baseline, r.target, { alpha, minLiftPct: keepLift, power })
      : sampleSizeForSeedRuleDuration({ baselineMean: r.baseline, baselineSd: sd, improvementPct: liftOf(metric, r.baseline, r.target) },
        { alpha, minLiftPct: keepLift, power });
    return res.kind === 'invalid-input' ? { kind: 'unreachable', reason: res.reason } : res;
  }
  const powerAt = isRate
    ? (n: number) => sequentialPowerRates(r.baseline, r.target, n, seqAlpha, keepLift)
    : (n: number) => sequentialPowerDurations(r.baseline, r.target, sd, sd, n, seqAlpha, keepLift);
  return smallestSampleSize(powerAt, power, 2, 10_000_000);
}

/**
 * The per-group sample size for a test (and its duration at a daily volume). Example: conversion 30 % →
 * 36 % (+20 %), seed rule, 80 % power → 963 per group; at 40 leads a day split 50/50, 49 days (7 weeks).
 */
export function planMinSampleSize(r: PlanRequest): PlanResult {
  const policy = r.policy ?? 'seed';
  if (policy === 'planned') return invalid('the planned policy plans a design: use planTest (src/experiments/plan-test.ts)');
  return planFixedRule(r, policy);
}

/** The plan of a fixed-size rule (seed, sequential); see planMinSampleSize. */
export function planFixedRule(r: PlanRequest, policy: FixedRulePolicy, withMinimumDetectable = true): PlanResult {
  const metric = r.metric ?? 'conversion_rate';
  let cfg;
  try {
    cfg = resolveDecisionConfig(r.config);
  } catch (e) {
    return invalid((e as Error).message);
  }
  const keepLift = cfg.seed.keepMinLiftPct;
  const bad = checkRequest(r, metric, keepLift);
  if (bad) return invalid(bad);
  const power = r.power ?? 0.8;
  const floor = r.floor ?? MIN_SAMPLE_FLOOR;
  const alpha = cfg.seed.keepMaxP ?? 0.05;
  const found = requiredSize(r, metric, policy, power, keepLift, alpha, cfg.sequential.alpha);
  if (found.kind !== 'ok') return { kind: 'unreachable', reason: found.reason };
  const perGroup = Math.max(floor, found.nPerGroup);
  const share = Math.min(r.allocationPct ?? 50, 100 - (r.allocationPct ?? 50)) / 100;
  const days = r.dailyUnits === undefined ? null : Math.ceil(perGroup / (r.dailyUnits * share));
  const assumptions = [
    policy === 'seed'
      ? `decision rule: KEEP if lift > ${keepLift}% and p < ${alpha} at the first look with ${perGroup} per group`
      : `decision rule: KEEP when the ${1 - cfg.sequential.alpha} confidence sequence (tuned to ${2 * perGroup} units) excludes 0 and lift > ${keepLift}%`,
    ...(METRIC_KIND[metric] === 'duration' ? [`duration sd ${r.baselineSd ?? r.baseline} in both groups${r.baselineSd === undefined ? ' (default: sd = mean)' : ''}`] : []),
    ...(days === null ? [] : [`${r.dailyUnits} units a day, the smaller group getting ${(share * 100).toFixed(0)}%`]),
  ];
  const maxDurationDays = r.maxDurationDays ?? cfg.defaultMaxDurationDays;
  return {
    kind: 'ok', metric, policy, baseline: r.baseline, target: r.target,
    targetLiftPct: liftOf(metric, r.baseline, r.target),
    perGroup, requiredPerGroup: found.nPerGroup,
    powerAtPerGroup: perGroup === found.nPerGroup ? found.achievedPower : powerAt(r, metric, policy, perGroup, keepLift, alpha, cfg.sequential.alpha),
    power, days, weeks: days === null ? null : Math.ceil(days / 7),
    maxDurationDays, feasible: days === null ? null : days <= maxDurationDays,
    minDetectableLiftPct: r.dailyUnits === undefined || !withMinimumDetectable ? null : fixedRuleMinimumDetectableLift(r, metric, policy, maxDurationDays),
    design: null, assumptions,
  };
}

/**
 * The smallest lift (in %, above the KEEP line) whose plan fits within maxDurationDays at r.dailyUnits:
 * bisection on the target over the sizes the rule needs. Null when even the largest lift does not fit.
 */
function fixedRuleMinimumDetectableLift(r: PlanRequest, metric: TrackedMetric, policy: FixedRulePolicy, maxDays: number): number | null {
  const keepLift = resolveDecisionConfig(r.config).seed.keepMinLiftPct;
  const isRate = METRIC_KIND[metric] !== 'duration';
  const targetFor = (l: number) => (isRate ? r.baseline * (1 + l / 100) : r.baseline * (1 - l / 100));
  const fits = (l: number) => {
    const p = planFixedRule({ ...r, target: targetFor(l), maxDurationDays: maxDays, policy }, policy, false);
    return p.kind === 'ok' && p.days !== null && p.days <= maxDays;
  };
  let hi = maxLiftPct(metric, r.baseline);
  let lo = keepLift + 0.1;
  if (hi <= lo || !fits(hi)) return null;
  if (fits(lo)) return Math.ceil(lo * 10) / 10;
  for (let i = 0; i < 30 && hi - lo > 0.05; i++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi * 10) / 10;
}

function powerAt(r: PlanRequest, metric: TrackedMetric, policy: FixedRulePolicy, n: number, keepLift: number, alpha: number, seqAlpha: number): number {
  const sd = r.baselineSd ?? r.baseline;
  const isRate = METRIC_KIND[metric] !== 'duration';
  if (policy === 'sequential') {
    return isRate ? sequentialPowerRates(r.baseline, r.target, n, seqAlpha, keepLift)
      : sequentialPowerDurations(r.baseline, r.target, sd, sd, n, seqAlpha, keepLift);
  }
  const res = isRate
    ? powerOfSeedRule(r.baseline, r.target, n, { alpha, minLiftPct: keepLift })
    : powerOfSeedRuleDuration({ baselineMean: r.baseline, baselineSd: sd, improvementPct: liftOf(metric, r.baseline, r.target) }, n, { alpha, minLiftPct: keepLift });
  return res.kind === 'ok' ? res.power : 0;
}

/**
 * min_sample_size for the test the daily job spawns for a bottleneck: planMinSampleSize from the
 * bottleneck's current value to its target. A target not above the KEEP threshold (e.g. F1 0.75 → 0.80,
 * +6.7 %) cannot be planned for 80 % power; the plan is then made for twice the KEEP threshold (+20 %),
 * capped halfway to 1 for shares. Anything else unplannable gives the floor (100). Never throws.
 */
export function minSampleSizeForBottleneck(
  b: Pick<Bottleneck, 'metric' | 'currentValue' | 'targetValue'>,
  options: { policy?: FixedRulePolicy; power?: number; floor?: number; config?: DecisionConfigOverride } = {},
): number {
  const floor = options.floor ?? MIN_SAMPLE_FLOOR;
  const base = { metric: b.metric, baseline: b.currentValue, policy: options.policy, power: options.power, floor, config: options.config };
  const first = planMinSampleSize({ ...base, target: b.targetValue });
  if (first.kind === 'ok') return first.perGroup;
  const keepLift = (options.config?.seed?.keepMinLiftPct ?? 10) * 2;
  const isRate = METRIC_KIND[b.metric] !== 'duration';
  const fallbackTarget = isRate
    ? Math.min(b.currentValue * (1 + keepLift / 100), (1 + b.currentValue) / 2)
    : b.currentValue * (1 - keepLift / 100);
  const second = planMinSampleSize({ ...base, target: fallbackTarget });
  return second.kind === 'ok' ? second.perGroup : floor;
}
