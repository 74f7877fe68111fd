/**
 * Seeded simulation of the detection rules (pure, no database): synthetic lead pipelines at realistic
 * volumes (10–40 leads/day, 10–30 validation labels/day), summarised per day exactly as
 * src/db/queries/detection-input.ts does in SQL, then passed to detectBottlenecks.
 * - False alarms: 60 stable healthy series × 90 evaluated days; the budget of docs/design.md §3 is at most one false
 *   bottleneck per type per 90 stable days. An "alarm" is an episode: a run of consecutive days on
 *   which the type fires (the daily job would spawn once per episode).
 * - Power: the seed's drops (and one per other type) injected mid-series; share of series that detect
 *   the drop within 21 days.
 * Healthy figures (src/sim/params.ts, the simulator's defaults): response log-normal (mean ≈ 2 h,
 * σ = 1.2), contact 0.8, contact → qualified log-normal (median 2 days, p90 ≈ 8 days), F1 0.87.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from '../../src/detect/config.ts';
import { detectBottlenecks } from '../../src/detect/detect.ts';
import { dayRange, daysBefore, windowOffsets, type Cohort, type DetectionInput, type WindowOffsets } from '../../src/detect/input.ts';
import type { BottleneckType } from '../../src/detect/types.ts';
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
const SOURCES = ['referral', 'zillow', 'direct_mail', 'cold_call'] as const;
const SOURCE_WEIGHTS = [0.2, 0.4, 0.2, 0.2];
/** Eventual qualification probability of a contacted lead, by source (overall ≈ 0.47). */
const QUALIFY_P = [0.6, 0.45, 0.45, 0.4];

/** Parameters as a function of the day an event is decided on (injected changes switch at `changeDay`). */
interface World {
  contactP(day: number): number;
  responseMedianH(day: number): number;
  qualifyP(day: number, source: number): number;
  qualifyMedianD(day: number): number;
  f1(day: number): number;
}
const HEALTHY: World = {
  contactP: () => 0.8, responseMedianH: () => 0.97, qualifyP: (_d, s) => QUALIFY_P[s]!, qualifyMedianD: () => 2, f1: () => 0.87,
};

interface Lead { created: number; source: number; contacted: number | null; qualified: number | null }
interface Labels { tp: number; fp: number; fn: number; tn: number }
interface Series { leads: Lead[]; labels: Labels[] }

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

function simulate(seed: number, days: number, world: World): Series {
  const rng = mulberry32(seed);
  const volume = 10 + 30 * rng();
  const labelVolume = 10 + 20 * rng();
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
const DAY0 = '2026-01-01';
const dateOf = (d: number) => daysBefore(DAY0, -d);
/** [start, end) in days of a window given as offsets before D. */
const span = (D: number, w: { fromBack: number; toBack: number }) => [D - w.fromBack, D - w.toBack + 1] as const;
const inSpan = (t: number | null, s: readonly [number, number]) => t !== null && t >= s[0] && t < s[1];

function cohort(D: number, o: WindowOffsets, which: 'recent' | 'baseline', units: Array<{ at: number; ok: boolean }>): Cohort {
  const s = span(D, o[which]);
  const inside = units.filter((u) => inSpan(u.at, s));
  return { range: dayRange(dateOf(D), o[which]), n: inside.length, successes: inside.filter((u) => u.ok).length };
}

function inputFor(series: Series, D: number, c: DetectionConfig, historyStart: string = DAY0): DetectionInput {
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
    .map((l) => ({ at: l.contacted!, ok: l.qualified !== null && l.qualified < l.contacted! + m.qualifyDays && l.qualified < D + 1 }));
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
    accuracy: { recent: conf('recent'), baseline: conf('baseline') },
    sources,
    historyStart, // the series starts on day 0 (DAY0) unless a test pretends otherwise
  };
}

// ---------------------------------------------------------------- runs
const WARM_UP = 50; // ≥ the deepest look-back (source maturity 14 + recent 7 + baseline 28)
const TYPES: readonly BottleneckType[] = ['low_response_rate', 'poor_qualification', 'validation_accuracy_drop', 'slow_follow_up', 'weak_lead_source'];

/** For each evaluated day, the set of types that fired. */
function run(series: Series, from: number, to: number, c: DetectionConfig): Array<Set<BottleneckType>> {
  const out: Array<Set<BottleneckType>> = [];
  for (let D = from; D < to; D++) out.push(new Set(detectBottlenecks(inputFor(series, D, c), c).map((b) => b.type)));
  return out;
}

/** Number of alarm episodes (runs of consecutive firing days) of one type. */
function episodes(days: Array<Set<BottleneckType>>, type: BottleneckType): number {
  let n = 0;
  days.forEach((s, i) => { if (s.has(type) && !(days[i - 1]?.has(type) ?? false)) n++; });
  return n;
}

const STABLE_SERIES = 60;
const SERIES = 30;
const STABLE_DAYS = 90;

