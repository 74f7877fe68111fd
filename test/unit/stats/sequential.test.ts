import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  confidenceSequence, mixtureTuningConstant, sequentialMeans, sequentialProportions,
} from '../../../src/stats/sequential.ts';
import { twoProportionTest } from '../../../src/stats/proportions.ts';
import { assertClose, binomial, expectOk, gaussian, mulberry32, reference } from './helpers.ts';

/**
 * Share of runs in which the CS (or naive peeking at p < 0.05) EVER excludes 0 over weekly looks,
 * `perWeek` new units per group each week, conversion p1 (control) and p2 (treatment).
 */
function everRejects(p1: number, p2: number, perWeek: number, weeks: number, runs: number, plannedTotalN: number, seed: number) {
  const rand = mulberry32(seed);
  let cs = 0;
  let naive = 0;
  for (let r = 0; r < runs; r++) {
    let x1 = 0;
    let x2 = 0;
    let csHit = false;
    let naiveHit = false;
    for (let w = 1; w <= weeks; w++) {
      x1 += binomial(rand, perWeek, p1);
      x2 += binomial(rand, perWeek, p2);
      const n = w * perWeek;
      const s = sequentialProportions({ successes: x1, n }, { successes: x2, n }, { plannedTotalN });
      if (s.kind === 'ok' && s.excludesZero) csHit = true;
      const z = twoProportionTest({ successes: x1, n }, { successes: x2, n });
      if (z.kind === 'ok' && z.pValue < 0.05) naiveHit = true;
    }
    if (csHit) cs++;
    if (naiveHit) naive++;
  }
  return { cs: cs / runs, naive: naive / runs };
}

describe('normal-mixture confidence sequence (Howard et al. 2021)', () => {
  it('simplified half-width and p equal the paper\'s raw boundary B = sqrt((V+ρ)ln((V+ρ)/(ρα²)))/N and 1/M_N', () => {
    for (const c of reference.sequential.cases) {
      const r = expectOk(confidenceSequence(c.estimate, c.se, c.N, { plannedTotalN: c.S, alpha: c.alpha }));
      assertClose(r.halfWidth, c.halfWidth, 1e-10, `B (N=${c.N}, S=${c.S})`);
      assertClose(r.pValue, c.pValue, 1e-9, `p (N=${c.N}, S=${c.S})`, 1e-300);
    }
  });

  it('at N = S the half-width is ≈ 3.04 se at α = 0.05 (fixed horizon: 1.96 se), and wider away from S', () => {
    assertClose(mixtureTuningConstant(0.05), 2 * Math.log(20) + Math.log(1 + 2 * Math.log(20)), 1e-15, 'c');
    const at = expectOk(confidenceSequence(0, 1, 2600, { plannedTotalN: 2600 })).halfWidth;
    assertClose(at, 3.035, 1e-3, 'B/se at N = S');
    for (const n of [100, 26_000]) {
      assert.ok(expectOk(confidenceSequence(0, 1, n, { plannedTotalN: 2600 })).halfWidth > at);
    }
  });

  it('property: always-valid p ≤ α exactly when the CS excludes 0; p in [0, 1]; swapping groups keeps p', () => {
    const g = fc.integer({ min: 2, max: 3000 }).chain((n) => fc.record({ successes: fc.integer({ min: 1, max: n - 1 }), n: fc.constant(n) }));
    fc.assert(fc.property(g, g, fc.integer({ min: 10, max: 100_000 }), (c, t, plannedTotalN) => {
      const r = expectOk(sequentialProportions(c, t, { plannedTotalN }));
      const s = expectOk(sequentialProportions(t, c, { plannedTotalN }));
      assert.ok(r.pValue >= 0 && r.pValue <= 1);
      if (Math.abs(r.pValue - 0.05) > 1e-9) assert.equal(r.pValue < 0.05, r.excludesZero);
      assertClose(s.pValue, r.pValue, 1e-9, 'swap p', 1e-300);
      assertClose(s.difference, -r.difference, 0, 'swap difference', 1e-15);
    }));
  });

  it('degenerate and invalid input are values', () => {
    assert.equal(sequentialProportions({ successes: 0, n: 10 }, { successes: 0, n: 10 }, { plannedTotalN: 100 }).kind, 'ok');
    assert.equal(sequentialProportions({ successes: 0, n: 10 }, { successes: 10, n: 10 }, { plannedTotalN: 100 }).kind, 'insufficient-data');
    assert.equal(sequentialProportions({ successes: 1, n: 10 }, { successes: 2, n: 10 }, { plannedTotalN: 0 }).kind, 'invalid-input');
    assert.equal(sequentialMeans({ n: 1, mean: 0, variance: 0 }, { n: 5, mean: 1, variance: 1 }, { plannedTotalN: 10 }).kind, 'insufficient-data');
  });

  it('A/A with 26 weekly looks (2,000 runs): ever-excludes-0 rate ≤ α (naive peeking inflates it)', () => {
    const r = everRejects(0.3, 0.3, 50, 26, 2000, 2600, 101);
    // MC standard error at 5 % is 0.5 point; allow 1.5 points of slack.
    assert.ok(r.cs <= 0.05 + 0.015, `CS false-positive rate ${r.cs}`);
    assert.ok(r.naive > 0.15, `naive peeking rate ${r.naive} should be inflated`);
  });

  it('not absurdly conservative when tuned to the planned size: +50 % lift at 30 % is usually found', () => {
    // Fixed-horizon power at 1,300/group for 0.30 → 0.35 is ≈ 80 %.
    const tuned = everRejects(0.3, 0.35, 50, 26, 1000, 2600, 202);
    const mistuned = everRejects(0.3, 0.35, 50, 26, 1000, 260_000, 202);
    assert.ok(tuned.cs > 0.45, `tuned CS power ${tuned.cs}`);
    assert.ok(tuned.cs > mistuned.cs, `tuned ${tuned.cs} vs mistuned ${mistuned.cs}`);
  });

  it('means: A/A with normal data and 26 looks keeps the error rate ≤ α', () => {
    const rand = mulberry32(303);
    let hits = 0;
    const runs = 1000;
    for (let r = 0; r < runs; r++) {
      const acc = [{ n: 0, s: 0, ss: 0 }, { n: 0, s: 0, ss: 0 }];
      let hit = false;
      for (let w = 1; w <= 26; w++) {
        for (const a of acc) {
          for (let i = 0; i < 20; i++) {
            const x = 48 + 36 * gaussian(rand);
            a.n++; a.s += x; a.ss += x * x;
          }
        }
        const [c, t] = acc.map((a) => ({ n: a.n, mean: a.s / a.n, variance: (a.ss - (a.s * a.s) / a.n) / (a.n - 1) }));
        if (!c || !t) throw new Error('unreachable');
        const res = sequentialMeans(c, t, { plannedTotalN: 1040 });
        if (res.kind === 'ok' && res.excludesZero) hit = true;
      }
      if (hit) hits++;
    }
    assert.ok(hits / runs <= 0.05 + 0.02, `means CS false-positive rate ${hits / runs}`);
  });
});
