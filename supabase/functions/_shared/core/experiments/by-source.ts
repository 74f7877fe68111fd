// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Results by lead source, reported beside the total (docs/design.md §4 guards; the seed: "a skill might work for
 * Zillow leads but not referrals"). Each source is compared with the metric's own test; the p-values are
 * Holm-adjusted across the sources (family-wise error), so a "significant" source is not the luck of
 * looking at many. Descriptive only: the decision is made on the total.
 */
import { METRIC_KIND, lowerIsBetter, type TrackedMetric } from '../metrics.ts';
import { holmAdjust, newcombeDifferenceInterval, type Interval } from '../stats/index.ts';
import { compareGroups, type DurationTest } from './compare.ts';
import type { GroupPair } from './outcomes.ts';

/** One source's result; field names match what src/report reads (SourceResult). */
export interface SourceResult {
  readonly source: string;
  readonly controlSampleSize: number;
  readonly treatmentSampleSize: number;
  /** The metric's value per group (rate, or mean duration). */
  readonly controlRate: number | null;
  readonly treatmentRate: number | null;
  readonly liftPct: number | null;
  readonly pValue: number | null;
  /** Holm-adjusted over the sources that have a p-value. */
  readonly adjustedPValue: number | null;
  /** adjustedPValue < alpha. */
  readonly significant: boolean;
  readonly note: string | null;
  /**
   * Rates: Newcombe's (1998, method 10) interval of treatment − control, in the metric's units. A source
   * slice is often small, where the Wald interval collapses (0/10 vs 0/10 gives [0, 0]); null for durations.
   */
  readonly differenceCi: Interval | null;
}

/** Compares every source and applies the Holm correction. */
export function compareBySource(
  metric: TrackedMetric, pairs: ReadonlyMap<string, GroupPair>,
  options: { confidence: number; durationTest: DurationTest; alpha: number },
): SourceResult[] {
  const rows = [...pairs].map(([source, pair]) => ({ source, pair, cmp: compareGroups(metric, pair.control, pair.treatment, options) }));
  const withP = rows.filter((r) => r.cmp.pValue !== null);
  const adjusted = holmAdjust(withP.map((r) => r.cmp.pValue ?? 1));
  const adj = new Map<string, number>();
  if (adjusted.kind === 'ok') withP.forEach((r, i) => adj.set(r.source, adjusted.adjusted[i] ?? 1));
  return rows.map(({ source, pair, cmp }) => {
    const a = adj.get(source) ?? null;
    return {
      source,
      controlSampleSize: pair.control.n,
      treatmentSampleSize: pair.treatment.n,
      controlRate: cmp.controlValue,
      treatmentRate: cmp.treatmentValue,
      liftPct: cmp.liftPct,
      pValue: cmp.pValue,
      adjustedPValue: a,
      significant: a !== null && a < options.alpha,
      note: cmp.note,
      differenceCi: rateDifferenceCi(metric, pair, options.confidence),
    };
  });
}

function rateDifferenceCi(metric: TrackedMetric, pair: GroupPair, confidence: number): Interval | null {
  if (METRIC_KIND[metric] === 'duration' || lowerIsBetter(metric)) return null;
  const ci = newcombeDifferenceInterval(
    { successes: Math.round(pair.control.sum), n: pair.control.n },
    { successes: Math.round(pair.treatment.sum), n: pair.treatment.n }, confidence);
  return 'kind' in ci ? null : ci;
}
