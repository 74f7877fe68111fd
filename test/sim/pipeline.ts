/**
 * The seeded synthetic pipelines of the detection simulations (pure, no database), and their summaries computed
 * exactly as src/db/queries/detection-input.ts does in SQL: shared by test/sim/detection-false-alarms.test.ts and
 * the CUSUM tuning script (scripts/tune-cusum.ts).
 */
import type { DetectionConfig } from '../../src/detect/config.ts';
import { dailyOffsets, dayRange, daysBefore, windowOffsets, type Cohort, type DailySeries, type DetectionInput, type WindowOffsets } from '../../src/detect/input.ts';
import { rankSums, summarise } from '../unit/detect/fixtures.ts';
import { mulberry32 } from '../support/rng.ts';
// ---------------------------------------------------------------- seeded randomness
type Rng = () => number;
const normal = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const lognormal = (rng: Rng, median: number, sigma: number) => median * Math.exp(sigma * normal(rng));
function poisson(rng: Rng, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  for (let p = rng(); p > l; p *= rng()) k++;
  return k;
}

// ---------------------------------------------------------------- the synthetic pipeline
export const SOURCES = ['referral', 'zillow', 'direct_mail', 'cold_call'] as const;
const SOURCE_WEIGHTS = [0.2, 0.4, 0.2, 0.2];
/** Eventual qualification probability of a contacted lead, by source (overall ≈ 0.47). */
export const QUALIFY_P = [0.6, 0.45, 0.45, 0.4];

/** Parameters as a function of the day an event is decided on (injected changes switch at `changeDay`). */
export interface World {
  contactP(day: number): number;
  responseMedianH(day: number): number;
  qualifyP(day: number, source: number): number;
  qualifyMedianD(day: number): number;
  f1(day: number): number;
}
export const HEALTHY: World = {
  contactP: () => 0.8, responseMedianH: () => 0.97, qualifyP: (_d, s) => QUALIFY_P[s]!, qualifyMedianD: () => 2, f1: () => 0.87,
};

export interface Lead { created: number; source: number; contacted: number | null; qualified: number | null }
export interface Labels { tp: number; fp: number; fn: number; tn: number }
export interface Series { leads: Lead[]; labels: Labels[] }

function pickSource(rng: Rng): number {
  let u = rng();
  for (let i = 0; i < SOURCE_WEIGHTS.length; i++) if ((u -= SOURCE_WEIGHTS[i]!) < 0) return i;
  return SOURCE_WEIGHTS.length - 1;
}

/** Labels of one day with precision = recall = f1 and 40 % positives. */
function labelDay(rng: Rng, n: number, f1: number): Labels {
  const out = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const fpRate = (0.4 * (1 - f1)) / 0.6;
  for (let i = 0; i < n; i++) {
    if (rng() < 0.4) rng() < f1 ? out.tp++ : out.fn++;
    else rng() < fpRate ? out.fp++ : out.tn++;
  }
  return out;
}

/** Leads and labels per day are drawn per series (10–40, 10–30) unless `fixed` gives them. */
export function simulate(seed: number, days: number, world: World, fixed?: { leads: number; labels: number }): Series {
  const rng = mulberry32(seed);
  const drawnVolume = 10 + 30 * rng();
  const drawnLabels = 10 + 20 * rng();
  const volume = fixed?.leads ?? drawnVolume;
  const labelVolume = fixed?.labels ?? drawnLabels;
  const leads: Lead[] = [];
  const labels: Labels[] = [];
  for (let d = 0; d < days; d++) {
    for (let k = poisson(rng, volume); k > 0; k--) {
      const created = d + rng();
      const source = pickSource(rng);
      const contacted = rng() < world.contactP(d) ? created + lognormal(rng, world.responseMedianH(d), 1.2) / 24 : null;
      const cd = contacted === null ? 0 : Math.floor(contacted);
      const qualified = contacted !== null && rng() < world.qualifyP(cd, source)
        ? contacted + lognormal(rng, world.qualifyMedianD(cd), 1.08) : null;
      leads.push({ created, source, contacted, qualified });
    }
    labels.push(labelDay(rng, Math.round(labelVolume * (0.7 + 0.6 * rng())), world.f1(d)));
  }
  return { leads, labels };
}

// ---------------------------------------------------------------- the SQL's summaries, in JS
export const DAY0 = '2026-01-01';
export const dateOf = (d: number) => daysBefore(DAY0, -d);
/** [start, end) in days of a window given as offsets before D. */
const span = (D: number, w: { fromBack: number; toBack: number }) => [D - w.fromBack, D - w.toBack + 1] as const;
const inSpan = (t: number | null, s: readonly [number, number]) => t !== null && t >= s[0] && t < s[1];

function cohort(D: number, o: WindowOffsets, which: 'recent' | 'baseline', units: Array<{ at: number; ok: boolean }>): Cohort {
  const s = span(D, o[which]);
  const inside = units.filter((u) => inSpan(u.at, s));
  return { range: dayRange(dateOf(D), o[which]), n: inside.length, successes: inside.filter((u) => u.ok).length };
}

