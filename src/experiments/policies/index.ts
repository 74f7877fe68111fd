/**
 * The decision policies, registered once. The record is typed by PolicyName: adding a name to
 * POLICY_NAMES (src/experiments/types.ts) does not compile until its module is registered here.
 */
import type { DecisionPolicy } from '../policy.ts';
import type { PolicyName } from '../types.ts';
import { PLANNED_POLICY } from './planned.ts';
import { SEED_POLICY } from './seed.ts';
import { SEQUENTIAL_POLICY } from './sequential.ts';

export const POLICIES: { readonly [K in PolicyName]: DecisionPolicy & { readonly name: K } } = {
  seed: { ...SEED_POLICY, name: 'seed' },
  sequential: { ...SEQUENTIAL_POLICY, name: 'sequential' },
  planned: { ...PLANNED_POLICY, name: 'planned' },
};
