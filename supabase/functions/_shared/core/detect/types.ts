// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/** What detection produces: one bottleneck per fired rule, with the evidence a user needs to trust it. */
import type { TrackedMetric } from '../metrics.ts';

export const BOTTLENECK_TYPES = [
  'low_response_rate',
  'poor_qualification',
  'validation_accuracy_drop',
  'slow_follow_up',
  'weak_lead_source',
] as const;
export type BottleneckType = (typeof BOTTLENECK_TYPES)[number];

export const SKILL_FOR: Record<BottleneckType, SkillType> = {
  low_response_rate: 'instant-responder',
  poor_qualification: 'lead-scorer',
  validation_accuracy_drop: 'pattern-optimizer',
  slow_follow_up: 'follow-up-sequencer',
  weak_lead_source: 'source-optimizer',
};
export type SkillType = 'instant-responder' | 'lead-scorer' | 'pattern-optimizer' | 'follow-up-sequencer' | 'source-optimizer';

export type Severity = 'low' | 'medium' | 'high';

/** Which rule fired: the seed's fixed threshold, or a significant drop against the metric's own baseline. */
export type Trigger =
  | { readonly kind: 'threshold'; readonly rule: string; readonly threshold: number }
  | { readonly kind: 'baseline-drop'; readonly test: string; readonly pValue: number; readonly alpha: number; readonly baselineValue: number }
  /** A one-sided CUSUM on the daily data ended above its threshold h (src/detect/cusum-checks.ts). */
  | { readonly kind: 'cusum'; readonly test: string; readonly statistic: number; readonly h: number; readonly baselineValue: number }
  /** Not a trigger of its own: who a funnel-wide drop belongs to (src/detect/attribution.ts), beside the trigger that fired. */
  | { readonly kind: 'attribution'; readonly verdict: 'funnel-wide' | 'sources'; readonly sources: readonly string[];
      readonly heterogeneityP: number | null; readonly mixP: number | null };

export interface Evidence {
  readonly trigger: Trigger;
  /** The numbers the rule looked at, by name (counts, rates, window bounds). */
  readonly figures: Readonly<Record<string, number | string | null>>;
  /** One sentence a user can read: what was seen, against what. */
  readonly summary: string;
}

export interface Bottleneck {
  readonly type: BottleneckType;
  readonly severity: Severity;
  /** The metric an experiment on this bottleneck tracks (lh_ab_tests.metric_tracked). */
  readonly metric: TrackedMetric;
  readonly currentValue: number;
  readonly targetValue: number;
  readonly suggestedSkill: SkillType;
  /** e.g. the weak source's name for weak_lead_source; null when the bottleneck is global. */
  readonly segment: string | null;
  readonly evidence: readonly Evidence[];
}
