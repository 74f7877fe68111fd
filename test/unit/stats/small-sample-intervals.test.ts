import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  agrestiCaffoInterval, newcombeDifferenceInterval, wilsonInterval,
} from '../../../src/stats/small-sample-intervals.ts';
import { twoProportionTest, type ProportionGroup } from '../../../src/stats/proportions.ts';
import type { Interval, StatsFailure } from '../../../src/stats/result.ts';
import ref from './intervals-bayes-reference.json' with { type: 'json' };
import { assertClose, binomial, expectOk, mulberry32 } from './helpers.ts';

/** Narrows Interval | StatsFailure to the interval or fails the test with the reason. */
function interval(r: Interval | StatsFailure): Interval {
  if ('kind' in r) assert.fail(`expected an interval, got ${r.kind}: ${r.reason}`);
  return r;
}

function kindOf(r: Interval | StatsFailure): string {
  return 'kind' in r ? r.kind : 'interval';
}

const label = (c: ProportionGroup, t: ProportionGroup): string => `${c.successes}/${c.n} vs ${t.successes}/${t.n}`;

const group = fc.integer({ min: 1, max: 3000 }).chain((n) =>
  fc.record({ successes: fc.integer({ min: 0, max: n }), n: fc.constant(n) }));

function binomialPmf(k: number, n: number, p: number): number {
  let choose = 1;
  for (let i = 1; i <= k; i++) choose = (choose * (n - k + i)) / i;
  return choose * p ** k * (1 - p) ** (n - k);
}

type Method = (c: ProportionGroup, t: ProportionGroup) => Interval;
const METHODS: Record<'newcombe' | 'agrestiCaffo' | 'wald', Method> = {
  newcombe: (c, t) => interval(newcombeDifferenceInterval(c, t)),
  agrestiCaffo: (c, t) => interval(agrestiCaffoInterval(c, t)),
  wald: (c, t) => expectOk(twoProportionTest(c, t)).differenceCi,
};

/** Exact coverage of a 95 % interval for p_t − p_c by enumerating every (x_c, x_t). */
function exactCoverage(m: Method, nc: number, nt: number, pc: number, pt: number): number {
  let total = 0;
  for (let xc = 0; xc <= nc; xc++) {
    for (let xt = 0; xt <= nt; xt++) {
      const ci = m({ successes: xc, n: nc }, { successes: xt, n: nt });
      if (ci.lower <= pt - pc && pt - pc <= ci.upper) total += binomialPmf(xc, nc, pc) * binomialPmf(xt, nt, pt);
    }
  }
  return total;
}

/** Share of seeded simulated experiments whose interval covers the true p_t − p_c. */
function simulatedCoverage(nc: number, nt: number, pc: number, pt: number, runs: number, seed: number) {
  const rand = mulberry32(seed);
  const hits = { newcombe: 0, agrestiCaffo: 0, wald: 0 };
  for (let r = 0; r < runs; r++) {
    const c = { successes: binomial(rand, nc, pc), n: nc };
    const t = { successes: binomial(rand, nt, pt), n: nt };
    for (const name of ['newcombe', 'agrestiCaffo', 'wald'] as const) {
      const ci = METHODS[name](c, t);
      if (ci.lower <= pt - pc && pt - pc <= ci.upper) hits[name]++;
    }
  }
  return { newcombe: hits.newcombe / runs, agrestiCaffo: hits.agrestiCaffo / runs, wald: hits.wald / runs };
}

