/**
 * Detection inputs for unit tests, built from explicit samples the way the SQL summarises rows:
 * durations from deterministic log-normal quantiles (no randomness), rank sums by pooled average ranks.
 */
import { normalQuantile } from '../../../src/stats/index.ts';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from '../../../src/detect/config.ts';
import { dailyOffsets, dayRange } from '../../../src/detect/input.ts';
import type {
  DailySeries, Cohort, ConfusionTotals, DayRange, DetectionInput, DurationSummary, FunnelWindow, ResponseRanks, SourceFigures,
} from '../../../src/detect/input.ts';

export const RECENT: DayRange = { from: '2026-03-04', to: '2026-03-10' };
export const BASELINE: DayRange = { from: '2026-02-04', to: '2026-03-03' };
/** A first day of data long before every window: the pipeline has a full history unless a test says otherwise. */
export const LONG_HISTORY = '2025-01-01';

/** n evenly spaced quantiles of a log-normal with the given median and log-sd. */
export function lognormalSample(n: number, median: number, sigma: number): number[] {
  return Array.from({ length: n }, (_, i) => median * Math.exp(sigma * normalQuantile((i + 0.5) / n)));
}

/** What the SQL computes for a list of durations (log floored at `floor`). */
export function summarise(values: readonly number[], floor = 1 / 60): DurationSummary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: null, variance: null, meanLog: null, varianceLog: null };
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: readonly number[]) => { const m = mean(xs); return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1); };
  const logs = values.map((v) => Math.log(Math.max(v, floor)));
  return { n, mean: mean(values), variance: n > 1 ? variance(values) : null, meanLog: mean(logs), varianceLog: n > 1 ? variance(logs) : null };
}

/** Pooled average ranks (ties share the mean rank) and Σ(t³ − t), as the SQL rank query does. */
export function rankSums(recent: readonly number[], baseline: readonly number[]): ResponseRanks {
  const all = [...recent.map((v) => ({ v, r: true })), ...baseline.map((v) => ({ v, r: false }))].sort((a, b) => a.v - b.v);
  let rankSumRecent = 0;
  let tieTermSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    const avg = (i + 1 + j + 1) / 2;
    for (let k = i; k <= j; k++) if (all[k]!.r) rankSumRecent += avg;
    tieTermSum += t ** 3 - t;
    i = j + 1;
  }
  return { nRecent: recent.length, nBaseline: baseline.length, rankSumRecent, tieTermSum };
}

export interface FunnelSpec {
  newLeads: number; contacted: number; qualified: number;
  /** Median hours and log-sd of response times (one per contacted lead). */
  responseMedian: number; responseSigma?: number;
  /** Median days and log-sd of contact → qualified delays (one per qualified lead). */
  qualifyMedian: number; qualifySigma?: number;
}

export function funnel(range: DayRange, s: FunnelSpec): { window: FunnelWindow; responses: number[] } {
  const responses = lognormalSample(s.contacted, s.responseMedian, s.responseSigma ?? 1.2);
  const delays = lognormalSample(s.qualified, s.qualifyMedian, s.qualifySigma ?? 1.08);
  return {
    responses,
    window: { range, newLeads: s.newLeads, contacted: s.contacted, qualified: s.qualified, closed: 0,
      responseHours: summarise(responses), daysToQualify: summarise(delays, 1 / 1440), invalidRows: 0 },
  };
}

export const cohort = (range: DayRange, n: number, successes: number): Cohort => ({ range, n, successes });
export const confusion = (range: DayRange, tp: number, fp: number, fn: number, tn: number): ConfusionTotals =>
  ({ range, days: 7, tp, fp, fn, tn });

export function source(name: string, window: [number, number], recent: [number, number], baseline: [number, number]): SourceFigures {
  return { source: name, window: cohort({ from: '2026-01-26', to: '2026-02-24' }, ...window),
    recent: cohort(RECENT, ...recent), baseline: cohort(BASELINE, ...baseline) };
}

export interface InputSpec {
  recent?: Partial<FunnelSpec>;
  baseline?: Partial<FunnelSpec>;
  contact?: { recent: [number, number]; baseline: [number, number] };
  qualify?: { recent: [number, number]; baseline: [number, number] };
  accuracy?: { recent: [number, number, number, number]; baseline: [number, number, number, number] };
  sources?: SourceFigures[];
  /**
   * The qualify cohorts per source, [source, [recent n, successes], [baseline n, successes]]; when given and
   * `qualify` is not, the funnel-wide cohorts are their sums. Default: none (attribution not applicable).
   */
  qualifyBySource?: Array<[string, [number, number], [number, number]]>;
  /** The first day of data (DetectionInput.historyStart); default LONG_HISTORY. */
  historyStart?: string | null;
  /** Per-day aggregates of the CUSUMs; default: every day empty (the CUSUMs stay quiet for want of a baseline). */
  daily?: DailySeries;
}

