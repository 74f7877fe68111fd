/**
 * Reading what the weekly analysis stored in `lh_ab_tests.results` (jsonb) through its one type
 * (src/experiments/results-document.ts): the lift's interval, the per-source results, the SRM check. When no
 * interval is stored, a rate metric's interval is computed here from the stored rates and sample sizes (log
 * risk-ratio Wald interval, src/stats relativeLift); a duration gets none.
 */
import { isTrackedMetric, METRIC_KIND } from '../metrics.ts';
import type { StoredTestResults } from '../experiments/results-document.ts';
import { twoProportionTest } from '../stats/index.ts';
import type { LiftInterval, SourceResult, SrmView } from './types.ts';


/** A finite number or null (never NaN/Infinity). Numeric strings from jsonb are accepted. */
export function finite(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** The lift interval the analysis stored, if any (percent units, like lift_pct). */
export function storedLiftCi(results: StoredTestResults | null, defaultLevel: number): LiftInterval | null {
  const ci = results?.liftCi;
  if (!ci || !(ci.lower <= ci.upper)) return null;
  return { lower: ci.lower, upper: ci.upper, level: ci.level ?? defaultLevel, source: 'analysis' };
}

export interface RateInputs {
  metric: string;
  controlN: number | null;
  treatmentN: number | null;
  controlRate: number | null;
  treatmentRate: number | null;
  level: number;
}

/** The computed fallback: a Wald interval on the log risk ratio, or a note saying why there is none. */
export function waldLiftCi(x: RateInputs): { ci: LiftInterval | null; note: string | null } {
  if (!isTrackedMetric(x.metric) || METRIC_KIND[x.metric] === 'duration') {
    return { ci: null, note: `no interval stored by the analysis; none is computed for ${x.metric} (not a rate)` };
  }
  const { controlN: n1, treatmentN: n2, controlRate: p1, treatmentRate: p2 } = x;
  if (n1 === null || n2 === null || p1 === null || p2 === null || n1 <= 0 || n2 <= 0) {
    return { ci: null, note: 'not analysed yet: no sample sizes and rates stored' };
  }
  if (p1 < 0 || p1 > 1 || p2 < 0 || p2 > 1 || !(x.level > 0 && x.level < 1)) {
    return { ci: null, note: 'stored rates or confidence level out of range' };
  }
  const r = twoProportionTest(
    { successes: Math.round(p1 * n1), n: Math.round(n1) },
    { successes: Math.round(p2 * n2), n: Math.round(n2) },
    { confidence: x.level },
  );
  if (r.kind !== 'ok') return { ci: null, note: r.reason };
  if (!r.lift || !r.lift.ci) return { ci: null, note: r.liftReason ?? 'relative lift undefined' };
  const { lower, upper } = r.lift.ci;
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return { ci: null, note: 'interval not finite' };
  return { ci: { lower, upper, level: x.level, source: 'wald-from-rates' }, note: null };
}

/** Per-source results stored beside the total, sorted by source. */
export function storedBySource(results: StoredTestResults | null, limit: number): SourceResult[] {
  return (results?.bySource ?? []).map((e) => ({
    source: e.source,
    controlSampleSize: e.controlSampleSize ?? null, treatmentSampleSize: e.treatmentSampleSize ?? null,
    controlRate: e.controlRate ?? null, treatmentRate: e.treatmentRate ?? null, liftPct: e.liftPct ?? null,
    pValue: e.pValue ?? null, adjustedPValue: e.adjustedPValue ?? null, significant: e.significant ?? null,
    note: e.note ?? null,
  })).sort((a, b) => a.source.localeCompare(b.source)).slice(0, limit);
}

/** The SRM guard's outcome stored by the analysis, if any. */
export function storedSrm(results: StoredTestResults | null): SrmView | null {
  return results?.srm ? { status: results.srm.status, pValue: results.srm.pValue ?? null } : null;
}
