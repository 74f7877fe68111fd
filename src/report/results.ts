/**
 * Reading what the weekly analysis stored in `lh_ab_tests.results` (jsonb) — the lift's confidence
 * interval and the per-source results — tolerantly: camelCase or snake_case keys, `{lower, upper}` or
 * `[lower, upper]`. When no interval is stored, a rate metric's interval is computed here from the stored
 * rates and sample sizes (log risk-ratio Wald interval, src/stats relativeLift); a duration gets none.
 */
import { isTrackedMetric, METRIC_KIND } from '../metrics.ts';
import { twoProportionTest } from '../stats/index.ts';
import type { LiftInterval, SourceResult, SrmView } from './types.ts';

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite number or null (never NaN/Infinity). Numeric strings from jsonb are accepted. */
export function finite(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** The value at the first of `paths` ('a.b' = nested) that exists in `o`. */
function at(o: unknown, paths: readonly string[]): unknown {
  for (const path of paths) {
    let cur: unknown = o;
    for (const key of path.split('.')) cur = isObj(cur) ? cur[key] : undefined;
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}

function num(o: unknown, paths: readonly string[]): number | null {
  return finite(at(o, paths));
}

/** [lower, upper] from `{lower, upper}`, `{low, high}`, `{lo, hi}` or a two-element array. */
export function parseInterval(v: unknown): { lower: number; upper: number } | null {
  let lower: number | null = null;
  let upper: number | null = null;
  if (Array.isArray(v) && v.length === 2) {
    lower = finite(v[0]);
    upper = finite(v[1]);
  } else if (isObj(v)) {
    lower = num(v, ['lower', 'low', 'lo']);
    upper = num(v, ['upper', 'high', 'hi']);
  }
  if (lower === null || upper === null || lower > upper) return null;
  return { lower, upper };
}

const CI_KEYS = ['liftCi', 'lift_ci', 'liftCI', 'liftInterval', 'lift_interval', 'lift.ci', 'liftPctCi', 'lift_pct_ci',
  'confidenceInterval', 'confidence_interval', 'ci'];
const SCOPES = ['', 'total.', 'overall.', 'result.'];

/** The lift interval the analysis stored, if any (percent units, like lift_pct). */
export function storedLiftCi(results: unknown, defaultLevel: number): LiftInterval | null {
  for (const scope of SCOPES) {
    for (const key of CI_KEYS) {
      const raw = at(results, [scope + key]);
      const iv = parseInterval(raw);
      if (!iv) continue;
      const level = num(raw, ['level', 'confidence']) ?? num(results, [scope + 'confidence', scope + 'confidenceLevel',
        scope + 'confidence_level']) ?? defaultLevel;
      return { ...iv, level, source: 'analysis' };
    }
  }
  return null;
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

const SOURCE_KEYS = ['bySource', 'by_source', 'perSource', 'per_source', 'sources', 'segments'];

function sourceResult(name: string, e: unknown): SourceResult {
  return {
    source: name,
    controlSampleSize: num(e, ['controlSampleSize', 'control_sample_size', 'controlN', 'control_n', 'control.n']),
    treatmentSampleSize: num(e, ['treatmentSampleSize', 'treatment_sample_size', 'treatmentN', 'treatment_n', 'treatment.n']),
    controlRate: num(e, ['controlRate', 'control_rate', 'controlConversionRate', 'control_conversion_rate',
      'controlValue', 'control_value', 'control.rate', 'control.mean', 'control.value']),
    treatmentRate: num(e, ['treatmentRate', 'treatment_rate', 'treatmentConversionRate', 'treatment_conversion_rate',
      'treatmentValue', 'treatment_value', 'treatment.rate', 'treatment.mean', 'treatment.value']),
    liftPct: num(e, ['liftPct', 'lift_pct', 'lift.pct', 'lift']),
    pValue: num(e, ['pValue', 'p_value', 'p']),
    adjustedPValue: num(e, ['adjustedPValue', 'adjusted_p_value', 'pAdjusted', 'p_adjusted', 'adjustedP',
      'adjusted_p', 'holmPValue', 'holm_p_value']),
    significant: typeof at(e, ['significant']) === 'boolean' ? (at(e, ['significant']) as boolean) : null,
    note: typeof at(e, ['note']) === 'string' ? (at(e, ['note']) as string) : null,
  };
}

/** Per-source results stored beside the total: an array of entries or an object keyed by source. */
export function storedBySource(results: unknown, limit: number): SourceResult[] {
  const raw = at(results, SOURCE_KEYS.flatMap((k) => SCOPES.map((s) => s + k)));
  const out: SourceResult[] = [];
  if (Array.isArray(raw)) {
    for (const e of raw) {
      const name = at(e, ['source', 'name', 'segment']);
      if (typeof name === 'string') out.push(sourceResult(name, e));
    }
  } else if (isObj(raw)) {
    for (const [name, e] of Object.entries(raw)) if (isObj(e)) out.push(sourceResult(name, e));
  }
  return out.sort((a, b) => a.source.localeCompare(b.source)).slice(0, limit);
}

/** The SRM guard's outcome stored by the analysis (`results.srm`), if any. */
export function storedSrm(results: unknown): SrmView | null {
  const srm = at(results, ['srm']);
  const status = at(srm, ['status']);
  if (status !== 'ok' && status !== 'mismatch' && status !== 'not-checked') return null;
  return { status, pValue: num(srm, ['pValue', 'p_value']) };
}

/** The analysis' own words on why a figure is missing (`results.note`), if any. */
export function storedNote(results: unknown): string | null {
  const note = at(results, ['note']);
  return typeof note === 'string' && note !== '' ? note : null;
}