describe('wilsonInterval', () => {
  it(`matches scipy.stats.binomtest(...).proportion_ci(method='wilson') (${ref.generator})`, () => {
    for (const c of ref.wilson.cases) {
      const r = interval(wilsonInterval({ successes: c.successes, n: c.n }, c.confidence));
      const at = `${c.successes}/${c.n} @ ${c.confidence}`;
      assertClose(r.lower, c.scipy[0] ?? NaN, 1e-12, `${at} lower`, 1e-15);
      assertClose(r.upper, c.scipy[1] ?? NaN, 1e-12, `${at} upper`, 1e-15);
      assertClose(r.lower, c.formula[0] ?? NaN, 1e-12, `${at} lower (formula)`, 1e-15);
    }
  });

  it('reproduces Newcombe (1998a) Table I, method 3: 81/263 → [0.2553, 0.3662], 15/148 → [0.0624, 0.1605]', () => {
    // Source: Newcombe, Stat Med 17:857–872, as asserted in github.com/m-Py/propint tests/testthat/test_Single_Proportion_CI.R
    for (const c of ref.wilson.published.cases) {
      const r = interval(wilsonInterval({ successes: c.successes, n: c.n }));
      assertClose(r.lower, c.ci[0] ?? NaN, 0, `${c.successes}/${c.n} lower`, 5e-5);
      assertClose(r.upper, c.ci[1] ?? NaN, 0, `${c.successes}/${c.n} upper`, 5e-5);
    }
  });

  it('0/n and n/n: limits are exactly 0 and 1 and the interval is not degenerate', () => {
    const zero = interval(wilsonInterval({ successes: 0, n: 20 }));
    assert.equal(zero.lower, 0);
    assertClose(zero.upper, 0.1611, 0, '0/20 upper', 5e-5);
    const all = interval(wilsonInterval({ successes: 10, n: 10 }));
    assert.equal(all.upper, 1);
    assert.ok(all.lower > 0.7 && all.lower < 0.75);
  });

  it('property: inside [0, 1], contains p̂, and nested in the confidence level', () => {
    fc.assert(fc.property(group, fc.double({ min: 0.5, max: 0.98, noNaN: true }), (g, conf) => {
      const r = interval(wilsonInterval(g, conf));
      const wider = interval(wilsonInterval(g, Math.min(0.999, conf + 0.01)));
      const p = g.successes / g.n;
      assert.ok(r.lower >= 0 && r.upper <= 1 && r.lower <= p && p <= r.upper);
      assert.ok(wider.lower <= r.lower + 1e-15 && wider.upper >= r.upper - 1e-15);
    }));
  });
});

