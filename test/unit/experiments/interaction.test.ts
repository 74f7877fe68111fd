/**
 * Interaction check of two overlapping tests (src/experiments/interaction.ts):
 * 1. reference values from fitted models (saturated OLS with HC0/HC2 and saturated Logit in statsmodels,
 *    scripts/reference/interaction_reference.py), agreement to 1e-9;
 * 2. the exact size of the verdict rule at 10 leads per cell, by enumerating all 11⁴ tables, against the
 *    script's own enumeration;
 * 3. seeded simulations: the 'interaction' rate with no interaction is α = 5 % within binomial tolerance
 *    (rates and means), and the detection rate of a planted interaction matches the analytic power;
 * 4. properties and edge cases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkInteraction, DEFAULT_INTERACTION_ALPHA, DEFAULT_INTERACTION_MIN_PER_CELL,
  type DifferenceContrast, type InteractionCells, type MeanCell, type RateCell,
} from '../../../src/experiments/interaction.ts';
import { normalCdf, zForConfidence } from '../../../src/stats/distributions.ts';
import { agrestiCaffoInterval } from '../../../src/stats/small-sample-intervals.ts';
import { assertClose, binomial, expectOk, gaussian, mulberry32, summarize } from '../stats/helpers.ts';
import ref from './interaction-reference.json' with { type: 'json' };

const REL = 1e-9;
const ABS = 1e-12;

const rate = (successes: number, n: number): RateCell => ({ kind: 'rate', successes, n });
const mean = (n: number, m: number, variance: number): MeanCell => ({ kind: 'mean', n, mean: m, variance });

/** Cells in the order A control × B control, A control × B treatment, A treatment × B control, A treatment × B treatment. */
function table<C extends RateCell | MeanCell>(cc: C, ct: C, tc: C, tt: C): InteractionCells<C> {
  return { control: { control: cc, treatment: ct }, treatment: { control: tc, treatment: tt } };
}

type ExpectedContrast = {
  estimate: number; adjustedEstimate: number; standardError: number; z: number; pValue: number;
  ci: { lower: number; upper: number };
};

function assertContrast(got: DifferenceContrast, e: ExpectedContrast, label: string): void {
  assertClose(got.estimate, e.estimate, REL, `${label} estimate`, ABS);
  assertClose(got.adjustedEstimate, e.adjustedEstimate, REL, `${label} adjustedEstimate`, ABS);
  assertClose(got.standardError, e.standardError, REL, `${label} standardError`);
  assertClose(got.z, e.z, REL, `${label} z`, ABS);
  assertClose(got.pValue, e.pValue, REL, `${label} pValue`);
  assertClose(got.ci.lower, e.ci.lower, REL, `${label} ci.lower`, ABS);
  assertClose(got.ci.upper, e.ci.upper, REL, `${label} ci.upper`, ABS);
}

