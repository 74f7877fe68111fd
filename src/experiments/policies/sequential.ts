/**
 * `sequential` — always-valid inference, for teams that look at any time and want to stop early safely:
 * the normal-mixture confidence sequence of Howard, Ramdas, McAuliffe & Sekhon (Ann. Statist. 2021,
 * arXiv:1810.08240) on treatment − control, tuned to the planned total sample (2 × planned per group).
 * KEEP when the sequence excludes 0 in the good direction and the observed lift > 10 %; KILL for futility
 * when the sequence's bound rules out the smallest lift worth keeping (10 %), or as inconclusive when the
 * planned size is reached without a KEEP; max duration as the seed. Valid under any number of looks, and
 * stateless (no look history), at the price of ≈ 1.9× the seed rule's sample: at tens of leads a week the
 * `planned` policy is the better choice (docs/design.md §4). Measured (test/sim/decision-policies.test.ts,
 * 2,000 experiments, ≈ 50 leads/group/week, 26 weekly looks): A/A false KEEP 0.5 %.
 */
import { confidenceSequence } from '../../stats/index.ts';
import { improvement } from '../compare.ts';
import type { DecisionConfig } from '../decision-config.ts';
import { planFixedRule } from '../planner.ts';
import {
  fmtP, ruleLift, sizes, srmBlock, undecided,
  type DecisionInput, type DecisionPolicy, type PolicyOutcome, type SequentialLook,
} from '../policy.ts';
import type { Decision } from '../types.ts';

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
  const out = (decision: Decision): PolicyOutcome => ({ policy: 'sequential', decision, pValue: cs.pValue, sequential: look, look: null });
  const lift = ruleLift(c);
  const keepLift = config.seed.keepMinLiftPct;
  const p = `always-valid p = ${fmtP(cs.pValue)}`;
  if (cs.ci.lower > 0 && lift.value > keepLift) {
    return out({ kind: 'KEEP', reason: `${lift.text} > ${keepLift}% and the ${1 - alpha} confidence sequence excludes 0 (${p})` });
  }
  if (cs.ci.upper < 0) {
    return out({ kind: 'KILL', reason: `harmful: the confidence sequence shows treatment worse (${lift.text}, ${p})`, killReason: 'harmful' });
  }
  // futility: the always-valid bound excludes the smallest lift worth keeping
  const base = c.controlValue !== null && c.controlValue !== 0 ? Math.abs(c.controlValue) : 0;
  const smallestWorthKeeping = (keepLift / 100) * base;
  if (cs.ci.upper < smallestWorthKeeping || (base === 0 && cs.ci.upper <= 0)) {
    return out({ kind: 'KILL', reason: `futile: the confidence sequence rules out a ${keepLift}% lift (${lift.text}, ${p})`, killReason: 'futile' });
  }
  if (Math.min(input.controlN, input.treatmentN) >= input.plannedSampleSize) {
    return out({ kind: 'KILL', reason: `inconclusive: planned ${input.plannedSampleSize} per group reached without a significant lift (${lift.text}, ${p})`, killReason: 'inconclusive' });
  }
  return undecided(input, { kind: 'CONTINUE', reason: `${lift.text}, ${p}: keep collecting` }, 'sequential', cs.pValue, look);
}

export const SEQUENTIAL_POLICY: DecisionPolicy = {
  name: 'sequential',
  explain: 'sequential: an always-valid confidence sequence, valid however often you look; KEEP when it excludes 0 and ' +
    'the lift is above 10%, KILL when it rules out a 10% lift or the planned size is reached. Needs about twice the seed\'s sample.',
  plan: (r) => planFixedRule(r, 'sequential'),
  decide: decideSequential,
};