describe('newcombeDifferenceInterval (Newcombe 1998, method 10)', () => {
  it('reproduces Newcombe (1998) Table II, examples (a)–(h), to 4 decimals', () => {
    // Newcombe RG, "Interval estimation for the difference between independent proportions: comparison of
    // eleven methods", Stat Med 17 (1998) 873–890, Table II, method 10. Values read from the tests of
    // github.com/PeteLaud/ratesci (tests/testthat/test3.R, example d), github.com/m-Py/propint
    // (tests/testthat/test_Two_Independent_Props_CI.R, a–b) and github.com/capeconomics/mergeron-extra
    // (tests/test_proportions_tests.py, a–h). Newcombe's p1 − p2 is treatment − control here.
    for (const c of ref.difference.newcombeTableII) {
      const r = interval(newcombeDifferenceInterval(c.control, c.treatment));
      const at = `(${c.example}) ${label(c.control, c.treatment)}`;
      assertClose(r.lower, c.newcombePublished[0] ?? NaN, 0, `${at} lower`, 5e-5);
      assertClose(r.upper, c.newcombePublished[1] ?? NaN, 0, `${at} upper`, 5e-5);
      assertClose(r.lower, c.newcombe[0] ?? NaN, 1e-12, `${at} lower (python)`, 1e-15);
      assertClose(r.upper, c.newcombe[1] ?? NaN, 1e-12, `${at} upper (python)`, 1e-15);
    }
  });

  it(`other levels and shapes match the Python square-and-add of scipy Wilson limits (${ref.generator})`, () => {
    for (const c of ref.difference.extra) {
      const r = interval(newcombeDifferenceInterval(c.control, c.treatment, c.confidence));
      const at = `${label(c.control, c.treatment)} @ ${c.confidence}`;
      assertClose(r.lower, c.newcombe[0] ?? NaN, 1e-12, `${at} lower`, 1e-15);
      assertClose(r.upper, c.newcombe[1] ?? NaN, 1e-12, `${at} upper`, 1e-15);
    }
  });

  it('where Wald collapses: 0/10 vs 0/10 → Wald [0, 0], Newcombe ±0.2775; 2/2000 vs 0/20 → Wald upper 0.0004, Newcombe ≈ 0.16', () => {
    const none = { successes: 0, n: 10 };
    assert.deepEqual(expectOk(twoProportionTest(none, none)).differenceCi, { lower: 0, upper: 0 });
    const n0 = interval(newcombeDifferenceInterval(none, none));
    assertClose(n0.lower, -0.2775, 0, 'lower', 5e-5);
    assertClose(n0.upper, 0.2775, 0, 'upper', 5e-5);

    const control = { successes: 2, n: 2000 };
    const treatment = { successes: 0, n: 20 };
    assertClose(expectOk(twoProportionTest(control, treatment)).differenceCi.upper, 0.0004, 0, 'Wald upper', 5e-5);
    const n1 = interval(newcombeDifferenceInterval(control, treatment));
    assertClose(n1.upper, 0.16, 0, 'Newcombe upper', 5e-3);
    const ac = interval(agrestiCaffoInterval(control, treatment));
    assert.ok(ac.upper > 0.1, `Agresti–Caffo upper ${ac.upper}`);
  });

  it('invalid input is a value, not NaN', () => {
    const ok = { successes: 1, n: 10 };
    assert.equal(kindOf(newcombeDifferenceInterval({ successes: 0, n: 0 }, ok)), 'insufficient-data');
    assert.equal(kindOf(newcombeDifferenceInterval(ok, { successes: 11, n: 10 })), 'invalid-input');
    assert.equal(kindOf(newcombeDifferenceInterval(ok, { successes: 1.5, n: 10 })), 'invalid-input');
    assert.equal(kindOf(newcombeDifferenceInterval(ok, ok, 1)), 'invalid-input');
    assert.equal(kindOf(newcombeDifferenceInterval(ok, ok, Number.NaN)), 'invalid-input');
    assert.equal(kindOf(wilsonInterval({ successes: -1, n: 10 })), 'invalid-input');
    assert.equal(kindOf(agrestiCaffoInterval(ok, { successes: 0, n: 0 })), 'insufficient-data');
  });

  it('property: inside [−1, 1], contains p̂_t − p̂_c, antisymmetric when the groups are swapped', () => {
    fc.assert(fc.property(group, group, (c, t) => {
      const r = interval(newcombeDifferenceInterval(c, t));
      const s = interval(newcombeDifferenceInterval(t, c));
      const d = t.successes / t.n - c.successes / c.n;
      assert.ok(r.lower >= -1 && r.upper <= 1 && r.lower <= d + 1e-15 && d <= r.upper + 1e-15, `${label(c, t)}: ${JSON.stringify(r)}`);
      assertClose(s.lower, -r.upper, 0, 'swapped lower', 1e-15);
      assertClose(s.upper, -r.lower, 0, 'swapped upper', 1e-15);
    }));
  });
});

