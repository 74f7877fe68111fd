import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  powerOfSeedRuleDuration, powerTwoMeans, sampleSizeForSeedRuleDuration, sampleSizeTwoMeans,
  type DurationScenario,
} from '../../../src/stats/powerDuration.ts';
import { welchTest } from '../../../src/stats/welch.ts';
import { assertClose, expectOk, gaussian, mulberry32, reference, SCIPY_SOURCE } from './helpers.ts';

/** Simulated KEEP rate for durations: Welch p < 0.05 and (x̄c − x̄t)/x̄c > 10 %, normal data. */
function simulateKeepRate(s: DurationScenario, n: number, runs: number, seed: number): number {
  const rand = mulberry32(seed);
  const draw = (mean: number, sd: number) => {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = mean + sd * gaussian(rand);
      sum += x;
      sumSq += x * x;
    }
    const m = sum / n;
    return { n, mean: m, variance: (sumSq - n * m * m) / (n - 1) };
  };
  let keep = 0;
  for (let i = 0; i < runs; i++) {
    const c = draw(s.baselineMean, s.baselineSd);
    const t = draw(s.baselineMean * (1 - s.improvementPct / 100), s.baselineSd);
    const r = welchTest(c, t);
    if (r.kind === 'ok' && r.pValue < 0.05 && (c.mean - t.mean) / c.mean > 0.1) keep++;
  }
  return keep / runs;
}

describe('duration power (lower is better)', () => {
  const s20: DurationScenario = { baselineMean: 48, baselineSd: 36, improvementPct: 20 };

  it('classic two-means sample size: (1.96 + 0.8416)²·2·36²/9.6² ≈ 220.7', () => {
    const r = expectOk(sampleSizeTwoMeans(s20));
    assertClose(r.nExact, ((1.959963984540054 + 0.8416212335729143) ** 2 * 2 * 36 ** 2) / 9.6 ** 2, 1e-12, 'n');
    assert.equal(r.nPerGroup, 221);
    assertClose(powerTwoMeans(s20, r.nExact), 0.8, 1e-9, 'inverse');
  });

  it(`seed-rule power matches scipy.stats.multivariate_normal.cdf of the KEEP event (${SCIPY_SOURCE})`, () => {
    for (const c of reference.power.seedRuleDuration) {
      const r = expectOk(powerOfSeedRuleDuration(c, c.n));
      assertClose(r.power, c.power, 1e-6, `${c.improvementPct}% n=${c.n}`);
    }
  });

  it('agrees with a seeded Monte-Carlo simulation using welchTest (within 2 points)', () => {
    for (const [s, n, runs, seed] of [[s20, 221, 10_000, 11], [{ ...s20, improvementPct: 12 }, 1803, 4_000, 12],
      [{ baselineMean: 10, baselineSd: 4, improvementPct: 15 }, 30, 10_000, 13]] as const) {
      const predicted = expectOk(powerOfSeedRuleDuration(s, n)).power;
      const simulated = simulateKeepRate(s, n, runs, seed);
      assert.ok(Math.abs(predicted - simulated) < 0.02, `${s.improvementPct}% n=${n}: predicted ${predicted}, simulated ${simulated}`);
    }
  });

  it('sample size for the seed rule; unreachable at or below the 10 % threshold', () => {
    const r = sampleSizeForSeedRuleDuration({ ...s20, improvementPct: 12 });
    assert.ok(r.kind === 'ok');
    assert.equal(r.nPerGroup, 1803);
    assert.equal(sampleSizeForSeedRuleDuration({ ...s20, improvementPct: 10 }).kind, 'unreachable');
    assert.equal(sampleSizeForSeedRuleDuration({ ...s20, baselineSd: 0 }).kind, 'invalid-input');
  });

  it('property: sample size decreases as the improvement grows', () => {
    fc.assert(fc.property(fc.double({ min: 0.2, max: 3, noNaN: true }), fc.double({ min: 12, max: 60, noNaN: true }),
      fc.double({ min: 1, max: 30, noNaN: true }), (cv, imp, extra) => {
        const base = { baselineMean: 10, baselineSd: 10 * cv };
        const a = sampleSizeForSeedRuleDuration({ ...base, improvementPct: imp });
        const b = sampleSizeForSeedRuleDuration({ ...base, improvementPct: Math.min(99, imp + extra) });
        assert.ok(a.kind === 'ok' && b.kind === 'ok');
        assert.ok(b.nPerGroup <= a.nPerGroup);
      }), { numRuns: 30 });
  });
});
