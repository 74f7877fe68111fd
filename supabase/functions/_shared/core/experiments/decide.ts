// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Deciding a test at a look (pure): the named policy from the registry (src/experiments/policies/).
 * Every policy: a sample-ratio mismatch blocks every decision. When the control value is 0 the relative
 * lift is undefined (stored as null); the rules then use the sign of the absolute difference: an
 * improvement counts as above every lift threshold, none or a deterioration as below.
 */
import type { DecisionConfig } from './decision-config.ts';
import { POLICIES } from './policies/index.ts';
import type { DecisionInput, PolicyOutcome } from './policy.ts';
import type { PolicyName } from './types.ts';

export type { DecisionInput, LookRecord, PolicyOutcome, SequentialLook, SrmCheck } from './policy.ts';
export { decideSeed } from './policies/seed.ts';
export { decideSequential } from './policies/sequential.ts';
export { decidePlanned } from './policies/planned.ts';

/** Runs the named policy. */
export function decide(policy: PolicyName, input: DecisionInput, config: DecisionConfig): PolicyOutcome {
  return POLICIES[policy].decide(input, config);
}
