/**
 * Planned tests of a duration metric, decided on the mean's z (welch, the behaviour before) or on the
 * standardized Mann–Whitney statistic (mann-whitney, the default since the modest scenario's useless
 * response-time skill was kept on a Welch-only signal: bench/README.md), by seeded simulation of the real
 * policy (designTest, compareGroups, rankImprovementZ, decide) look by look, 2,000 tests per row.
 *
 * Setting: the modest scenario's response-time tests: 30 contacted leads a day (105 per group a week),
 * response times lognormal with σ 1.2 (src/sim/params.ts; coefficient of variation ≈ 1.8, where the design
 * assumes 1), designed for −20 % from a 5 h mean, maximum 182 days. Also σ 1.6 (a heavier tail).
 *
 * What must hold: with no effect, the rank statistic keeps at most the designed one-sided 2.5 % (plus
 * Monte Carlo error: ±0.35 points at 2,000 runs, 3 SE allowed) whatever the tail; with a real −20 % (every
 * duration × 0.8) it keeps at least as often as the mean's z (it is the more powerful test on skewed data).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareGroups, rankImprovementZ } from '../../src/experiments/compare.ts';
import { decide, type LookRecord } from '../../src/experiments/decide.ts';
import { resolveDecisionConfig, type PlannedDurationTest } from '../../src/experiments/decision-config.ts';
import { designTest } from '../../src/experiments/design.ts';
import type { GroupStats } from '../../src/experiments/outcomes.ts';
import { createRng } from '../../src/sim/rng.ts';

const RUNS = Number(process.env.LH_DURATION_RUNS ?? 2000);
const PER_WEEK = 105;

/** n, mean, variance, log moments, and the rank sums of `x` within the pooled sample of x and y (average ranks). */
function groupStats(x: readonly number[], y: readonly number[]): [GroupStats, GroupStats] {
  const pooled = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort((a, b) => a.v - b.v);
  const rankSum = [0, 0];
  const tieTerm = [0, 0];
  for (let i = 0; i < pooled.length;) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1]!.v === pooled[i]!.v) j++;
    const t = j - i + 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) rankSum[pooled[k]!.g]! += rank;
    if (t > 1) tieTerm[0]! += t ** 3 - t; // the whole pooled tie term goes on one group: only the sum is used
    i = j + 1;
  }
  const one = (v: readonly number[], g: 0 | 1): GroupStats => {
    const n = v.length;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const logs = v.map(Math.log);
    const logMean = logs.reduce((a, b) => a + b, 0) / n;
    return {
      n, sum: mean * n, mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1),
      nPositive: n, logMean, logVariance: logs.reduce((a, b) => a + (b - logMean) ** 2, 0) / (n - 1),
      rankSum: rankSum[g]!, tieTerm: tieTerm[g]!,
    };
  };
  return [one(x, 0), one(y, 1)];
}

interface Row { keep: number; harmful: number; medianWeeks: number | null }

function simulate(durationTest: PlannedDurationTest, sigma: number, factor: number, seed: number): Row {
  const config = resolveDecisionConfig({ planned: { durationTest, alphaBudget: { kind: 'per-test' } } });
  const r = designTest({ metric: 'avg_response_time_hours', baseline: 5, dailyUnits: (2 * PER_WEEK) / 7, maxDurationDays: 182, config: config.planned });
  if (r.kind !== 'ok') throw new Error(r.reason);
  const design = r.design;
  assert.equal(design.durationTest, durationTest);
  const rng = createRng(seed);
  const mu = Math.log(5) - (sigma * sigma) / 2;
  const draw = (f: number) => f * Math.exp(mu + sigma * rng.normal());
  let keep = 0, harmful = 0;
  const weeks: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const c: number[] = [], t: number[] = [];
    const looks: LookRecord[] = [];
    for (let w = 1; w <= 26; w++) {
      for (let i = 0; i < PER_WEEK; i++) { c.push(draw(1)); t.push(draw(factor)); }
      const [control, treatment] = groupStats(c, t);
      const out = decide('planned', {
        comparison: compareGroups('avg_response_time_hours', control, treatment), controlN: c.length, treatmentN: t.length,
        minSampleSize: design.maxPerGroup.control, plannedSampleSize: design.maxPerGroup.control, elapsedDays: 7 * w, maxDurationDays: 182,
        confidenceLevel: 0.95, srm: { kind: 'not-checked', reason: 'simulated' }, design, looks,
        rankZ: rankImprovementZ(control, treatment, true),
      }, config);
      if (out.look) looks.push(out.look);
      if (out.decision.kind === 'KEEP' || out.decision.kind === 'KILL') {
        if (out.decision.kind === 'KEEP') keep++;
        else if (out.decision.killReason === 'harmful') harmful++;
        weeks.push(w);
        break;
      }
    }
  }
  weeks.sort((a, b) => a - b);
  return { keep: keep / RUNS, harmful: harmful / RUNS, medianWeeks: weeks.length ? weeks[Math.floor(weeks.length / 2)]! : null };
}

describe('planned duration tests: the rank statistic against the mean\'s z (seeded simulation, 2,000 tests per row)', () => {
  const rows: Record<string, Row> = {};
  const row = (name: string, test: PlannedDurationTest, sigma: number, factor: number, seed: number) =>
    (rows[`${name} ${test}`] ??= simulate(test, sigma, factor, seed));

  it('keeps a useless skill at most the designed 2.5 % with the rank statistic, lognormal σ 1.2 and 1.6', () => {
    for (const [sigma, seed] of [[1.2, 101], [1.6, 202]] as const) {
      const rank = row(`A/A σ ${sigma}`, 'mann-whitney', sigma, 1, seed);
      assert.ok(rank.keep <= 0.025 + 3 * 0.0035, `σ ${sigma}: rank-decided false KEEP ${rank.keep}`);
      assert.ok(rank.harmful <= 0.025 + 3 * 0.0035, `σ ${sigma}: rank-decided harmful KILL ${rank.harmful}`);
    }
  });

  it('keeps a real −20 % (every duration × 0.8) at least as often as the mean\'s z does, on the same data', () => {
    const rank = row('−20 % σ 1.2', 'mann-whitney', 1.2, 0.8, 303);
    const mean = row('−20 % σ 1.2', 'welch', 1.2, 0.8, 303);
    console.log(`KEEP at −20 %, σ 1.2: rank ${rank.keep} (median ${rank.medianWeeks} weeks), mean's z ${mean.keep} (median ${mean.medianWeeks} weeks)`);
    assert.ok(rank.keep >= mean.keep, `rank ${rank.keep} vs mean ${mean.keep}`);
    assert.ok(rank.keep > 0.5, `rank ${rank.keep}`);
  });

  it('reports the mean\'s z beside it (printed; the A/A rows of both, same seeds)', () => {
    for (const [sigma, seed] of [[1.2, 101], [1.6, 202]] as const) {
      const rank = row(`A/A σ ${sigma}`, 'mann-whitney', sigma, 1, seed);
      const mean = row(`A/A σ ${sigma}`, 'welch', sigma, 1, seed);
      console.log(`A/A σ ${sigma}: false KEEP rank ${rank.keep}, mean's z ${mean.keep}; harmful KILL rank ${rank.harmful}, mean's z ${mean.harmful}`);
      assert.ok(mean.keep < 0.1);
    }
  });
});