describe(`interaction check vs ${ref.generator}`, () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const r = checkInteraction(c.cells as InteractionCells<RateCell> | InteractionCells<MeanCell>, c.options);
      const e = c.expected;
      if (e.kind !== 'ok') {
        assert.equal(r.kind, e.kind, 'reason' in r ? r.reason : '');
        return;
      }
      const got = expectOk(r);
      assert.equal(got.metric, e.metric);
      assert.equal(got.verdict, e.verdict);
      assertClose(got.alpha, e.alpha!, 1e-15, 'alpha');
      assert.equal(got.comparisons, e.comparisons);
      assert.equal(got.confidence, e.confidence);
      assertContrast(got.interaction, e.interaction!, 'interaction');
      assertContrast(got.effectOfA.inBControl, e.effectOfA!.inBControl, 'effect in B control');
      assertContrast(got.effectOfA.inBTreatment, e.effectOfA!.inBTreatment, 'effect in B treatment');
      if (got.metric === 'rate') {
        const lo = e.logOdds!;
        assert.equal(got.logOdds.corrected, lo.corrected);
        assertClose(got.logOdds.estimate, lo.estimate, REL, 'logOdds estimate', ABS);
        assertClose(got.logOdds.standardError, lo.standardError, REL, 'logOdds standardError');
        assertClose(got.logOdds.z, lo.z, REL, 'logOdds z', ABS);
        assertClose(got.logOdds.pValue, lo.pValue, REL, 'logOdds pValue');
        assertClose(got.logOdds.ci.lower, lo.ci.lower, REL, 'logOdds ci.lower', ABS);
        assertClose(got.logOdds.ci.upper, lo.ci.upper, REL, 'logOdds ci.upper', ABS);
      }
    });
  }

  it('the script reproduced the published Price–Bonett example (statpsych ci.lc.prop.bs)', () => {
    const { expected, computed } = ref.publishedCheck;
    for (const k of ['estimate', 'se', 'z', 'p', 'll', 'ul'] as const) assertClose(computed[k], expected[k], 5e-7, k, 5e-7);
  });

  it('the effect of A within a B group is the Agresti–Caffo interval of src/stats', () => {
    for (const c of ref.cases.filter((x) => x.expected.kind === 'ok' && x.cells.control.control.kind === 'rate')) {
      const cells = c.cells as InteractionCells<RateCell>;
      const got = expectOk(checkInteraction(cells, c.options));
      for (const [b, eff] of [['control', got.effectOfA.inBControl], ['treatment', got.effectOfA.inBTreatment]] as const) {
        const ac = agrestiCaffoInterval(cells.control[b], cells.treatment[b], got.confidence);
        if (!('lower' in ac)) assert.fail(ac.reason);
        assertClose(eff.ci.lower, ac.lower, 1e-12, `${c.name}: B ${b} lower`, 1e-15);
        assertClose(eff.ci.upper, ac.upper, 1e-12, `${c.name}: B ${b} upper`, 1e-15);
      }
    }
  });
});

/** Binomial(n, p) probabilities by the recurrence P(k + 1) = P(k)·(n − k)/(k + 1)·p/(1 − p). */
function binomialPmf(n: number, p: number): number[] {
  const out = [(1 - p) ** n];
  for (let k = 0; k < n; k++) out.push(out[k]! * ((n - k) / (k + 1)) * (p / (1 - p)));
  return out;
}

describe('exact size of the verdict at 10 leads per cell (all 11⁴ tables)', () => {
  const cases = ref.exactSize.cases.filter((c) => c.n === 10);
  const configs = [...new Map(cases.map((c) => [JSON.stringify(c.p), c.p])).values()];
  for (const p of configs) {
    it(`cells ${p.cc}/${p.ct}/${p.tc}/${p.tt}: matches the reference enumeration, and beats the plain Wald`, () => {
      const n = 10;
      const [fcc, fct, ftc, ftt] = [p.cc, p.ct, p.tc, p.tt].map((q) => binomialPmf(n, q));
      const alphas = cases.filter((c) => JSON.stringify(c.p) === JSON.stringify(p)).map((c) => c.alpha);
      const size = new Map(alphas.map((a) => [a, 0]));
      for (let a = 0; a <= n; a++) for (let b = 0; b <= n; b++) for (let c = 0; c <= n; c++) for (let d = 0; d <= n; d++) {
        const r = expectOk(checkInteraction(table(rate(a, n), rate(b, n), rate(c, n), rate(d, n)), { minPerCell: n }));
        const prob = fcc![a]! * fct![b]! * ftc![c]! * ftt![d]!;
        for (const al of alphas) if (r.interaction.pValue < al) size.set(al, size.get(al)! + prob);
      }
      for (const c of cases.filter((x) => JSON.stringify(x.p) === JSON.stringify(p))) {
        assertClose(size.get(c.alpha)!, c.adjusted, 1e-9, `size at α ${c.alpha}`, 1e-12);
        assert.ok(c.adjusted <= c.plain, `adjusted ${c.adjusted} vs plain Wald ${c.plain}`);
      }
    });
  }
  it('at 30 per cell (the default minimum) the size stays within 1.4 % at α = 1 % and 5.5 % at α = 5 %', () => {
    for (const c of ref.exactSize.cases.filter((x) => x.n === DEFAULT_INTERACTION_MIN_PER_CELL)) {
      assert.ok(c.adjusted <= (c.alpha === 0.01 ? 0.014 : 0.055), `${JSON.stringify(c.p)} α ${c.alpha}: ${c.adjusted}`);
    }
  });
});