/**
 * The defaults with the window drop tests in place of the CUSUMs: what the rule tests of the window method run
 * (their inputs have no per-day series; the CUSUMs are tested in cusum.test.ts and on the simulation).
 */
export const WINDOW_TESTS: DetectionConfig = {
  ...DEFAULT_DETECTION_CONFIG,
  cusum: { ...DEFAULT_DETECTION_CONFIG.cusum, dropTest: { qualification: 'window', response: 'window', delay: 'window', f1: 'window' } },
};

/** A per-day series ending on `to` with nothing in it (DEFAULT_DETECTION_CONFIG's span). */
export function emptyDaily(to: string = RECENT.to, config: DetectionConfig = DEFAULT_DETECTION_CONFIG): DailySeries {
  const o = dailyOffsets(config);
  const days = o.fromBack + 1;
  return {
    range: dayRange(to, o),
    contacts: Array.from({ length: days }, () => ({ n: 0, responseN: 0, responseLogSum: 0, responseLogSq: 0,
      qualifiedByLag: Array.from({ length: config.maturity.qualifyDays + 1 }, () => 0) })),
    labels: Array.from({ length: days }, () => ({ tp: 0, m: 0 })),
  };
}

/** A healthy week at ~20 leads/day (response mean ≈ 2 h, contact 0.8, qualification 0.5, F1 0.87). */
export const HEALTHY_RECENT: FunnelSpec = { newLeads: 140, contacted: 112, qualified: 56, responseMedian: 0.97, qualifyMedian: 2 };
export const HEALTHY_BASELINE: FunnelSpec = { newLeads: 560, contacted: 448, qualified: 224, responseMedian: 0.97, qualifyMedian: 2 };

export function makeInput(spec: InputSpec = {}): DetectionInput {
  const r = funnel(RECENT, { ...HEALTHY_RECENT, ...spec.recent });
  const b = funnel(BASELINE, { ...HEALTHY_BASELINE, ...spec.baseline });
  const contact = spec.contact ?? { recent: [140, 112], baseline: [560, 448] };
  const bySource = spec.qualifyBySource ?? [];
  const sum = (i: 1 | 2): [number, number] => bySource.reduce<[number, number]>((a, x) => [a[0] + x[i][0], a[1] + x[i][1]], [0, 0]);
  const qualify = spec.qualify ?? (bySource.length > 0 ? { recent: sum(1), baseline: sum(2) } : { recent: [112, 50], baseline: [448, 200] });
  const acc = spec.accuracy ?? { recent: [60, 9, 9, 62], baseline: [240, 36, 36, 248] };
  return {
    date: RECENT.to, timeZone: 'UTC',
    funnel: { recent: r.window, baseline: b.window },
    responseRanks: rankSums(r.responses, b.responses),
    contactCohorts: { recent: { ...cohort(RECENT, ...contact.recent), fast: 0 }, baseline: { ...cohort(BASELINE, ...contact.baseline), fast: 0 } },
    qualifyCohorts: { recent: cohort(RECENT, ...qualify.recent), baseline: cohort(BASELINE, ...qualify.baseline) },
    qualifyCohortsBySource: bySource.map(([name, r, b]) => ({ source: name, recent: cohort(RECENT, ...r), baseline: cohort(BASELINE, ...b) })),
    accuracy: { recent: confusion(RECENT, ...acc.recent), baseline: confusion(BASELINE, ...acc.baseline) },
    sources: spec.sources ?? [
      source('cold_call', [150, 33], [35, 8], [140, 31]),
      source('referral', [150, 48], [35, 11], [140, 45]),
      source('zillow', [150, 36], [35, 8], [140, 34]),
    ],
    historyStart: spec.historyStart === undefined ? LONG_HISTORY : spec.historyStart,
    daily: spec.daily ?? emptyDaily(),
  };
}

/** An input with nothing in it: every count 0, every summary null. */
export function emptyInput(): DetectionInput {
  return makeInput({
    recent: { newLeads: 0, contacted: 0, qualified: 0 }, baseline: { newLeads: 0, contacted: 0, qualified: 0 },
    contact: { recent: [0, 0], baseline: [0, 0] }, qualify: { recent: [0, 0], baseline: [0, 0] },
    accuracy: { recent: [0, 0, 0, 0], baseline: [0, 0, 0, 0] }, sources: [],
  });
}
