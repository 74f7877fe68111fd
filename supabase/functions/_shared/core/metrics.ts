// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The metric names an experiment can track (docs/design.md §2, `lh_ab_tests.metric_tracked`) and which way is
 * better for each. One closed union, so a typo is a compile error rather than a silent mismatch.
 */
export const TRACKED_METRICS = [
  'avg_response_time_hours',
  'contact_rate',
  'qualification_rate',
  'f1_score',
  'avg_days_to_qualify',
  'source_conversion_rate',
  'conversion_rate',
] as const;
export type TrackedMetric = (typeof TRACKED_METRICS)[number];

export type MetricKind = 'rate' | 'duration' | 'accuracy';

export const METRIC_KIND: Record<TrackedMetric, MetricKind> = {
  avg_response_time_hours: 'duration',
  contact_rate: 'rate',
  qualification_rate: 'rate',
  f1_score: 'accuracy',
  avg_days_to_qualify: 'duration',
  source_conversion_rate: 'rate',
  conversion_rate: 'rate',
};

/** Durations improve when they fall; rates and accuracy when they rise. */
export function lowerIsBetter(metric: TrackedMetric): boolean {
  return METRIC_KIND[metric] === 'duration';
}

export function isTrackedMetric(value: string): value is TrackedMetric {
  return (TRACKED_METRICS as readonly string[]).includes(value);
}