describe('detection on simulated stable pipelines (false alarms)', () => {
  it('raises at most one false bottleneck per type per 90 stable days', () => {
    const totals = new Map<BottleneckType, { episodes: number; days: number; worst: number }>(TYPES.map((t) => [t, { episodes: 0, days: 0, worst: 0 }]));
    for (let s = 0; s < STABLE_SERIES; s++) {
      const days = run(simulate(1000 + s, WARM_UP + STABLE_DAYS, HEALTHY), WARM_UP, WARM_UP + STABLE_DAYS, DEFAULT_DETECTION_CONFIG);
      for (const t of TYPES) {
        const tot = totals.get(t)!;
        const e = episodes(days, t);
        tot.episodes += e;
        tot.days += days.filter((d) => d.has(t)).length;
        tot.worst = Math.max(tot.worst, e);
      }
    }
    const report = TYPES.map((t) => { const x = totals.get(t)!; return `${t}: ${x.episodes / STABLE_SERIES} episodes/90 d (${x.days} alarm days, worst series ${x.worst})`; });
    console.log(`false alarms over ${STABLE_SERIES} series × ${STABLE_DAYS} days:\n  ${report.join('\n  ')}`);
    for (const t of TYPES) {
      const x = totals.get(t)!;
      assert.ok(x.episodes / STABLE_SERIES <= 1, `${t}: ${x.episodes / STABLE_SERIES} false bottlenecks per 90 stable days (budget 1)`);
      // measured 0.1–0.25 with these seeds: a regression guard well inside the budget
      assert.ok(x.episodes / STABLE_SERIES <= 0.4, `${t}: ${x.episodes / STABLE_SERIES} false bottlenecks per 90 days, above the measured level`);
    }
  });
});

describe('detection on a young pipeline (cold start)', () => {
  it('raises no more than the stable false alarms in the first 50 days of stable pipelines; windows without history would', () => {
    const series = Array.from({ length: 20 }, (_, s) => simulate(3000 + s, WARM_UP, HEALTHY));
    const alarmDays = (historyStart: string) => series.reduce((sum, sr) => {
      let n = 0;
      for (let D = 0; D < WARM_UP; D++) n += detectBottlenecks(inputFor(sr, D, DEFAULT_DETECTION_CONFIG, historyStart), DEFAULT_DETECTION_CONFIG).length;
      return sum + n;
    }, 0);
    const guarded = alarmDays(DAY0);
    const pretended = alarmDays('2025-01-01'); // as if the empty days before day 0 were history
    console.log(`cold start over 20 series × ${WARM_UP} days: ${guarded} bottleneck-days with the guard, ${pretended} without`);
    // measured with these seeds: 2 with the guard (one F1 false alarm on days 48–49, once every window is
    // covered: the ordinary stable rate, ~15 bottleneck-days per 1,000 series-days above), 151 without
    assert.ok(guarded <= 5, `${guarded} bottleneck-days on young stable pipelines`);
    assert.ok(pretended >= 100, `the artifact this guards against: ${pretended} bottleneck-days without the guard`);
  });
});

const CHANGE = WARM_UP + 35;
const after = (v: number, before: number) => (d: number) => (d >= CHANGE ? v : before);
const DROPS: ReadonlyArray<{ name: string; type: BottleneckType; world: World; minPower: number }> = [
  { name: 'contacted → qualified 60 % → 40 %', type: 'poor_qualification', minPower: 0.8,
    world: { ...HEALTHY, qualifyP: (d) => (d >= CHANGE ? 0.4 : 0.6) } },
  { name: 'response time 2 h → 8 h', type: 'low_response_rate', minPower: 0.9,
    world: { ...HEALTHY, responseMedianH: after(3.9, 0.97) } },
  { name: 'F1 0.87 → 0.75', type: 'validation_accuracy_drop', minPower: 0.8, world: { ...HEALTHY, f1: after(0.75, 0.87) } },
  { name: 'contact 0.8 → 0.55', type: 'low_response_rate', minPower: 0.9, world: { ...HEALTHY, contactP: after(0.55, 0.8) } },
  { name: 'days to qualify median 2 → 5', type: 'slow_follow_up', minPower: 0.8, world: { ...HEALTHY, qualifyMedianD: after(5, 2) } },
  { name: 'cold_call conversion → 5 %', type: 'weak_lead_source', minPower: 0.8,
    world: { ...HEALTHY, qualifyP: (d, s) => (s === 3 && d >= CHANGE - 30 ? 0.06 : QUALIFY_P[s]!) } },
];

describe('detection power on injected drops (10–40 leads/day)', () => {
  for (const drop of DROPS) {
    it(`detects ${drop.name} within 21 days in most series`, () => {
      let detected = 0;
      const delays: number[] = [];
      for (let s = 0; s < SERIES; s++) {
        const days = run(simulate(5000 + s, CHANGE + 21, drop.world), CHANGE, CHANGE + 21, DEFAULT_DETECTION_CONFIG);
        const first = days.findIndex((d) => d.has(drop.type));
        if (first >= 0) { detected++; delays.push(first); }
      }
      const power = detected / SERIES;
      const median = delays.sort((a, b) => a - b)[Math.floor(delays.length / 2)];
      console.log(`${drop.name}: power ${power} within 21 days, median delay ${median ?? 'n/a'} days`);
      assert.ok(power >= drop.minPower, `${drop.name}: power ${power} < ${drop.minPower}`);
    });
  }
});