/** |observed − p| within 3.5 binomial standard errors (plus `slack` for an approximate p). */
function assertRate(observed: number, p: number, sims: number, label: string, slack = 0): void {
  const tol = 3.5 * Math.sqrt((p * (1 - p)) / sims) + slack;
  assert.ok(Math.abs(observed - p) <= tol, `${label}: ${observed} vs ${p} ± ${tol.toFixed(4)}`);
}

interface RateScenario {
  /** True rates: A control × B control, A control × B treatment, A treatment × B control, A treatment × B treatment. */
  readonly p: readonly [number, number, number, number];
  readonly perCell: number;
}

function flagRate(seed: number, sims: number, sc: RateScenario, alpha: number): number {
  const rand = mulberry32(seed);
  let flagged = 0;
  for (let k = 0; k < sims; k++) {
    const [cc, ct, tc, tt] = sc.p.map((q) => rate(binomial(rand, sc.perCell, q), sc.perCell)) as [RateCell, RateCell, RateCell, RateCell];
    if (expectOk(checkInteraction(table(cc, ct, tc, tt), { alpha })).verdict === 'interaction') flagged++;
  }
  return flagged / sims;
}

describe('seeded simulation of 2×2 experiments (rates, 400 leads per cell)', () => {
  const SIMS = 4000;
  const ALPHA = 0.05;

  it('no interaction (A +3 points, B +5 points, additive): flagged at α = 5 % within binomial tolerance', (t) => {
    const rateFlagged = flagRate(20261203, SIMS, { p: [0.10, 0.15, 0.13, 0.18], perCell: 400 }, ALPHA);
    t.diagnostic(`flagged ${rateFlagged} of ${SIMS}`);
    assertRate(rateFlagged, ALPHA, SIMS, 'null flag rate');
  });

  it('no interaction at low rates with 0/n cells (2 % base, 40 leads per cell): flagged at most α', (t) => {
    const rateFlagged = flagRate(99, SIMS, { p: [0.02, 0.02, 0.02, 0.02], perCell: 40 }, ALPHA);
    t.diagnostic(`flagged ${rateFlagged} of ${SIMS}`);
    assert.ok(rateFlagged <= ALPHA, `${rateFlagged}`);
  });

  // Planted: A adds 3 points without B's treatment and 15 with it, δ = 0.12. Analytic power of the
  // two-sided test, SE from the true rates: Φ(δ/SE − z) + Φ(−δ/SE − z) ≈ 0.90.
  const planted: RateScenario = { p: [0.10, 0.15, 0.13, 0.30], perCell: 400 };
  const delta = planted.p[3] - planted.p[1] - planted.p[2] + planted.p[0];
  const se = Math.sqrt(planted.p.reduce((a, q) => a + (q * (1 - q)) / planted.perCell, 0));
  const zc = zForConfidence(1 - ALPHA);
  const power = normalCdf(delta / se - zc) + normalCdf(-delta / se - zc);

  it(`planted interaction δ = 0.12: detected at the analytic power ${power.toFixed(3)} within tolerance`, (t) => {
    assert.ok(power > 0.88 && power < 0.92, `analytic power ${power}`);
    const detected = flagRate(4242, SIMS, planted, ALPHA);
    t.diagnostic(`detected ${detected} of ${SIMS}, analytic ${power}`);
    // slack 0.01: the adjustment shrinks δ by n/(n + 1) and the normal approximation of the power.
    assertRate(detected, power, SIMS, 'power', 0.01);
  });
});

describe('seeded simulation (means, 40 leads per cell, unequal variances)', () => {
  it('no interaction: flagged at α = 5 % within binomial tolerance', (t) => {
    const SIMS = 4000;
    const rand = mulberry32(7);
    const mu = [30, 26, 27, 23];
    const sd = [20, 15, 25, 18];
    let flagged = 0;
    for (let k = 0; k < SIMS; k++) {
      const [cc, ct, tc, tt] = mu.map((m, i) => {
        const s = summarize(Array.from({ length: 40 }, () => m + sd[i]! * gaussian(rand)));
        return mean(s.n, s.mean, s.variance);
      }) as [MeanCell, MeanCell, MeanCell, MeanCell];
      if (expectOk(checkInteraction(table(cc, ct, tc, tt), { alpha: 0.05 })).verdict === 'interaction') flagged++;
    }
    t.diagnostic(`flagged ${flagged / SIMS} of ${SIMS}`);
    assertRate(flagged / SIMS, 0.05, SIMS, 'null flag rate (means)');
  });
});

