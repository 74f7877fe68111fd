import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bayesMeans, bayesProportions, logBeta, regularizedIncompleteBeta, type BayesianView,
} from '../../../src/stats/bayes.ts';
import { normalCdf } from '../../../src/stats/distributions.ts';
import type { ProportionGroup } from '../../../src/stats/proportions.ts';
import ref from './intervals-bayes-reference.json' with { type: 'json' };
import { assertClose, expectOk } from './helpers.ts';

const label = (c: ProportionGroup, t: ProportionGroup): string => `${c.successes}/${c.n} vs ${t.successes}/${t.n}`;

function allFinite(o: unknown): boolean {
  if (typeof o === 'number') return Number.isFinite(o);
  if (o && typeof o === 'object') return Object.values(o).every(allFinite);
  return true;
}

/** Posterior mean (x + 1)/(n + 2) under the uniform prior. */
const postMean = (g: ProportionGroup): number => (g.successes + 1) / (g.n + 2);

const group = fc.integer({ min: 0, max: 5000 }).chain((n) =>
  fc.record({ successes: fc.integer({ min: 0, max: n }), n: fc.constant(n) }));

describe('special functions', () => {
  it(`regularizedIncompleteBeta and logBeta match scipy.special.betainc / mpmath ln B (${ref.generator})`, () => {
    for (const c of ref.incompleteBeta.cases) {
      const at = `I_${c.x}(${c.a}, ${c.b})`;
      assertClose(regularizedIncompleteBeta(c.x, c.a, c.b), c.betainc, 1e-12, at, 1e-300);
      assertClose(logBeta(c.a, c.b), c.betaln, 1e-13, `lnB(${c.a}, ${c.b})`, 1e-14);
    }
    assert.equal(regularizedIncompleteBeta(0, 3, 4), 0);
    assert.equal(regularizedIncompleteBeta(1, 3, 4), 1);
  });
});