export function inputFor(series: Series, D: number, c: DetectionConfig, historyStart: string = DAY0): DetectionInput {
  const date = dateOf(D);
  const f = windowOffsets(c);
  const leads = series.leads.filter((l) => l.created < D + 1);
  const seen = (t: number | null) => (t !== null && t < D + 1 ? t : null);
  const funnelWindow = (which: 'recent' | 'baseline') => {
    const s = span(D, f[which]);
    const contacted = leads.filter((l) => inSpan(seen(l.contacted), s));
    const qualified = leads.filter((l) => inSpan(seen(l.qualified), s));
    const responses = contacted.map((l) => (l.contacted! - l.created) * 24);
    return {
      responses,
      window: { range: dayRange(date, f[which]), newLeads: leads.filter((l) => inSpan(l.created, s)).length,
        contacted: contacted.length, qualified: qualified.length, closed: 0, responseHours: summarise(responses),
        daysToQualify: summarise(qualified.map((l) => l.qualified! - l.contacted!), 1 / 1440), invalidRows: 0 },
    };
  };
  const r = funnelWindow('recent');
  const b = funnelWindow('baseline');
  const m = c.maturity;
  const co = windowOffsets(c, m.contactDays);
  const contactUnits = leads.map((l) => ({ at: l.created, ok: l.contacted !== null && l.contacted < l.created + m.contactDays,
    fast: l.contacted !== null && (l.contacted - l.created) * 24 <= c.lowResponseRate.fastResponseHours }));
  const fast = (which: 'recent' | 'baseline') => contactUnits.filter((u) => u.fast && inSpan(u.at, span(D, co[which]))).length;
  const qo = windowOffsets(c, m.qualifyDays);
  const qualifyUnits = leads.filter((l) => l.contacted !== null)
    .map((l) => ({ at: l.contacted!, source: l.source, ok: l.qualified !== null && l.qualified < l.contacted! + m.qualifyDays && l.qualified < D + 1 }));
  const qualifyBySource = SOURCES.map((name, i) => {
    const units = qualifyUnits.filter((u) => u.source === i);
    return { source: name, recent: cohort(D, qo, 'recent', units), baseline: cohort(D, qo, 'baseline', units) };
  }).filter((x) => x.recent.n + x.baseline.n > 0).sort((x, y) => x.source.localeCompare(y.source));
  const so = windowOffsets(c, m.sourceDays);
  const sw = { fromBack: m.sourceDays + c.weakLeadSource.windowDays - 1, toBack: m.sourceDays };
  const sources = SOURCES.map((name, i) => {
    const units = leads.filter((l) => l.source === i).map((l) => ({ at: l.created, ok: l.qualified !== null && l.qualified < l.created + m.sourceDays }));
    const ws = span(D, sw);
    const inWin = units.filter((u) => inSpan(u.at, ws));
    return { source: name, window: { range: dayRange(date, sw), n: inWin.length, successes: inWin.filter((u) => u.ok).length },
      recent: cohort(D, so, 'recent', units), baseline: cohort(D, so, 'baseline', units) };
  }).sort((x, y) => x.source.localeCompare(y.source));
  const conf = (which: 'recent' | 'baseline') => {
    const [start, to] = span(D, f[which]);
    const from = Math.max(0, start); // no labels before day 0 (a young pipeline)
    const t = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (let d = from; d < to; d++) {
      const l = series.labels[d]!;
      t.tp += l.tp; t.fp += l.fp; t.fn += l.fn; t.tn += l.tn;
    }
    return { range: dayRange(date, f[which]), days: Math.max(0, to - from), ...t };
  };
  return {
    date, timeZone: 'UTC', funnel: { recent: r.window, baseline: b.window }, responseRanks: rankSums(r.responses, b.responses),
    contactCohorts: { recent: { ...cohort(D, co, 'recent', contactUnits), fast: fast('recent') },
      baseline: { ...cohort(D, co, 'baseline', contactUnits), fast: fast('baseline') } },
    qualifyCohorts: { recent: cohort(D, qo, 'recent', qualifyUnits), baseline: cohort(D, qo, 'baseline', qualifyUnits) },
    qualifyCohortsBySource: qualifyBySource,
    accuracy: { recent: conf('recent'), baseline: conf('baseline') },
    sources,
    historyStart, // the series starts on day 0 (DAY0) unless a test pretends otherwise
    daily: dailyFor(series, D, c),
  };
}

/** The per-day aggregates of the CUSUMs, as DAILY_CONTACTS_SQL and DAILY_LABELS_SQL compute them. */
function dailyFor(series: Series, D: number, c: DetectionConfig): DailySeries {
  const o = dailyOffsets(c);
  const first = D - o.fromBack;
  const len = o.fromBack + 1;
  const K = c.maturity.qualifyDays;
  const contacts = Array.from({ length: len }, () => ({ n: 0, responseN: 0, responseLogSum: 0, responseLogSq: 0, qualifiedByLag: new Array<number>(K + 1).fill(0) }));
  for (const l of series.leads) {
    if (l.contacted === null || l.contacted >= D + 1) continue;
    const cd = Math.floor(l.contacted);
    if (cd >= first) {
      const x = contacts[cd - first]!;
      const lg = Math.log(Math.max((l.contacted - l.created) * 24, 1 / 60));
      x.n++; x.responseN++; x.responseLogSum += lg; x.responseLogSq += lg * lg;
      if (l.qualified !== null && l.qualified < D + 1) {
        for (let j = Math.floor(l.qualified) - cd; j <= K; j++) if (j >= 0) x.qualifiedByLag[j]!++;
      }
    }
  }
  const labels = Array.from({ length: len }, (_, i) => {
    const l = series.labels[first + i];
    return l && first + i >= 0 ? { tp: l.tp, m: l.tp + l.fp + l.fn } : { tp: 0, m: 0 };
  });
  return { range: dayRange(dateOf(D), o), contacts, labels };
}

