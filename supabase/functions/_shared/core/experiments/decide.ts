// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The decision policies (pure): from a test's comparison, sample sizes, age and SRM check to a Decision.
 *
 * `seed` — the seed's rule, configurable: below min_sample_size in either group no decision; then KEEP if
 *   lift > 10 % and p < 0.05, KILL if lift < 5 % or p > 0.10, else CONTINUE; still undecided past the
 *   test's max duration → KILL (inconclusive). Meant to be run once the planned size is reached
 *   (min_sample_size comes from the planner), where it has its planned power.
 * `sequential` — always-valid inference, for teams that look every week and want to stop early safely:
 *   the normal-mixture confidence sequence of Howard, Ramdas, McAuliffe & Sekhon (Ann. Statist. 2021,
 *   arXiv:1810.08240) on treatment − control, tuned to the planned total sample (2 × planned per group).
 *   KEEP when the sequence excludes 0 in the good direction and the observed lift > 10 %; KILL for
 *   futility when the sequence's bound rules out the smallest lift worth keeping (10 %), or when the
 *   planned size is reached without a KEEP; max duration as above. Valid under any number of looks.
 *   Why a confidence sequence and not group-sequential alpha spending (Lan–DeMets, α·t²), which the
 *   research notes show keeps nearly fixed-horizon power: the sequence is stateless — valid at any look,
 *   however often or irregularly the job runs (cron retries, manual `analyze`), with no look history to
 *   store and replay — while alpha spending is only valid if every past look's information fraction is
 *   recorded and honoured. Its price is sample size: the planner plans the sequential policy for its own
 *   boundary (≈ 3.04 se at the plan instead of 1.96), ≈ 1.9× the seed rule's size (30 % → 39 %: 832 vs 437
 *   per group), while it can stop early on large effects. Measured (test/sim/decision-policies.test.ts,
 *   2,000 experiments, ≈ 50 leads/group/week, 26 weekly looks): A/A false KEEP seed 3.6 % / sequential
 *   0.5 %; power for +30 % at the planned size seed 87 % / sequential 85 % (mean 9.5 vs 10.5 weeks).
 * Both: a sample-ratio mismatch blocks every decision. When the control value is 0 the relative lift is
 * undefined (stored as null); the rules then use the sign of the absolute difference: an improvement
 * counts as above every lift threshold, none or a deterioration as below.
 */
import { confidenceSequence, type Interval } from '../stats/index.ts';
import type { Comparison } from './compare.ts';
import { improvement } from './compare.ts';
import type { DecisionConfig } from './decision-config.ts';
import type { Decision, PolicyName } from './types.ts';

/** The SRM check as the policies see it. */
export type SrmCheck =
  | { readonly kind: 'checked'; readonly pValue: number; readonly chiSquare: number; readonly mismatch: boolean }
  | { readonly kind: 'not-checked'; readonly reason: string };

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
  /** The p-value the rule used: fixed-horizon (seed) or always-valid (sequential); null when none. */
  readonly pValue: number | null;
  readonly sequential: SequentialLook | null;
}

const fmtP = (p: number) => (p < 0.0001 ? p.toExponential(2) : p.toFixed(4));
const fmtLift = (l: number) => `${l >= 0 ? '+' : ''}${l.toFixed(1)}%`;

/** The lift the thresholds compare: the relative lift, or ±∞/0 by the sign of the difference when c = 0. */
function ruleLift(c: Comparison): { value: number; text: string } {
  if (c.liftPct !== null) return { value: c.liftPct, text: `lift ${fmtLift(c.liftPct)}` };
  const d = improvement(c) ?? 0;
  const text = `lift undefined (control value 0; treatment ${d > 0 ? 'better' : d < 0 ? 'worse' : 'equal'})`;
  return { value: d > 0 ? Number.POSITIVE_INFINITY : d < 0 ? Number.NEGATIVE_INFINITY : 0, text };
}

function srmBlock(input: DecisionInput, policy: PolicyName): PolicyOutcome | null {
  if (input.srm.kind !== 'checked' || !input.srm.mismatch) return null;
  const reason = `sample ratio mismatch (chi-square ${input.srm.chiSquare.toFixed(2)}, p = ${fmtP(input.srm.pValue)}): ` +
    'assignment or logging is broken; no decision until it is fixed';
  return { policy, decision: { kind: 'blocked-srm', reason, pValue: input.srm.pValue }, pValue: null, sequential: null };
}

/** Undecided: KILL as inconclusive past the max duration, else `fallback`. */
function undecided(input: DecisionInput, fallback: Decision, policy: PolicyName, pValue: number | null, seq: SequentialLook | null): PolicyOutcome {
  if (input.elapsedDays > input.maxDurationDays) {
    const reason = `inconclusive after ${Math.floor(input.elapsedDays)} days (max ${input.maxDurationDays}): ${fallback.reason}`;
    return { policy, decision: { kind: 'KILL', reason, inconclusive: true }, pValue, sequential: seq };
  }
  return { policy, decision: fallback, pValue, sequential: seq };
}

