/**
 * Planning a test for the policy that will decide it (`lh-brain plan`, the backtest): the registry's
 * plan of that policy — a per-group size for the fixed rules, a group-sequential design for `planned`.
 */
import { POLICIES } from './policies/index.ts';
import type { PlanRequest, PlanResult } from './planner.ts';

export function planTest(r: PlanRequest): PlanResult {
  return POLICIES[r.policy ?? 'seed'].plan(r);
}
