import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chiSquareCdf, chiSquareSf, normalCdf, normalQuantile, normalSf, normalTwoSidedP,
  studentTCdf, studentTQuantile, studentTTwoSidedP, zForConfidence,
} from '../../../src/stats/distributions.ts';
import { assertClose, reference, SCIPY_SOURCE } from './helpers.ts';

describe(`distributions vs scipy.stats (${SCIPY_SOURCE})`, () => {
  it('normalCdf / normalSf match scipy.stats.norm.cdf / .sf, including far tails', () => {
    for (const r of reference.normal) {
      assertClose(normalCdf(r.x), r.cdf, 1e-12, `cdf(${r.x})`, 1e-300);
      assertClose(normalSf(r.x), r.sf, 1e-12, `sf(${r.x})`, 1e-300);
    }
  });
  it('normalQuantile matches scipy.stats.norm.ppf', () => {
    // stdlib's quantile is ~2e-9 relative off scipy's ndtri at p = 1e-10; irrelevant for p-values.
    for (const r of reference.normalQuantile) assertClose(normalQuantile(r.p), r.q, 1e-8, `ppf(${r.p})`, 1e-15);
    assertClose(zForConfidence(0.95), 1.959963984540054, 1e-14, 'z 95%');
  });
  it('studentTCdf / two-sided p match scipy.stats.t (fractional df too)', () => {
    for (const r of reference.studentT) {
      assertClose(studentTCdf(r.x, r.df), r.cdf, 1e-10, `t.cdf(${r.x}, ${r.df})`);
      assertClose(studentTTwoSidedP(r.x, r.df), r.twoSidedP, 1e-10, `2·t.sf(${r.x}, ${r.df})`);
    }
  });
  it('studentTQuantile (bisection) matches scipy.stats.t.ppf', () => {
    for (const r of reference.studentTQuantile) assertClose(studentTQuantile(r.p, r.df), r.q, 1e-9, `t.ppf(${r.p}, ${r.df})`);
    assert.equal(studentTQuantile(0.5, 7), 0);
  });
  it('chiSquareCdf / chiSquareSf match scipy.stats.chi2', () => {
    for (const r of reference.chiSquare) {
      assertClose(chiSquareCdf(r.x, r.df), r.cdf, 1e-10, `chi2.cdf(${r.x}, ${r.df})`);
      assertClose(chiSquareSf(r.x, r.df), r.sf, 1e-8, `chi2.sf(${r.x}, ${r.df})`, 1e-15);
    }
    assert.equal(chiSquareSf(0, 3), 1);
  });
  it('two-sided normal p is symmetric and within [0, 1]', () => {
    assert.equal(normalTwoSidedP(2.1), normalTwoSidedP(-2.1));
    assert.equal(normalTwoSidedP(0), 1);
    assert.equal(normalTwoSidedP(40), 0);
  });
});
