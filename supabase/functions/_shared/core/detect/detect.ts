// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Bottleneck detection (docs/design.md §3 step 2): pure — window summaries in, bottlenecks out. Runs the five
 * rules; each yields at most one bottleneck (one per source for weak_lead_source) carrying every
 * trigger that fired as evidence. Absent data never fires. Method: src/detect/README.md.
 */
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './config.ts';
import type { DetectionInput } from './input.ts';
import type { RuleOutcome } from './rule.ts';
import { lowResponseRate } from './rules/low-response-rate.ts';
import { poorQualification } from './rules/poor-qualification.ts';
import { slowFollowUp } from './rules/slow-follow-up.ts';
import { validationAccuracyDrop } from './rules/validation-accuracy-drop.ts';
import { weakLeadSource } from './rules/weak-lead-source.ts';
import type { Bottleneck, BottleneckType } from './types.ts';

export type { RuleOutcome } from './rule.ts';

/** Every rule's outcome: its bottlenecks and, when it stayed quiet, why (absent data, volume, not significant, …). */
export interface DetectionReport {
  readonly bottlenecks: readonly Bottleneck[];
  readonly rules: readonly RuleOutcome[];
}

const RULES: ReadonlyArray<(input: DetectionInput, c: DetectionConfig) => RuleOutcome> = [
  lowResponseRate, poorQualification, validationAccuracyDrop, slowFollowUp, weakLeadSource,
];

/** Runs every rule and keeps the explanations of the quiet ones (for the daily job's JSON summary). */
export function explainDetection(input: DetectionInput, config: DetectionConfig = DEFAULT_DETECTION_CONFIG): DetectionReport {
  const rules = RULES.map((rule) => rule(input, config));
  return { bottlenecks: rules.flatMap((r) => r.bottlenecks), rules };
}

/** The bottlenecks of one metric day, in rule order (low_response_rate … weak_lead_source). */
export function detectBottlenecks(input: DetectionInput, config: DetectionConfig = DEFAULT_DETECTION_CONFIG): Bottleneck[] {
  return [...explainDetection(input, config).bottlenecks];
}

/** Bottlenecks by type, for callers that want to look one up. */
export function byType(bottlenecks: readonly Bottleneck[], type: BottleneckType): Bottleneck[] {
  return bottlenecks.filter((b) => b.type === type);
}