describe('interaction check: properties and edge cases', () => {
  const cells = table(rate(50, 500), rate(75, 480), rate(65, 510), rate(140, 490));

  it('defaults: α = 0.01, one comparison, 30 per cell, 95 % intervals', () => {
    const r = expectOk(checkInteraction(cells));
    assert.equal(DEFAULT_INTERACTION_ALPHA, 0.01);
    assert.equal(r.alpha, 0.01);
    assert.equal(r.comparisons, 1);
    assert.equal(r.confidence, 0.95);
    assert.equal(DEFAULT_INTERACTION_MIN_PER_CELL, 30);
    assert.equal(checkInteraction(table(rate(5, 29), rate(5, 30), rate(5, 30), rate(5, 30))).kind, 'insufficient-data');
  });

  it('symmetric in the two tests: swapping A and B keeps δ, its SE and the log-odds term', () => {
    const swapped = table(cells.control.control, cells.treatment.control, cells.control.treatment, cells.treatment.treatment);
    const a = expectOk(checkInteraction(cells));
    const b = expectOk(checkInteraction(swapped));
    assertClose(b.interaction.estimate, a.interaction.estimate, 1e-12, 'δ');
    assertClose(b.interaction.standardError, a.interaction.standardError, 1e-12, 'se');
    assertClose(b.logOdds.estimate, a.logOdds.estimate, 1e-12, 'log odds');
  });

  it("swapping B's groups negates δ and swaps the effects of A", () => {
    const flipped = table(cells.control.treatment, cells.control.control, cells.treatment.treatment, cells.treatment.control);
    const a = expectOk(checkInteraction(cells));
    const b = expectOk(checkInteraction(flipped));
    assertClose(b.interaction.estimate, -a.interaction.estimate, 1e-12, 'δ');
    assertClose(b.interaction.pValue, a.interaction.pValue, 1e-12, 'p');
    assert.deepEqual(b.effectOfA.inBControl, a.effectOfA.inBTreatment);
  });

  it('δ is the difference of the two effects of A; for means the variances add up too', () => {
    const r = expectOk(checkInteraction(table(mean(50, 30, 400), mean(60, 26, 380), mean(55, 27, 390), mean(45, 33, 350))));
    const { inBControl: c, inBTreatment: t } = r.effectOfA;
    assertClose(r.interaction.estimate, t.estimate - c.estimate, 1e-12, 'δ');
    assertClose(r.interaction.standardError ** 2, t.standardError ** 2 + c.standardError ** 2, 1e-12, 'variance');
    const rr = expectOk(checkInteraction(cells));
    assertClose(rr.interaction.estimate, rr.effectOfA.inBTreatment.estimate - rr.effectOfA.inBControl.estimate, 1e-12, 'δ (rates)');
  });

  it('a higher confidence widens the interval but leaves the verdict alone', () => {
    const a = expectOk(checkInteraction(cells));
    const b = expectOk(checkInteraction(cells, { confidence: 0.99 }));
    assert.ok(b.interaction.ci.upper - b.interaction.ci.lower > a.interaction.ci.upper - a.interaction.ci.lower);
    assert.equal(a.verdict, b.verdict);
    assert.equal(a.interaction.pValue, b.interaction.pValue);
  });

  it('Bonferroni: the verdict uses alpha/comparisons', () => {
    const r = expectOk(checkInteraction(cells));
    assert.equal(r.verdict, 'interaction');
    const p = r.interaction.pValue;
    const many = Math.ceil(0.01 / p) + 1;
    const b = expectOk(checkInteraction(cells, { comparisons: many }));
    assert.equal(b.verdict, 'no-interaction');
    assertClose(b.alpha, 0.01 / many, 1e-15, 'effective α');
  });

  it('every cell at 0/n: finite, δ = 0, p = 1, log odds corrected; unequal cells: the pseudo-counts move δ̃ a little', () => {
    const uneven = expectOk(checkInteraction(table(rate(0, 40), rate(0, 50), rate(0, 60), rate(0, 70))));
    assert.equal(uneven.interaction.estimate, 0);
    assertClose(uneven.interaction.adjustedEstimate, 0.5 / 71 - 0.5 / 61 - 0.5 / 51 + 0.5 / 41, 1e-12, 'δ̃');
    assert.ok(uneven.interaction.pValue > 0.9, `${uneven.interaction.pValue}`);
    const r = expectOk(checkInteraction(table(rate(0, 40), rate(0, 40), rate(0, 40), rate(0, 40))));
    assert.equal(r.interaction.estimate, 0);
    assert.ok(r.interaction.standardError > 0);
    assert.ok(Math.abs(r.interaction.z) < 1e-12);
    assertClose(r.interaction.pValue, 1, 1e-12, 'p');
    assert.equal(r.logOdds.corrected, true);
    assert.equal(r.verdict, 'no-interaction');
    for (const v of [r.interaction, r.effectOfA.inBControl, r.effectOfA.inBTreatment, r.logOdds]) {
      for (const x of [v.estimate, v.standardError, v.z, v.pValue, v.ci.lower, v.ci.upper]) assert.ok(Number.isFinite(x));
    }
  });

  it('the rate interval stays inside [−2, 2] and the effects inside [−1, 1]', () => {
    const r = expectOk(checkInteraction(table(rate(30, 30), rate(0, 30), rate(0, 30), rate(30, 30)), { minPerCell: 30 }));
    assert.ok(r.interaction.ci.upper <= 2 && r.interaction.ci.lower >= -2);
    assert.ok(r.effectOfA.inBControl.ci.lower >= -1 && r.effectOfA.inBTreatment.ci.upper <= 1);
    assert.equal(r.verdict, 'interaction');
  });

  it('insufficient data: a small cell, a zero-variance mean cell', () => {
    const small = checkInteraction(cells, { minPerCell: 500 });
    assert.equal(small.kind, 'insufficient-data');
    assert.match(small.kind === 'insufficient-data' ? small.reason : '', /A control × B treatment has 480 units/);
    assert.equal(checkInteraction(table(mean(50, 3, 1), mean(50, 3, 0), mean(50, 3, 1), mean(50, 3, 1))).kind, 'insufficient-data');
  });

  it('invalid input is a value with a reason, not a throw', () => {
    const bad = (r: { kind: string }, label: string) => assert.equal(r.kind, 'invalid-input', label);
    bad(checkInteraction(table(rate(50, 500), rate(501, 500), rate(65, 500), rate(90, 500))), 'successes > n');
    bad(checkInteraction(table(rate(50, 500), rate(7.5, 500), rate(65, 500), rate(90, 500))), 'fractional successes');
    bad(checkInteraction(table(rate(50, 500), rate(75, 500.5), rate(65, 500), rate(90, 500))), 'fractional n');
    bad(checkInteraction(table(mean(50, 3, 1), mean(50, 3, -1), mean(50, 3, 1), mean(50, 3, 1))), 'negative variance');
    bad(checkInteraction(table(mean(50, Number.NaN, 1), mean(50, 3, 1), mean(50, 3, 1), mean(50, 3, 1))), 'NaN mean');
    const mixed = table<RateCell | MeanCell>(rate(50, 500), mean(500, 0.1, 0.09), rate(65, 500), rate(90, 500));
    const r = checkInteraction(mixed as InteractionCells<RateCell>);
    bad(r, 'mixed kinds');
    assert.match(r.kind === 'invalid-input' ? r.reason : '', /all four cells must be rates or all means/);
    bad(checkInteraction(cells, { alpha: 0 }), 'alpha 0');
    bad(checkInteraction(cells, { comparisons: 0 }), 'comparisons 0');
    bad(checkInteraction(cells, { comparisons: 2.5 }), 'comparisons 2.5');
    bad(checkInteraction(cells, { minPerCell: 1 }), 'minPerCell 1');
    bad(checkInteraction(cells, { confidence: 1 }), 'confidence 1');
    bad(checkInteraction({} as InteractionCells<RateCell>), 'no cells');
  });
});
