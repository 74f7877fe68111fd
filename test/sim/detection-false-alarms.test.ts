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
import type { BottleneckType } from '../../src/detect/types.ts';
import { DAY0, HEALTHY, QUALIFY_P, inputFor, simulate, type Series, type World } from './pipeline.ts';

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
    // measured with these seeds: 3 with the direction-aware guard (an F1 line on day 2, 33 labels at the line's
    // 0.9 confidence; one F1 false alarm on days 48–49, once every window is covered: the ordinary stable rate,
    // ~15 bottleneck-days per 1,000 series-days above); 2 when every window had to be covered; 151 without
    assert.ok(guarded <= 5, `${guarded} bottleneck-days on young stable pipelines`);
    assert.ok(pretended >= 100, `the artifact this guards against: ${pretended} bottleneck-days without the guard`);
  });

  it('a young pipeline with a real problem is told in its first week: slow answers (6 h) and poor F1 (0.67)', () => {
    // issue 12's finding: 40 leads a day answered after about 6 hours, F1 0.67 on 20 labels a day, from day 0
    const firstFiring = (world: World, type: BottleneckType) => Array.from({ length: SERIES }, (_, s) => {
      const sr = simulate(7000 + s, 7, world, { leads: 40, labels: 20 });
      for (let D = 0; D < 7; D++) {
        if (detectBottlenecks(inputFor(sr, D, DEFAULT_DETECTION_CONFIG), DEFAULT_DETECTION_CONFIG).some((b) => b.type === type)) return D;
      }
      return null;
    });
    const slow = firstFiring({ ...HEALTHY, contactP: () => 1, responseMedianH: () => 6 / Math.exp(1.2 ** 2 / 2) }, 'low_response_rate');
    const poorF1 = firstFiring({ ...HEALTHY, f1: () => 0.67 }, 'validation_accuracy_drop');
    const show = (xs: Array<number | null>) => xs.map((x) => x ?? '-').join(' ');
    console.log(`young pipelines, first day of the bottleneck (of days 0–6): slow answers ${show(slow)}; F1 0.67 ${show(poorF1)}`);
    // measured with these seeds: slow answers in all 30 series (median day 3: an average of 6 h against the 4 h
    // line, judged on the week's contacts so far), F1 in 28 of 30 (median day 2, once its labels are credibly
    // below the 0.8 line); before, the cold-start guard kept them quiet until day 8 and day 6
    assert.ok(slow.every((d) => d !== null), `slow answers: ${show(slow)}`);
    assert.ok(poorF1.filter((d) => d !== null).length >= 0.9 * SERIES, `F1 0.67: ${show(poorF1)}`);
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

describe('attribution of qualification drops on simulated pipelines (10–40 leads/day)', () => {
  /**
   * What would be spawned within 21 days of the change: every qualification bottleneck that fired on any day
   * ('funnel' for poor_qualification, the source for weak_lead_source), sorted and joined; 'none' if nothing.
   */
  const spawnedWithin21Days = (world: World, seedBase: number) => Array.from({ length: SERIES }, (_, s) => {
    const sr = simulate(seedBase + s, CHANGE + 21, world);
    const fired = new Set<string>();
    for (let D = CHANGE; D < CHANGE + 21; D++) {
      for (const b of detectBottlenecks(inputFor(sr, D, DEFAULT_DETECTION_CONFIG), DEFAULT_DETECTION_CONFIG)) {
        if (b.type === 'poor_qualification' || b.type === 'weak_lead_source') fired.add(b.segment ?? 'funnel');
      }
    }
    return fired.size === 0 ? 'none' : [...fired].sort().join('+');
  });
  const tally = (xs: string[]) => Object.entries(xs.reduce<Record<string, number>>((a, x) => ({ ...a, [x]: (a[x] ?? 0) + 1 }), {}))
    .sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');

  it('every source 60 % → 40 % alike: the funnel-wide skill, no source blamed', () => {
    const v = spawnedWithin21Days({ ...HEALTHY, qualifyP: (d, s) => (d >= CHANGE ? QUALIFY_P[s]! * (0.4 / 0.6) : QUALIFY_P[s]!) }, 9000);
    console.log(`all sources alike, bottlenecks within 21 days: ${tally(v)}`);
    // measured with these seeds: funnel 26, none 4; without attribution: funnel 21, none 4, and a source blamed
    // beside the funnel in 5 (funnel+zillow 2, funnel+referral+zillow 1, funnel+referral 1, direct_mail+funnel+zillow 1)
    assert.ok(v.filter((x) => x === 'funnel').length >= 0.8 * SERIES, tally(v));
    assert.ok(v.filter((x) => x !== 'funnel' && x !== 'none').length <= 1, tally(v));
  });

  it("zillow alone 45 % → 10 %: zillow's optimizer, and the funnel-wide skill in at most half the series", () => {
    const v = spawnedWithin21Days({ ...HEALTHY, qualifyP: (d, s) => (s === 1 && d >= CHANGE ? 0.1 : QUALIFY_P[s]!) }, 9500);
    console.log(`zillow alone, bottlenecks within 21 days: ${tally(v)}`);
    // measured with these seeds: zillow 14, funnel+zillow 7, funnel 5, none 2, cold_call+zillow 1,
    // direct_mail+funnel+zillow 1: zillow's optimizer in 23 of 30 series, the funnel-wide skill in 13; without
    // attribution: funnel+zillow 24, zillow 4, cold_call+funnel+zillow 1, funnel 1 (the funnel-wide skill in 26)
    const has = (part: string) => v.filter((x) => x.split('+').includes(part)).length;
    assert.ok(has('zillow') >= 0.7 * SERIES, tally(v));
    assert.ok(has('funnel') <= 0.5 * SERIES, tally(v));
  });
});

describe('the CUSUMs beside the window tests (issue 12 item 5): the same seeds, old and new', () => {
  /** Every type's baseline test by one method: the window tests (the old detector) or the CUSUMs (the new). */
  const method = (m: 'window' | 'cusum'): DetectionConfig => ({ ...DEFAULT_DETECTION_CONFIG,
    cusum: { ...DEFAULT_DETECTION_CONFIG.cusum, dropTest: { qualification: m, response: m, delay: m, f1: m } } });
  const ROWS: ReadonlyArray<{ drop: string; type: BottleneckType }> = [
    { drop: 'contacted → qualified 60 % → 40 %', type: 'poor_qualification' },
    { drop: 'F1 0.87 → 0.75', type: 'validation_accuracy_drop' },
    { drop: 'days to qualify median 2 → 5', type: 'slow_follow_up' },
    { drop: 'response time 2 h → 8 h', type: 'low_response_rate' },
  ];
  const measure = (c: DetectionConfig) => {
    const falseAlarms = new Map<BottleneckType, number>();
    for (let s = 0; s < STABLE_SERIES; s++) {
      const days = run(simulate(1000 + s, WARM_UP + STABLE_DAYS, HEALTHY), WARM_UP, WARM_UP + STABLE_DAYS, c);
      for (const r of ROWS) falseAlarms.set(r.type, (falseAlarms.get(r.type) ?? 0) + episodes(days, r.type) / STABLE_SERIES);
    }
    return ROWS.map((r) => {
      const world = DROPS.find((d) => d.name === r.drop)!.world;
      const delays = Array.from({ length: SERIES }, (_, s) => run(simulate(5000 + s, CHANGE + 21, world), CHANGE, CHANGE + 21, c).findIndex((d) => d.has(r.type)))
        .filter((d) => d >= 0).sort((a, b) => a - b);
      return { ...r, falseAlarms: falseAlarms.get(r.type)!, power: delays.length / SERIES, median: delays[Math.floor(delays.length / 2)] ?? Infinity };
    });
  };

  it('prints the table and holds the measured delays, power and false alarms', () => {
    const old = measure(method('window'));
    const neu = measure(method('cusum'));
    const f = (x: { falseAlarms: number; power: number; median: number }) => `${x.falseAlarms.toFixed(3)} | ${x.power.toFixed(2)} | ${x.median}`;
    console.log(`type | drop | window: false alarms/90 d | power 21 d | median delay | CUSUM: false alarms/90 d | power 21 d | median delay\n${
      ROWS.map((r, i) => `${r.type} | ${r.drop} | ${f(old[i]!)} | ${f(neu[i]!)}`).join('\n')}`);
    const [q, f1, dtq, resp] = neu as [typeof neu[0], typeof neu[0], typeof neu[0], typeof neu[0]];
    // measured with these seeds (tuned on others, scripts/tune-cusum.ts: 21000 and 25000):
    // window 0.133 | 0.97 | 11, 0.200 | 0.93 | 6, 0.233 | 0.97 | 6, 0.117 | 1.00 | 2;
    // CUSUM  0.167 | 1.00 | 5,  0.217 | 0.97 | 7, 0.067 | 0.93 | 10, 0.133 | 1.00 | 1
    for (const x of neu) assert.ok(x.falseAlarms <= 0.25, `${x.type}: ${x.falseAlarms} false bottlenecks per 90 days with the CUSUM (budget 0.25)`);
    assert.ok(q.median <= 7 && q.power >= 0.95, `qualification 60 % → 40 %: median ${q.median}, power ${q.power} (target ≤ 7 days, ≥ 95 %)`);
    assert.ok(q.median < old[0]!.median, `qualification: the CUSUM (${q.median} days) is faster than the window test (${old[0]!.median})`);
    assert.ok(resp.median <= 2 && resp.power >= 0.95, `response 2 h → 8 h: median ${resp.median}, power ${resp.power} (target ≤ 2 days, ≥ 95 %)`);
    // not met: F1 (target 4 days; the information bound at the budget is ≈ 8 days, src/detect/README.md) and days to
    // qualify (target 4; the window test's 6 is faster): regression guards at the measured level
    assert.ok(f1.median <= 8 && f1.power >= 0.9, `F1 0.87 → 0.75: median ${f1.median}, power ${f1.power}`);
    assert.ok(dtq.median <= 12 && dtq.power >= 0.85, `days to qualify 2 → 5: median ${dtq.median}, power ${dtq.power}`);
  });
});