describe('bayesProportions (Beta posteriors, uniform prior)', () => {
  it('chance to beat control equals Evan Miller\'s closed-form sum; losses and interval equal scipy quad (abs 1e-9)', () => {
    // Reference: Evan Miller, "Formulas for Bayesian A/B testing" (2015), P(p_T > p_C) as a finite sum of
    // Beta functions (scipy.special.betaln); losses by scipy.integrate.quad and by Stucchio's identity;
    // interval by quad + brentq on P(T − C ≤ d). See scripts/reference/intervals_bayes_reference.py.
    for (const c of ref.bayesProportions.cases) {
      const r = expectOk(bayesProportions(c.control, c.treatment));
      const at = label(c.control, c.treatment);
      // At n = 10⁷ the closed form sums 5·10⁶ terms, each carrying scipy.special.betaln's ~1e-11 relative
      // error at these arguments: it drifts ~5e-8 from quad (which the TS result matches to 1e-13).
      const closed = c.control.n >= 10_000_000 ? 1e-6 : 1e-9;
      assert.equal(r.method, 'beta-binomial');
      assertClose(r.chanceToBeatControl, c.chanceToBeatControl, 0, `${at} chance (closed form)`, closed);
      assertClose(r.chanceToBeatControl, c.chanceQuad, 0, `${at} chance (quad)`, 1e-9);
      assertClose(r.expectedLossTreatment, c.expectedLossTreatment, 1e-8, `${at} loss of shipping`, 1e-12);
      assertClose(r.expectedLossControl, c.expectedLossControl, 1e-8, `${at} loss of keeping`, 1e-12);
      assertClose(r.expectedLossTreatment, c.expectedLossTreatmentClosed, 0, `${at} loss of shipping (closed)`, closed);
      assertClose(r.expectedLossControl, c.expectedLossControlClosed, 0, `${at} loss of keeping (closed)`, closed);
      assertClose(r.credibleInterval.lower, c.credibleInterval[0] ?? NaN, 0, `${at} interval lower`, 1e-9);
      assertClose(r.credibleInterval.upper, c.credibleInterval[1] ?? NaN, 0, `${at} interval upper`, 1e-9);
    }
  });

  it('agrees with a seeded 2,000,000-draw Monte Carlo within 5 standard errors', () => {
    for (const c of ref.bayesProportions.cases) {
      const r = expectOk(bayesProportions(c.control, c.treatment));
      const mc = c.monteCarlo;
      const at = `${label(c.control, c.treatment)} (MC)`;
      assertClose(r.chanceToBeatControl, mc.chanceToBeatControl, 0, `${at} chance`, 5 * mc.seChance + 1e-6);
      assertClose(r.expectedLossTreatment, mc.expectedLossTreatment, 0, `${at} loss T`, 5 * mc.seLossTreatment + 1e-9);
      assertClose(r.expectedLossControl, mc.expectedLossControl, 0, `${at} loss C`, 5 * mc.seLossControl + 1e-9);
      assertClose(r.credibleInterval.lower, mc.credibleInterval[0] ?? NaN, 0, `${at} lower`, 5 * (mc.seCredibleInterval[0] ?? NaN));
      assertClose(r.credibleInterval.upper, mc.credibleInterval[1] ?? NaN, 0, `${at} upper`, 5 * (mc.seCredibleInterval[1] ?? NaN));
    }
  });

  it('seed example 30/100 vs 45/100: chance ≈ 98.5 %, shipping costs ≈ 0.00035, keeping control ≈ 0.147', () => {
    const r = expectOk(bayesProportions({ successes: 30, n: 100 }, { successes: 45, n: 100 }));
    assertClose(r.chanceToBeatControl, 0.98548, 0, 'chance', 1e-5);
    assertClose(r.expectedLossTreatment, 0.000348, 0, 'loss T', 1e-6);
    assertClose(r.expectedLossControl, 0.1474, 0, 'loss C', 1e-4);
    assert.ok(r.credibleInterval.lower > 0 && r.credibleInterval.upper < 0.3);
  });

  it('edge counts stay finite and sane: 0/0, 0/n, n/n, and 300000/1000000', () => {
    const prior = expectOk(bayesProportions({ successes: 0, n: 0 }, { successes: 0, n: 0 }));
    // Both posteriors uniform: T − C is triangular on [−1, 1], E[max(U1 − U2, 0)] = 1/6.
    assertClose(prior.chanceToBeatControl, 0.5, 0, '0/0 chance', 1e-12);
    assertClose(prior.expectedLossTreatment, 1 / 6, 0, '0/0 loss', 1e-12);
    assertClose(prior.credibleInterval.upper, 1 - Math.sqrt(0.05), 0, '0/0 upper', 1e-10);
    assertClose(prior.credibleInterval.lower, -(1 - Math.sqrt(0.05)), 0, '0/0 lower', 1e-10);

    const sure = expectOk(bayesProportions({ successes: 0, n: 20 }, { successes: 20, n: 20 }));
    assert.ok(sure.chanceToBeatControl > 0.999999 && sure.chanceToBeatControl <= 1);
    assert.ok(sure.expectedLossTreatment >= 0 && sure.expectedLossTreatment < 1e-12);
    assertClose(sure.expectedLossControl, 21 / 22 - 1 / 22, 1e-12, 'n/n loss of keeping = E[T − C]');

    const big = expectOk(bayesProportions({ successes: 300_000, n: 1_000_000 }, { successes: 301_000, n: 1_000_000 }));
    // At n = 10⁶ the posteriors are normal to many digits: chance ≈ Φ(d / se).
    const se = Math.sqrt(2 * 0.3005 * 0.6995 / 1_000_000);
    assertClose(big.chanceToBeatControl, normalCdf(0.001 / se), 0, 'large n chance vs normal', 2e-3);
    for (const r of [prior, sure, big]) assert.ok(allFinite(r));
  });

  it('lowerIsBetter flips the chance and swaps the losses, but not the interval', () => {
    for (const [c, t] of [[{ successes: 30, n: 100 }, { successes: 45, n: 100 }], [{ successes: 5, n: 50 }, { successes: 1, n: 50 }]] as const) {
      const hi = expectOk(bayesProportions(c, t));
      const lo = expectOk(bayesProportions(c, t, { lowerIsBetter: true }));
      assertClose(lo.chanceToBeatControl, 1 - hi.chanceToBeatControl, 0, 'flipped chance', 1e-12);
      assert.equal(lo.expectedLossTreatment, hi.expectedLossControl);
      assert.equal(lo.expectedLossControl, hi.expectedLossTreatment);
      assert.deepEqual(lo.credibleInterval, hi.credibleInterval);
    }
  });

  it('invalid input is a value, not NaN', () => {
    const ok = { successes: 1, n: 10 };
    assert.equal(bayesProportions({ successes: -1, n: 10 }, ok).kind, 'invalid-input');
    assert.equal(bayesProportions(ok, { successes: 11, n: 10 }).kind, 'invalid-input');
    assert.equal(bayesProportions(ok, { successes: 1.5, n: 10 }).kind, 'invalid-input');
    assert.equal(bayesProportions(ok, { successes: Number.NaN, n: 10 }).kind, 'invalid-input');
  });

  it('property: finite; E[loss of keeping] − E[loss of shipping] = E[T − C]; swapping groups mirrors; chance > 97.5 % ⇔ lower > 0', () => {
    fc.assert(fc.property(group, group, (c, t) => {
      const r = expectOk(bayesProportions(c, t));
      const s = expectOk(bayesProportions(t, c));
      const at = label(c, t);
      assert.ok(allFinite(r), at);
      assert.ok(r.chanceToBeatControl >= 0 && r.chanceToBeatControl <= 1);
      assert.ok(r.expectedLossTreatment >= 0 && r.expectedLossControl >= 0);
      assert.ok(-1 <= r.credibleInterval.lower && r.credibleInterval.lower < r.credibleInterval.upper && r.credibleInterval.upper <= 1);
      assertClose(r.expectedLossControl - r.expectedLossTreatment, postMean(t) - postMean(c), 0, `${at} loss identity`, 1e-11);
      assertClose(s.chanceToBeatControl, 1 - r.chanceToBeatControl, 0, `${at} swapped chance`, 1e-11);
      assertClose(s.expectedLossTreatment, r.expectedLossControl, 1e-9, `${at} swapped loss`, 1e-13);
      assertClose(s.credibleInterval.lower, -r.credibleInterval.upper, 0, `${at} swapped interval`, 1e-9);
      if (Math.abs(r.chanceToBeatControl - 0.975) > 1e-8) {
        assert.equal(r.chanceToBeatControl > 0.975, r.credibleInterval.lower > 0, `${at}: chance and interval disagree`);
      }
    }), { numRuns: 60 });
  });
});

