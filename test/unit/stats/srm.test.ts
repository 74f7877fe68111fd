import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sampleRatioMismatch } from '../../../src/stats/srm.ts';
import { assertClose, expectOk, reference, SCIPY_SOURCE } from './helpers.ts';

describe('sampleRatioMismatch', () => {
  it(`matches scipy.stats.chisquare(f_obs, f_exp) (${SCIPY_SOURCE})`, () => {
    for (const c of reference.srm.cases) {
      const r = expectOk(sampleRatioMismatch(c.observed, c.weights));
      assertClose(r.chiSquare, c.chiSquare, 1e-10, `${c.observed} χ²`, 1e-12);
      assertClose(r.pValue, c.pValue, 1e-8, `${c.observed} p`, 1e-300);
      assert.equal(r.mismatch, c.pValue < 0.001);
      assert.equal(r.df, c.observed.length - 1);
    }
  });

  it('uses the configured split: 3000/7000 at 30/70 is fine, but mismatched against 50/50', () => {
    assert.equal(expectOk(sampleRatioMismatch([3000, 7000], [30, 70])).mismatch, false);
    assert.equal(expectOk(sampleRatioMismatch([3000, 7000], [50, 50])).mismatch, true);
  });

  it('worked example [5000, 5200] at 50/50: χ² ≈ 3.92, p ≈ 0.0477, no mismatch at 0.001', () => {
    const r = expectOk(sampleRatioMismatch([5000, 5200], [1, 1]));
    assertClose(r.chiSquare, 40000 / 10200, 1e-12, 'χ²');
    assert.equal(r.mismatch, false);
    assert.equal(expectOk(sampleRatioMismatch([5000, 5200], [1, 1], { threshold: 0.05 })).mismatch, true);
  });

  it('no verdict while a group expects < 8 units (GrowthBook minimum on expected counts); invalid weights are values', () => {
    assert.equal(sampleRatioMismatch([3, 4], [1, 1]).kind, 'insufficient-data'); // expects 3.5 each
    assert.equal(sampleRatioMismatch([60, 40], [95, 5]).kind, 'insufficient-data'); // treatment expects 5
    assert.equal(sampleRatioMismatch([8, 8], [1, 1]).kind, 'ok');
    // a group with (almost) nobody in it is the plainest mismatch, not "too little data":
    // scipy.stats.chisquare([150, 0], [75, 75]) -> statistic 150, p = 1.7e-34
    const empty = expectOk(sampleRatioMismatch([150, 0], [1, 1]));
    assert.equal(empty.chiSquare, 150);
    assert.equal(empty.mismatch, true);
    assert.equal(expectOk(sampleRatioMismatch([7, 100], [1, 1])).mismatch, true);
    assert.equal(sampleRatioMismatch([10, 10], [1, 0]).kind, 'invalid-input');
    assert.equal(sampleRatioMismatch([10, 10], [1]).kind, 'invalid-input');
    assert.equal(sampleRatioMismatch([10, -10], [1, 1]).kind, 'invalid-input');
  });

  it('property: p in [0, 1]; reordering groups (with their weights) does not change it', () => {
    const counts = fc.array(fc.integer({ min: 8, max: 100_000 }), { minLength: 2, maxLength: 5 });
    fc.assert(fc.property(counts, fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 5, maxLength: 5 }), (obs, w) => {
      const weights = w.slice(0, obs.length);
      const a = sampleRatioMismatch(obs, weights);
      const b = sampleRatioMismatch([...obs].reverse(), [...weights].reverse());
      assert.equal(a.kind, b.kind);
      if (a.kind !== 'ok') return;
      const r = expectOk(a);
      const s = expectOk(b);
      assert.ok(r.pValue >= 0 && r.pValue <= 1);
      assertClose(s.pValue, r.pValue, 1e-9, 'p', 1e-300);
    }));
  });
});