describe('agrestiCaffoInterval (Agresti & Caffo 2000)', () => {
  it('matches the Python reference and the values asserted in capeconomics/mergeron-extra for Newcombe\'s tables', () => {
    for (const c of ref.difference.newcombeTableII) {
      const r = interval(agrestiCaffoInterval(c.control, c.treatment));
      const at = `(${c.example}) ${label(c.control, c.treatment)}`;
      assertClose(r.lower, c.agrestiCaffo[0] ?? NaN, 1e-12, `${at} lower`, 1e-15);
      assertClose(r.upper, c.agrestiCaffo[1] ?? NaN, 1e-12, `${at} upper`, 1e-15);
      assertClose(r.lower, c.agrestiCaffoPublished[0] ?? NaN, 0, `${at} lower (published)`, 1e-7);
      assertClose(r.upper, c.agrestiCaffoPublished[1] ?? NaN, 0, `${at} upper (published)`, 1e-7);
    }
    for (const c of ref.difference.extra) {
      const r = interval(agrestiCaffoInterval(c.control, c.treatment, c.confidence));
      assertClose(r.lower, c.agrestiCaffo[0] ?? NaN, 1e-12, `${label(c.control, c.treatment)} lower`, 1e-15);
      assertClose(r.upper, c.agrestiCaffo[1] ?? NaN, 1e-12, `${label(c.control, c.treatment)} upper`, 1e-15);
    }
  });

  it('the Wald reference column equals twoProportionTest\'s differenceCi (same formula, same orientation)', () => {
    for (const c of ref.difference.extra) {
      const w = expectOk(twoProportionTest(c.control, c.treatment, { confidence: c.confidence })).differenceCi;
      assertClose(w.lower, c.wald[0] ?? NaN, 1e-12, 'Wald lower', 1e-15);
      assertClose(w.upper, c.wald[1] ?? NaN, 1e-12, 'Wald upper', 1e-15);
    }
  });

  it('property: inside [−1, 1], lower ≤ upper, antisymmetric when the groups are swapped', () => {
    fc.assert(fc.property(group, group, (c, t) => {
      const r = interval(agrestiCaffoInterval(c, t));
      const s = interval(agrestiCaffoInterval(t, c));
      assert.ok(r.lower >= -1 && r.upper <= 1 && r.lower <= r.upper);
      assertClose(s.lower, -r.upper, 0, 'swapped lower', 1e-15);
      assertClose(s.upper, -r.lower, 0, 'swapped upper', 1e-15);
    }));
  });
});

describe('coverage at n = 10 per group (95 % intervals)', () => {
  it('exact coverage by enumeration matches the Python enumeration', () => {
    for (const c of ref.coverage.cases) {
      for (const name of ['newcombe', 'agrestiCaffo', 'wald'] as const) {
        const got = exactCoverage(METHODS[name], c.nControl, c.nTreatment, c.pControl, c.pTreatment);
        assertClose(got, c[name], 1e-9, `${name} at ${c.pControl} vs ${c.pTreatment}`);
      }
    }
  });

  it('seeded simulation (4,000 runs each): Newcombe and Agresti–Caffo cover ≥ 93 %, Wald undercovers', () => {
    const runs = 4000;
    const atLow = simulatedCoverage(10, 10, 0.1, 0.1, runs, 101);
    const atMid = simulatedCoverage(10, 10, 0.3, 0.3, runs, 202);
    const apart = simulatedCoverage(10, 10, 0.05, 0.2, runs, 303);
    for (const [name, cov] of [['p = 0.1', atLow], ['p = 0.3', atMid], ['0.05 vs 0.2', apart]] as const) {
      assert.ok(cov.newcombe >= 0.93, `Newcombe coverage ${cov.newcombe} at ${name}`);
      assert.ok(cov.agrestiCaffo >= 0.93, `Agresti–Caffo coverage ${cov.agrestiCaffo} at ${name}`);
    }
    // Exact Wald coverage: 0.905 at p = 0.3 and 0.870 at 0.05 vs 0.2 (3σ of the simulation ≈ 0.014).
    assert.ok(atMid.wald < 0.925, `Wald coverage ${atMid.wald} at p = 0.3`);
    assert.ok(apart.wald < 0.9, `Wald coverage ${apart.wald} at 0.05 vs 0.2`);
    // At p = 0.1 Wald looks fine (≈ 0.95) only because 0/10 vs 0/10 gives [0, 0], which happens to
    // contain the true difference 0 — a zero-width interval that is right by accident.
    assert.ok(atLow.wald > 0.93);
  });
});