function sizes(input: DecisionInput): string {
  return `control ${input.controlN}, treatment ${input.treatmentN}`;
}

/** The seed's KEEP / KILL / CONTINUE rule (see the module comment). */
export function decideSeed(input: DecisionInput, config: DecisionConfig): PolicyOutcome {
  const blocked = srmBlock(input, 'seed');
  if (blocked) return blocked;
  const rule = config.seed;
  const min = input.minSampleSize;
  if (Math.min(input.controlN, input.treatmentN) < min) {
    const reason = `needs ${min} per group before deciding (${sizes(input)})`;
    return undecided(input, { kind: 'not-enough-data', reason }, 'seed', input.comparison.pValue, null);
  }
  const c = input.comparison;
  if (c.pValue === null) {
    return undecided(input, { kind: 'not-enough-data', reason: `no test possible: ${c.note ?? 'unknown'}` }, 'seed', null, null);
  }
  const alpha = rule.keepMaxP ?? Number((1 - input.confidenceLevel).toPrecision(12));
  const lift = ruleLift(c);
  const p = `p = ${fmtP(c.pValue)}`;
  if (lift.value > rule.keepMinLiftPct && c.pValue < alpha) {
    return { policy: 'seed', decision: { kind: 'KEEP', reason: `${lift.text} > ${rule.keepMinLiftPct}% and ${p} < ${alpha}` }, pValue: c.pValue, sequential: null };
  }
  if (lift.value < rule.killBelowLiftPct || c.pValue > rule.killAboveP) {
    const why = lift.value < rule.killBelowLiftPct ? `${lift.text} < ${rule.killBelowLiftPct}%` : `${p} > ${rule.killAboveP}`;
    return { policy: 'seed', decision: { kind: 'KILL', reason: `no worthwhile effect: ${why}`, inconclusive: false }, pValue: c.pValue, sequential: null };
  }
  const reason = `promising but not yet significant: ${lift.text}, ${p}`;
  return undecided(input, { kind: 'CONTINUE', reason }, 'seed', c.pValue, null);
}

/** The always-valid confidence-sequence policy (see the module comment). */
export function decideSequential(input: DecisionInput, config: DecisionConfig): PolicyOutcome {
  const blocked = srmBlock(input, 'sequential');
  if (blocked) return blocked;
  const { alpha, minPerGroup } = config.sequential;
  const c = input.comparison;
  const d = improvement(c);
  if (Math.min(input.controlN, input.treatmentN) < minPerGroup || d === null || c.standardError === null) {
    const reason = Math.min(input.controlN, input.treatmentN) < minPerGroup
      ? `needs ${minPerGroup} per group for a first look (${sizes(input)})`
      : `no estimate possible: ${c.note ?? 'unknown'}`;
    return undecided(input, { kind: 'not-enough-data', reason }, 'sequential', null, null);
  }
  const plannedTotalN = 2 * input.plannedSampleSize;
  const cs = confidenceSequence(d, c.standardError, input.controlN + input.treatmentN, { plannedTotalN, alpha });
  if (cs.kind !== 'ok') {
    return undecided(input, { kind: 'not-enough-data', reason: `no confidence sequence: ${cs.reason}` }, 'sequential', null, null);
  }
  const look: SequentialLook = {
    method: 'normal-mixture-confidence-sequence', alpha, plannedTotalN, totalN: cs.totalN,
    improvementCi: cs.ci, alwaysValidP: cs.pValue,
  };
  const out = (decision: Decision): PolicyOutcome => ({ policy: 'sequential', decision, pValue: cs.pValue, sequential: look });
  const lift = ruleLift(c);
  const keepLift = config.seed.keepMinLiftPct;
  const p = `always-valid p = ${fmtP(cs.pValue)}`;
  if (cs.ci.lower > 0 && lift.value > keepLift) {
    return out({ kind: 'KEEP', reason: `${lift.text} > ${keepLift}% and the ${1 - alpha} confidence sequence excludes 0 (${p})` });
  }
  // futility: the always-valid bound excludes the smallest lift worth keeping
  const base = c.controlValue !== null && c.controlValue !== 0 ? Math.abs(c.controlValue) : 0;
  const smallestWorthKeeping = (keepLift / 100) * base;
  if (cs.ci.upper < smallestWorthKeeping || (base === 0 && cs.ci.upper <= 0)) {
    return out({ kind: 'KILL', reason: `futile: the confidence sequence rules out a ${keepLift}% lift (${lift.text}, ${p})`, inconclusive: false });
  }
  if (Math.min(input.controlN, input.treatmentN) >= input.plannedSampleSize) {
    return out({ kind: 'KILL', reason: `planned ${input.plannedSampleSize} per group reached without a significant lift (${lift.text}, ${p})`, inconclusive: false });
  }
  return undecided(input, { kind: 'CONTINUE', reason: `${lift.text}, ${p}: keep collecting` }, 'sequential', cs.pValue, look);
}

/** Runs the named policy. */
export function decide(policy: PolicyName, input: DecisionInput, config: DecisionConfig): PolicyOutcome {
  return policy === 'sequential' ? decideSequential(input, config) : decideSeed(input, config);
}