describe('bayesMeans (normal approximation, flat prior)', () => {
  it('matches scipy.stats.norm closed forms: P = Φ(d/se), E[max(−D, 0)] = se·φ(d/se) − d·Φ(−d/se)', () => {
    for (const c of ref.bayesMeans.cases) {
      const r: BayesianView = expectOk(bayesMeans(c.controlMean, c.controlSe, c.treatmentMean, c.treatmentSe,
        { lowerIsBetter: c.lowerIsBetter }));
      const at = `${c.controlMean}±${c.controlSe} vs ${c.treatmentMean}±${c.treatmentSe}`;
      assert.equal(r.method, 'normal');
      assertClose(r.chanceToBeatControl, c.chanceToBeatControl, 1e-12, `${at} chance`, 1e-15);
      assertClose(r.expectedLossTreatment, c.expectedLossTreatment, 1e-11, `${at} loss T`, 1e-14);
      assertClose(r.expectedLossControl, c.expectedLossControl, 1e-11, `${at} loss C`, 1e-14);
      assertClose(r.credibleInterval.lower, c.credibleInterval[0] ?? NaN, 1e-12, `${at} lower`, 1e-13);
      assertClose(r.credibleInterval.upper, c.credibleInterval[1] ?? NaN, 1e-12, `${at} upper`, 1e-13);
    }
  });

  it('duration example: 48 h vs 44 h (se 2 and 2.5), lower is better → chance ≈ 89.4 %', () => {
    const r = expectOk(bayesMeans(48, 2, 44, 2.5, { lowerIsBetter: true }));
    assertClose(r.chanceToBeatControl, normalCdf(4 / Math.hypot(2, 2.5)), 1e-12, 'chance');
    assert.ok(r.expectedLossTreatment < r.expectedLossControl);
    assertClose(r.expectedLossControl - r.expectedLossTreatment, 4, 1e-12, 'E[C − T] = 4 h');
  });

  it('agrees with the beta-binomial at large n (normal posteriors)', () => {
    const c = { successes: 1200, n: 4000 };
    const t = { successes: 1290, n: 4000 };
    const exact = expectOk(bayesProportions(c, t));
    const sd = (g: ProportionGroup): number => Math.sqrt((postMean(g) * (1 - postMean(g))) / (g.n + 3));
    const approx = expectOk(bayesMeans(postMean(c), sd(c), postMean(t), sd(t)));
    assertClose(approx.chanceToBeatControl, exact.chanceToBeatControl, 0, 'chance', 1e-3);
    assertClose(approx.credibleInterval.lower, exact.credibleInterval.lower, 0, 'lower', 2e-4);
  });

  it('invalid and degenerate input are values; extreme z stays finite', () => {
    assert.equal(bayesMeans(Number.NaN, 1, 2, 1).kind, 'invalid-input');
    assert.equal(bayesMeans(1, -1, 2, 1).kind, 'invalid-input');
    assert.equal(bayesMeans(1, 1, Number.POSITIVE_INFINITY, 1).kind, 'invalid-input');
    assert.equal(bayesMeans(1, 0, 2, 0).kind, 'insufficient-data');
    const far = expectOk(bayesMeans(0, 1e-3, 1000, 1e-3));
    assert.ok(allFinite(far));
    assert.equal(far.chanceToBeatControl, 1);
    assert.equal(far.expectedLossTreatment, 0);
    assertClose(far.expectedLossControl, 1000, 1e-12, 'loss of keeping');
  });
});
