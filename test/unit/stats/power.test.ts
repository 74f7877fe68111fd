import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  powerOfSeedRule, powerTwoProportions, sampleSizeForSeedRule, sampleSizeTwoProportions,
} from '../../../src/stats/power.ts';
import { twoProportionTest } from '../../../src/stats/proportions.ts';
import { assertClose, binomial, expectOk, mulberry32, reference, SCIPY_SOURCE } from './helpers.ts';

/** Share of simulated single looks where the seed rule says KEEP (p < 0.05 and lift > 10 %). */
function simulateKeepRate(p1: number, p2: number, n: number, runs: number, seed: number): number {
  const rand = mulberry32(seed);
  let keep = 0;
  for (let i = 0; i < runs; i++) {
    const r = twoProportionTest({ successes: binomial(rand, n, p1), n }, { successes: binomial(rand, n, p2), n });
    if (r.kind === 'ok' && r.pValue < 0.05 && r.lift !== null && r.lift.pct > 10) keep++;
  }
  return keep / runs;
}

describe('sampleSizeTwoProportions (classic)', () => {
  it(`matches the closed form computed with scipy.stats.norm.ppf (${SCIPY_SOURCE})`, () => {
    for (const c of reference.power.classic) {
      const r = expectOk(sampleSizeTwoProportions(c.p1, c.p2));
      assertClose(r.nExact, c.nExact, 1e-10, `${c.p1}→${c.p2}`);
      assert.equal(r.nPerGroup, Math.ceil(c.nExact));
    }
  });
  it('research notes: 30 % → 33 % needs ~3,762 per group; R power.prop.test(p1=.5, p2=.75, power=.9) → n = 76.7', () => {
    assertClose(expectOk(sampleSizeTwoProportions(0.3, 0.33)).nExact, 3762, 1e-3, '30→33');
    assertClose(expectOk(sampleSizeTwoProportions(0.5, 0.75, { power: 0.9 })).nExact, 76.7, 1e-3, 'R example');
    assertClose(powerTwoProportions(0.5, 0.75, 76.70693), 0.9, 1e-6, 'inverse');
  });
  it('invalid input is a value', () => {
    assert.equal(sampleSizeTwoProportions(0.3, 0.3).kind, 'invalid-input');
    assert.equal(sampleSizeTwoProportions(0, 0.3).kind, 'invalid-input');
    assert.equal(sampleSizeTwoProportions(0.3, 0.4, { power: 1 }).kind, 'invalid-input');
  });
  it('property: sample size decreases as the effect grows', () => {
    fc.assert(fc.property(fc.double({ min: 0.02, max: 0.6, noNaN: true }), fc.double({ min: 0.01, max: 0.2, noNaN: true }),
      fc.double({ min: 0.001, max: 0.1, noNaN: true }), (p1, d, extra) => {
        const small = expectOk(sampleSizeTwoProportions(p1, p1 + d)).nExact;
        const big = expectOk(sampleSizeTwoProportions(p1, p1 + d + extra)).nExact;
        assert.ok(big < small);
      }));
  });
});

describe('powerOfSeedRule / sampleSizeForSeedRule', () => {
  it(`integral matches scipy.stats.multivariate_normal.cdf of the KEEP event (${SCIPY_SOURCE})`, () => {
    for (const c of reference.power.seedRule) {
      const r = expectOk(powerOfSeedRule(c.p1, c.p2, c.n));
      assertClose(r.power, c.power, 1e-6, `${c.p1}→${c.p2} n=${c.n}`, 1e-8);
    }
  });

  it('agrees with a seeded Monte-Carlo simulation of single looks (20,000 runs; within 1.5 points)', () => {
    // MC standard error ≤ 0.0036 at 20,000 runs; normal-approximation bias is below ~0.5 point here.
    for (const [p1, p2, n, runs, seed] of [[0.3, 0.33, 3000, 20_000, 1], [0.3, 0.345, 1698, 10_000, 2], [0.1, 0.13, 800, 10_000, 3], [0.3, 0.45, 50, 20_000, 5]] as const) {
      const predicted = expectOk(powerOfSeedRule(p1, p2, n)).power;
      const simulated = simulateKeepRate(p1, p2, n, runs, seed);
      assert.ok(Math.abs(predicted - simulated) < 0.015, `${p1}→${p2} n=${n}: predicted ${predicted}, simulated ${simulated}`);
    }
  });

  it('the lift condition matters: a true +10 % lift is kept ~50 % of the time at n = 3000 (plain power 71 %)', () => {
    assertClose(expectOk(powerOfSeedRule(0.3, 0.33, 3000)).power, 0.5, 1e-6, 'seed rule');
    assert.ok(powerTwoProportions(0.3, 0.33, 3000) > 0.7);
  });

  it('sample size: smallest n reaching 80 %; unreachable when the target lift ≤ the KEEP threshold', () => {
    const r = sampleSizeForSeedRule(0.3, 0.345);
    assert.ok(r.kind === 'ok');
    assert.equal(r.nPerGroup, 1698);
    assert.ok(r.achievedPower >= 0.8);
    assert.ok(expectOk(powerOfSeedRule(0.3, 0.345, r.nPerGroup - 1)).power < 0.8);
    const u = sampleSizeForSeedRule(0.3, 0.33);
    assert.equal(u.kind, 'unreachable');
    assert.equal(sampleSizeForSeedRule(0.3, 0.29).kind, 'unreachable');
    assert.equal(sampleSizeForSeedRule(0.3, 0.4, { power: 0 }).kind, 'invalid-input');
  });

  it('property: power in [0, 1]; sample size decreases as the effect grows', () => {
    fc.assert(fc.property(fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.double({ min: 12, max: 60, noNaN: true }),
      fc.double({ min: 2, max: 40, noNaN: true }), (p1, liftPct, extra) => {
        const p2 = p1 * (1 + liftPct / 100);
        const p3 = p1 * (1 + (liftPct + extra) / 100);
        if (p3 >= 1) return;
        const a = sampleSizeForSeedRule(p1, p2);
        const b = sampleSizeForSeedRule(p1, p3);
        assert.ok(a.kind === 'ok' && b.kind === 'ok');
        assert.ok(b.nPerGroup <= a.nPerGroup, `${p1}: +${liftPct}% → ${a.nPerGroup}, +${liftPct + extra}% → ${b.nPerGroup}`);
        const pw = expectOk(powerOfSeedRule(p1, p2, 100)).power;
        assert.ok(pw >= 0 && pw <= 1);
      }), { numRuns: 40 });
  });
});
