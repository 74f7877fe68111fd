/**
 * `seed` — the original examples' rule, configurable (docs/design.md §4): below min_sample_size in either
 * group no decision; then KEEP if lift > 10 % and p < 0.05, KILL if lift < 5 % or p > 0.10, else
 * CONTINUE; still undecided past the test's max duration → KILL (inconclusive). Meant to be run once the
 * planned size is reached (min_sample_size comes from the planner), where it has its planned power. A test
 * without a design (inserted by hand, as in the original examples) keeps this rule.
 */
import { planFixedRule } from '../planner.ts';
import {
  fmtP, ruleLift, sizes, srmBlock, undecided, type DecisionInput, type DecisionPolicy, type PolicyOutcome,
} from '../policy.ts';
import type { DecisionConfig } from '../decision-config.ts';

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
  const out = (decision: PolicyOutcome['decision']): PolicyOutcome => ({ policy: 'seed', decision, pValue: c.pValue, sequential: null, look: null });
  if (lift.value > rule.keepMinLiftPct && c.pValue < alpha) {
    return out({ kind: 'KEEP', reason: `${lift.text} > ${rule.keepMinLiftPct}% and ${p} < ${alpha}` });
  }
  if (lift.value < rule.killBelowLiftPct || c.pValue > rule.killAboveP) {
    const why = lift.value < rule.killBelowLiftPct ? `${lift.text} < ${rule.killBelowLiftPct}%` : `${p} > ${rule.killAboveP}`;
    // significantly worse is harmful; anything else is the seed's "no worthwhile effect"
    const harmful = lift.value < 0 && c.pValue < alpha;
    return out({ kind: 'KILL', reason: `${harmful ? 'harmful' : 'no worthwhile effect'}: ${why}`, killReason: harmful ? 'harmful' : 'futile' });
  }
  const reason = `promising but not yet significant: ${lift.text}, ${p}`;
  return undecided(input, { kind: 'CONTINUE', reason }, 'seed', c.pValue, null);
}

export const SEED_POLICY: DecisionPolicy = {
  name: 'seed',
  explain: 'seed: at the planned size, KEEP if the lift is above 10% and p < 0.05, KILL if the lift is below 5% or ' +
    'p > 0.10, else CONTINUE; KILL as inconclusive past the maximum duration.',
  plan: (r) => planFixedRule(r, 'seed'),
  decide: decideSeed,
};
