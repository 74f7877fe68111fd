import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { twoProportionTest } from '../../../src/stats/proportions.ts';
import { assertClose, expectOk, reference, SCIPY_SOURCE } from './helpers.ts';

const group = fc.integer({ min: 1, max: 5000 }).chain((n) =>
  fc.record({ successes: fc.integer({ min: 0, max: n }), n: fc.constant(n) }));

function allFinite(o: unknown): boolean {
  if (typeof o === 'number') return Number.isFinite(o);
  if (o && typeof o === 'object') return Object.values(o).every(allFinite);
  return true;
}

describe('twoProportionTest', () => {
  it(`matches scipy.stats.chi2_contingency(correction=False) and relative_risk CI (${SCIPY_SOURCE})`, () => {
    // chi2_contingency(correction=False) equals R prop.test(c(x1,x2), c(n1,n2), correct=FALSE); chi² = z².
    for (const c of reference.twoProportion.cases) {
      const r = expectOk(twoProportionTest(c.control, c.treatment));
      const label = `${c.control.successes}/${c.control.n} vs ${c.treatment.successes}/${c.treatment.n}`;
      assertClose(r.z ** 2, c.chi2, 1e-10, `${label} z²`);
      assertClose(r.pValue, c.pValue, 1e-9, `${label} p`);
      assertClose(r.differenceCi.lower, c.waldCi[0] ?? NaN, 1e-10, `${label} CI low`, 1e-15);
      assertClose(r.differenceCi.upper, c.waldCi[1] ?? NaN, 1e-10, `${label} CI high`, 1e-15);
      assert.ok(r.lift?.ci);
      assertClose(r.lift.pct, c.liftPct, 1e-10, `${label} lift`, 1e-12);
      assertClose(r.lift.ci.lower, c.liftCiPct[0] ?? NaN, 1e-9, `${label} lift CI low`, 1e-12);
      assertClose(r.lift.ci.upper, c.liftCiPct[1] ?? NaN, 1e-9, `${label} lift CI high`, 1e-12);
    }
  });

  it('worked example 300/1000 vs 360/1000: z ≈ 2.853, p ≈ 0.00433, lift 20 %, z > 0 for a better treatment', () => {
    const r = expectOk(twoProportionTest({ successes: 300, n: 1000 }, { successes: 360, n: 1000 }));
    assertClose(r.z, 2.853264, 1e-6, 'z');
    assertClose(r.pValue, 0.0043273, 1e-4, 'p');
    assertClose(r.difference, 0.06, 1e-12, 'difference');
    assert.ok(r.lift);
    assertClose(r.lift.pct, 20, 1e-12, 'lift');
  });

  it('zero counts: control rate 0 → lift null with a reason; treatment 0 → −100 % without CI', () => {
    const a = expectOk(twoProportionTest({ successes: 0, n: 50 }, { successes: 5, n: 50 }));
    assert.equal(a.lift, null);
    assert.match(a.liftReason ?? '', /control rate is 0/);
    assert.ok(a.pValue > 0 && a.pValue < 0.05);
    const b = expectOk(twoProportionTest({ successes: 5, n: 50 }, { successes: 0, n: 50 }));
    assert.deepEqual(b.lift, { pct: -100, ci: null });
    assert.ok(allFinite(a) && allFinite(b));
  });

  it('all-failure / all-success pooled (se = 0): z = 0, p = 1', () => {
    for (const [x, n] of [[0, 40], [40, 40]] as const) {
      const r = expectOk(twoProportionTest({ successes: x, n }, { successes: (x / 40) * 60, n: 60 }));
      assert.equal(r.z, 0);
      assert.equal(r.pValue, 1);
      assert.ok(allFinite(r));
    }
  });

  it('invalid input is a value, not NaN', () => {
    assert.equal(twoProportionTest({ successes: -1, n: 10 }, { successes: 1, n: 10 }).kind, 'invalid-input');
    assert.equal(twoProportionTest({ successes: 11, n: 10 }, { successes: 1, n: 10 }).kind, 'invalid-input');
    assert.equal(twoProportionTest({ successes: 1.5, n: 10 }, { successes: 1, n: 10 }).kind, 'invalid-input');
    assert.equal(twoProportionTest({ successes: 0, n: 0 }, { successes: 1, n: 10 }).kind, 'insufficient-data');
    assert.equal(twoProportionTest({ successes: 1, n: 10 }, { successes: 1, n: 10 }, { confidence: 1 }).kind, 'invalid-input');
  });

  it('property: p in [0, 1], results finite, swapping groups keeps p and negates z and the difference', () => {
    fc.assert(fc.property(group, group, (c, t) => {
      const r = expectOk(twoProportionTest(c, t));
      const s = expectOk(twoProportionTest(t, c));
      assert.ok(r.pValue >= 0 && r.pValue <= 1);
      assert.ok(allFinite({ ...r, lift: r.lift ?? 0 }));
      assertClose(s.pValue, r.pValue, 1e-12, 'swapped p', 1e-300);
      assertClose(s.difference, -r.difference, 0, 'swapped difference', 1e-15);
      assertClose(s.z, -r.z, 1e-12, 'swapped z', 1e-15);
      assert.ok(r.differenceCi.lower <= r.difference && r.difference <= r.differenceCi.upper);
    }));
  });

  it('property: more treatment successes (above the control rate) give a smaller p', () => {
    fc.assert(fc.property(fc.integer({ min: 10, max: 2000 }), fc.double({ min: 0.05, max: 0.9, noNaN: true }), (n, rate) => {
      const x1 = Math.round(rate * n);
      let prev = 1.0000001;
      for (let x2 = x1; x2 <= Math.min(n, x1 + 40); x2++) {
        const p = expectOk(twoProportionTest({ successes: x1, n }, { successes: x2, n })).pValue;
        assert.ok(p <= prev, `p not decreasing at x2 = ${x2}: ${p} > ${prev}`);
        prev = p;
      }
    }), { numRuns: 50 });
  });
});
