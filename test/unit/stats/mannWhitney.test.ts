import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mannWhitneyFromRanks, mannWhitneyZ } from '../../../src/stats/mannWhitney.ts';
import { assertClose, expectOk, reference, SCIPY_SOURCE, SLEEP_GROUP1, SLEEP_GROUP2 } from './helpers.ts';

/** What the SQL computes: rank sum of group 1 (average ranks) and Σ(t³ − t) over tie groups. */
function rankSummary(x1: readonly number[], x2: readonly number[]) {
  const all = [...x1.map((v) => ({ v, g: 1 })), ...x2.map((v) => ({ v, g: 2 }))].sort((a, b) => a.v - b.v);
  let rankSum1 = 0;
  let tieTermSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]?.v === all[i]?.v) j++;
    const t = j - i;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.g === 1) rankSum1 += avgRank;
    tieTermSum += t ** 3 - t;
    i = j;
  }
  return { n1: x1.length, n2: x2.length, rankSum1, tieTermSum };
}

describe('mannWhitneyFromRanks', () => {
  it('R textbook example: wilcox.test(extra ~ group, data = sleep, exact = FALSE) → W = 25.5, p = 0.06933', () => {
    const s = rankSummary(SLEEP_GROUP1, SLEEP_GROUP2);
    assert.deepEqual(s, { n1: 10, n2: 10, rankSum1: 80.5, tieTermSum: 18 });
    const r = expectOk(mannWhitneyFromRanks(s));
    assert.equal(r.u1, 25.5);
    assertClose(r.pTwoSided, 0.06933, 1e-4, 'p');
  });

  it(`matches scipy.stats.mannwhitneyu(method='asymptotic', use_continuity=True) (${SCIPY_SOURCE})`, () => {
    for (const [i, c] of reference.mannWhitney.cases.entries()) {
      const r = expectOk(mannWhitneyFromRanks(c.input));
      assertClose(r.u1, c.u1, 1e-12, `case ${i} U1`);
      assertClose(r.pTwoSided, c['two-sided'], 1e-9, `case ${i} two-sided`);
      assertClose(r.pGreater, c.greater, 1e-9, `case ${i} greater`);
      assertClose(r.pLess, c.less, 1e-9, `case ${i} less`);
    }
  });

  it('all values tied → p = 1; empty group → insufficient-data; impossible rank sum → invalid-input', () => {
    const tied = expectOk(mannWhitneyFromRanks(rankSummary([3, 3, 3], [3, 3])));
    assert.equal(tied.pTwoSided, 1);
    assert.equal(mannWhitneyFromRanks({ n1: 0, n2: 5, rankSum1: 0, tieTermSum: 0 }).kind, 'insufficient-data');
    assert.equal(mannWhitneyFromRanks({ n1: 3, n2: 5, rankSum1: 2, tieTermSum: 0 }).kind, 'invalid-input');
    assert.equal(mannWhitneyFromRanks({ n1: 3, n2: 5, rankSum1: 6, tieTermSum: -1 }).kind, 'invalid-input');
  });

  const sample = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 60 });

  it('property: p-values in [0, 1]; swapping groups keeps two-sided p and swaps the one-sided ones', () => {
    fc.assert(fc.property(sample, sample, (a, b) => {
      const r = expectOk(mannWhitneyFromRanks(rankSummary(a, b)));
      const s = expectOk(mannWhitneyFromRanks(rankSummary(b, a)));
      for (const p of [r.pTwoSided, r.pGreater, r.pLess]) assert.ok(p >= 0 && p <= 1);
      assertClose(s.pTwoSided, r.pTwoSided, 1e-12, 'two-sided', 1e-300);
      assertClose(s.pGreater, r.pLess, 1e-12, 'greater↔less', 1e-300);
      assertClose(r.u1 + r.u2, a.length * b.length, 1e-12, 'U1 + U2');
    }));
  });

  it('property: a larger rank sum of group 1 (same sizes and ties) gives smaller pGreater, larger pLess', () => {
    fc.assert(fc.property(sample, sample, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, frac) => {
      const base = rankSummary(a, b);
      const max = (base.n1 * (base.n1 + 1)) / 2 + base.n1 * base.n2;
      const higher = { ...base, rankSum1: base.rankSum1 + frac * (max - base.rankSum1) };
      const r = expectOk(mannWhitneyFromRanks(base));
      const s = expectOk(mannWhitneyFromRanks(higher));
      assert.ok(s.pGreater <= r.pGreater && s.pLess >= r.pLess);
    }));
  });
});

/**
 * The signed, uncorrected statistic a planned duration test monitors. Reference: SciPy 1.17.1,
 * scipy.stats.mannwhitneyu(x1, x2, method='asymptotic', use_continuity=False, alternative='greater'),
 * z = scipy.stats.norm.isf(pvalue); computed 2026-12-03. Case 1: R's sleep data, group 2 as group 1 (ties).
 * Case 2: 37 vs 41 lognormal response times rounded to 0.1 h, given here by their rank sums and tie term:
 *   rng = numpy.random.default_rng(20261203)
 *   x1 = numpy.round(numpy.exp(1 + 1.2 * rng.standard_normal(37)), 1); x2 = (the same with 41)
 *   rank sum of x1 = scipy.stats.rankdata(concat(x1, x2))[:37].sum() = 1524, Σ(t³ − t) = 216, U1 = 821,
 *   p = 0.26580452686156575.
 */
describe('mannWhitneyZ (the sequential statistic)', () => {
  it('matches SciPy\'s uncorrected one-sided asymptotic test', () => {
    const sleep = expectOk(mannWhitneyZ(rankSummary(SLEEP_GROUP2, SLEEP_GROUP1)));
    assertClose(sleep.z, 1.8541182090368842, 1e-12, 'sleep');
    assert.deepEqual(rankSummary(SLEEP_GROUP2, SLEEP_GROUP1), { n1: 10, n2: 10, rankSum1: 129.5, tieTermSum: 18 });
    const lognormal = expectOk(mannWhitneyZ({ n1: 37, n2: 41, rankSum1: 1524, tieTermSum: 216 }));
    assertClose(lognormal.z, 0.6255516603713595, 1e-12, 'lognormal');
  });

  it('is antisymmetric in the groups, 0 when all values tie, and refuses an empty group', () => {
    const a = expectOk(mannWhitneyZ(rankSummary([1, 5, 9, 12], [2, 3, 3, 4, 8])));
    const b = expectOk(mannWhitneyZ(rankSummary([2, 3, 3, 4, 8], [1, 5, 9, 12])));
    assertClose(a.z, -b.z, 1e-12, 'swapped');
    assert.equal(expectOk(mannWhitneyZ(rankSummary([3, 3], [3, 3, 3]))).z, 0);
    assert.equal(mannWhitneyZ({ n1: 0, n2: 4, rankSum1: 0, tieTermSum: 0 }).kind, 'insufficient-data');
  });
});
