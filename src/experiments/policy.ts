/**
 * What every decision policy implements (docs/design.md §4), and the pieces they share. A policy is one
 * module under src/experiments/policies/ registered once in policies/index.ts: the registry is typed by
 * PolicyName, so a new name does not compile until its module exists, and every switch over the stored
 * `policy` goes through the registry.
 */
import type { Comparison } from './compare.ts';
import { improvement } from './compare.ts';
import type { DecisionConfig } from './decision-config.ts';
import type { TestDesign } from './design.ts';
import type { PlanRequest, PlanResult } from './planner.ts';
import type { Decision, KillReason, PolicyName } from './types.ts';
import type { Interval } from '../stats/index.ts';

/** The SRM check as the policies see it. */
export type SrmCheck =
  | { readonly kind: 'checked'; readonly pValue: number; readonly chiSquare: number; readonly mismatch: boolean }
  | { readonly kind: 'not-checked'; readonly reason: string };

/**
 * One look of a planned (group-sequential) test, as stored in lh_ab_test_looks. The boundary of a look
 * depends on every earlier look's information fraction, so the policy reads the earlier ones back.
 */
export interface LookRecord {
  readonly lookNumber: number;
  readonly controlN: number;
  readonly treatmentN: number;
  /** The improvement (good direction positive) in the metric's units, its standard error and z. */
  readonly estimate: number;
  readonly standardError: number;
  readonly z: number;
  readonly informationFraction: number;
  /** Where the spending function was evaluated: the information fraction, or 1 at a final look. */
  readonly spendingFraction: number;
  readonly alphaSpent: number;
  readonly efficacyZ: number;
  readonly futilityZ: number | null;
  readonly decision: 'KEEP' | 'KILL' | 'CONTINUE';
  readonly killReason: KillReason | null;
}

export interface DecisionInput {
  readonly comparison: Comparison;
  /** Units of the metric per group (leads, contacted leads, scored validations…). */
  readonly controlN: number;
  readonly treatmentN: number;
  /** lh_ab_tests.min_sample_size: the seed rule's per-group threshold. */
  readonly minSampleSize: number;
  /** Per-group planned size (planned_sample_size, else min_sample_size): the sequential tuning. */
  readonly plannedSampleSize: number;
  readonly elapsedDays: number;
  readonly maxDurationDays: number;
  /** lh_ab_tests.confidence_level: KEEP's p threshold is 1 − it unless configured. */
  readonly confidenceLevel: number;
  readonly srm: SrmCheck;
  /** lh_ab_tests.design (planned tests; null otherwise). */
  readonly design?: TestDesign | null;
  /** The test's earlier looks in order (planned tests). */
  readonly looks?: readonly LookRecord[];
  /**
   * Rates: the improvement post-stratified by lead source (good direction positive) and its standard
   * error, which the planned policy decides on when present (src/experiments/post-stratify.ts).
   */
  readonly adjusted?: { readonly improvement: number; readonly standardError: number } | null;
  /**
   * Durations: the standardized Mann–Whitney statistic in the good direction (treatment's durations tend
   * to be shorter ⇒ > 0; rankImprovementZ), which a planned test whose design says durationTest
   * mann-whitney decides on. Null/absent when the rank sums are not available.
   */
  readonly rankZ?: number | null;
}

/** What the sequential policy saw at this look (stored in results.sequential). */
export interface SequentialLook {
  readonly method: 'normal-mixture-confidence-sequence';
  readonly alpha: number;
  readonly plannedTotalN: number;
  readonly totalN: number;
  /** Always-valid CI of the improvement (good direction positive), in the metric's units. */
  readonly improvementCi: Interval;
  readonly alwaysValidP: number;
}

export interface PolicyOutcome {
  readonly policy: PolicyName;
  readonly decision: Decision;
  /** The p-value the rule used: fixed-horizon (seed), always-valid (sequential), stage-wise (planned); null when none. */
  readonly pValue: number | null;
  readonly sequential: SequentialLook | null;
  /** The look to store (planned policy): a new one, or the latest one again when no information was added. */
  readonly look: LookRecord | null;
}

/** One decision policy: how it plans a test, how it decides at a look, and how it says so. */
export interface DecisionPolicy {
  readonly name: PolicyName;
  /** How the policy decides, in a user's words (README, `--help`). */
  readonly explain: string;
  plan(request: PlanRequest): PlanResult;
  decide(input: DecisionInput, config: DecisionConfig): PolicyOutcome;
}

export const fmtP = (p: number) => (p < 0.0001 ? p.toExponential(2) : p.toFixed(4));
export const fmtLift = (l: number) => `${l >= 0 ? '+' : ''}${l.toFixed(1)}%`;

/** The lift the thresholds compare: the relative lift, or ±∞/0 by the sign of the difference when c = 0. */
export function ruleLift(c: Comparison): { value: number; text: string } {
  if (c.liftPct !== null) return { value: c.liftPct, text: `lift ${fmtLift(c.liftPct)}` };
  const d = improvement(c) ?? 0;
  const text = `lift undefined (control value 0; treatment ${d > 0 ? 'better' : d < 0 ? 'worse' : 'equal'})`;
  return { value: d > 0 ? Number.POSITIVE_INFINITY : d < 0 ? Number.NEGATIVE_INFINITY : 0, text };
}

export function srmBlock(input: DecisionInput, policy: PolicyName): PolicyOutcome | null {
  if (input.srm.kind !== 'checked' || !input.srm.mismatch) return null;
  const reason = `sample ratio mismatch (chi-square ${input.srm.chiSquare.toFixed(2)}, p = ${fmtP(input.srm.pValue)}): ` +
    'assignment or logging is broken; no decision until it is fixed';
  return { policy, decision: { kind: 'blocked-srm', reason, pValue: input.srm.pValue }, pValue: null, sequential: null, look: null };
}

/** Undecided: KILL as inconclusive past the max duration, else `fallback`. */
export function undecided(input: DecisionInput, fallback: Decision, policy: PolicyName, pValue: number | null, seq: SequentialLook | null): PolicyOutcome {
  if (input.elapsedDays > input.maxDurationDays) {
    const reason = `inconclusive after ${Math.floor(input.elapsedDays)} days (max ${input.maxDurationDays}): ${fallback.reason}`;
    return { policy, decision: { kind: 'KILL', reason, killReason: 'inconclusive' }, pValue, sequential: seq, look: null };
  }
  return { policy, decision: fallback, pValue, sequential: seq, look: null };
}

export function sizes(input: DecisionInput): string {
  return `control ${input.controlN}, treatment ${input.treatmentN}`;
}
