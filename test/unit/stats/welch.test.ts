import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { logScaleWelch, welchTest } from '../../../src/stats/welch.ts';
import { assertClose, expectOk, reference, SCIPY_SOURCE, SLEEP_GROUP1, SLEEP_GROUP2, summarize } from './helpers.ts';

const summary = fc.record({
  n: fc.integer({ min: 2, max: 10_000 }),
  mean: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
  variance: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
});

describe('welchTest (from summaries)', () => {
  it('R textbook example: t.test(extra ~ group, data = sleep) → t = −1.8608, df = 17.776, p = 0.07939', () => {
    // R 4.x output: t = -1.8608, df = 17.776, p-value = 0.07939, 95 % CI -3.3654832 0.2054832.
    const r = expectOk(welchTest(summarize(SLEEP_GROUP2), summarize(SLEEP_GROUP1)));
    assertClose(r.t, -1.8608, 1e-4, 't');
    assertClose(r.df, 17.776, 1e-4, 'df');
    assertClose(r.pValue, 0.07939, 1e-4, 'p');
    assertClose(r.differenceCi.lower, -3.3654832, 1e-7, 'CI low');
    assertClose(r.differenceCi.upper, 0.2054832, 1e-6, 'CI high');
  });

  it(`matches scipy.stats.ttest_ind(equal_var=False) on raw samples (${SCIPY_SOURCE})`, () => {
    for (const [i, c] of reference.welch.cases.entries()) {
      const r = expectOk(welchTest(c.control, c.treatment));
      assertClose(r.t, c.t, 1e-10, `case ${i} t`);
      assertClose(r.df, c.df, 1e-10, `case ${i} df`);
      assertClose(r.pValue, c.pValue, 1e-8, `case ${i} p`);
      assertClose(r.differenceCi.lower, c.ci[0] ?? NaN, 1e-9, `case ${i} CI low`);
      assertClose(r.differenceCi.upper, c.ci[1] ?? NaN, 1e-9, `case ${i} CI high`);
    }
  });

  it('invalid / insufficient input is a value', () => {
    const ok = { n: 10, mean: 1, variance: 1 };
    assert.equal(welchTest({ n: 1, mean: 1, variance: 0 }, ok).kind, 'insufficient-data');
    assert.equal(welchTest({ n: 5, mean: 1, variance: 0 }, { n: 5, mean: 2, variance: 0 }).kind, 'insufficient-data');
    assert.equal(welchTest({ n: 5, mean: 1, variance: -1 }, ok).kind, 'invalid-input');
    assert.equal(welchTest({ n: 5, mean: Number.NaN, variance: 1 }, ok).kind, 'invalid-input');
    // One zero-variance group is fine: df = n − 1 of the other.
    assertClose(expectOk(welchTest({ n: 5, mean: 1, variance: 0 }, ok)).df, 9, 1e-12, 'df');
  });

  it('property: p in [0, 1]; swapping groups keeps p, negates t and the difference', () => {
    fc.assert(fc.property(summary, summary, (c, t) => {
      const r = expectOk(welchTest(c, t));
      const s = expectOk(welchTest(t, c));
      assert.ok(r.pValue >= 0 && r.pValue <= 1 && Number.isFinite(r.df) && r.df > 0);
      assertClose(s.pValue, r.pValue, 1e-9, 'p', 1e-300);
      assertClose(s.t, -r.t, 1e-12, 't', 1e-300);
      assertClose(s.difference, -r.difference, 1e-12, 'difference', 1e-300);
    }));
  });

  it('property: a larger mean gap gives a smaller p', () => {
    fc.assert(fc.property(summary, fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }),
      (c, gap, extra) => {
        const sd = Math.sqrt(c.variance);
        const p1 = expectOk(welchTest(c, { ...c, mean: c.mean + gap * sd })).pValue;
        const p2 = expectOk(welchTest(c, { ...c, mean: c.mean + (gap + extra) * sd })).pValue;
        assert.ok(p2 <= p1);
      }));
  });
});

describe('logScaleWelch (geometric means)', () => {
  it(`matches scipy on log-transformed samples and scipy.stats.gmean ratio (${SCIPY_SOURCE})`, () => {
    for (const [i, c] of reference.logScaleWelch.cases.entries()) {
      const r = expectOk(logScaleWelch(c.controlLog, c.treatmentLog));
      assertClose(r.t, c.t, 1e-10, `case ${i} t`);
      assertClose(r.pValue, c.pValue, 1e-8, `case ${i} p`);
      assertClose(r.geometricMeanRatio, c.geometricMeanRatio, 1e-10, `case ${i} ratio`);
      assertClose(r.ratioCi.lower, c.ratioCi[0] ?? NaN, 1e-9, `case ${i} ratio CI low`);
      assertClose(r.ratioCi.upper, c.ratioCi[1] ?? NaN, 1e-9, `case ${i} ratio CI high`);
      assertClose(r.pctChange, (c.geometricMeanRatio - 1) * 100, 1e-9, `case ${i} pct`, 1e-12);
    }
  });
  it('worked example: mean logs 3.0 vs 2.9 → ratio e^−0.1 ≈ 0.905', () => {
    const r = expectOk(logScaleWelch({ n: 200, mean: 3, variance: 0.5 }, { n: 200, mean: 2.9, variance: 0.5 }));
    assertClose(r.geometricMeanRatio, Math.exp(-0.1), 1e-12, 'ratio');
    assert.ok(r.ratioCi.lower > 0 && r.ratioCi.lower < r.geometricMeanRatio && r.ratioCi.upper > r.geometricMeanRatio);
  });
});
