/**
 * Post-stratification by lead source (src/experiments/post-stratify.ts):
 * 1. reference values from an independent NumPy computation (interacted OLS + HC0 sandwich on unit-level
 *    rows, scripts/reference/post_stratify_reference.py), agreement to 1e-12;
 * 2. seeded Monte Carlo: unbiasedness, the variance reduction against the large-sample figure
 *    Σ π_s p_s(1 − p_s) / p̄(1 − p̄) (summed over both groups), the reported standard error against the
 *    empirical spread, and the null tail rate of z = difference/se;
 * 3. edge cases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proportionStats, type GroupPair } from '../../../src/experiments/outcomes.ts';
import { postStratifiedDifference, type PostStratifiedEstimate } from '../../../src/experiments/post-stratify.ts';
import { mulberry32 } from '../../support/rng.ts';
import ref from './post-stratify-reference.json' with { type: 'json' };

type Counts = { successes: number; n: number };

function pairsOf(sources: readonly { name: string; control: Counts; treatment: Counts }[]): Map<string, GroupPair> {
  return new Map(sources.map((s) => [s.name, {
    control: proportionStats(s.control.successes, s.control.n),
    treatment: proportionStats(s.treatment.successes, s.treatment.n),
  }]));
}

const table = (rows: readonly [string, number, number, number, number][]) =>
  pairsOf(rows.map(([name, xc, nc, xt, nt]) => ({ name, control: { successes: xc, n: nc }, treatment: { successes: xt, n: nt } })));

function ok(r: ReturnType<typeof postStratifiedDifference>): PostStratifiedEstimate {
  if (r.kind !== 'ok') assert.fail(`expected ok, got ${r.kind}: ${r.reason}`);
  return r;
}

function close(actual: number, expected: number, label: string, rel = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), 1e-3), `${label}: got ${actual}, expected ${expected}`);
}

describe(`post-stratified difference vs ${ref.generator}`, () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const r = postStratifiedDifference(pairsOf(c.sources), { minPerCell: c.minPerCell });
      const e = c.expected;
      if (e.kind !== 'ok') {
        assert.equal(r.kind, e.kind);
        return;
      }
      const got = ok(r);
      close(got.difference, e.difference!, 'difference');
      close(got.standardError, e.standardError!, 'standardError');
      close(got.unadjusted.difference, e.unadjusted!.difference, 'unadjusted.difference');
      close(got.unadjusted.standardError, e.unadjusted!.standardError, 'unadjusted.standardError');
      close(got.varianceRatio, e.varianceRatio!, 'varianceRatio');
      assert.deepEqual(got.strata.map((s) => [s.name, s.controlN, s.treatmentN, s.sources]),
        e.strata!.map((s) => [s.name, s.controlN, s.treatmentN, s.sources]));
      got.strata.forEach((s, i) => close(s.weight, e.strata![i]!.weight, `weight ${s.name}`));
    });
  }
});

interface Scenario {
  readonly rates: readonly number[];
  readonly mix: readonly number[];
  readonly relativeLift: number;
  readonly perGroup: number;
}

/** One simulated test: each lead draws its source from the mix, then converts at its source's rate. */
function simulate(rand: () => number, sc: Scenario): Map<string, GroupPair> {
  const counts = sc.rates.map(() => ({ c: { successes: 0, n: 0 }, t: { successes: 0, n: 0 } }));
  for (const arm of ['c', 't'] as const) {
    const factor = arm === 't' ? 1 + sc.relativeLift : 1;
    for (let i = 0; i < sc.perGroup; i++) {
      const u = rand();
      let s = 0;
      for (let acc = sc.mix[0]!; u >= acc && s < sc.mix.length - 1; acc += sc.mix[++s]!);
      const cell = counts[s]![arm];
      cell.n++;
      if (rand() < sc.rates[s]! * factor) cell.successes++;
    }
  }
  return new Map(counts.map((k, s) => [`source-${s}`, { control: proportionStats(k.c.successes, k.c.n), treatment: proportionStats(k.t.successes, k.t.n) }]));
}

interface Run {
  readonly truth: number;
  readonly meanPs: number;
  readonly mcSePs: number;
  readonly varPs: number;
  readonly varUn: number;
  readonly rmsSePs: number;
  readonly rmsSeUn: number;
  readonly upperTail: number;
  readonly lowerTail: number;
  readonly sims: number;
  /** Mean of the per-experiment reported varianceRatio. */
  readonly meanReportedRatio: number;
  /** Large-sample variance ratio Σ_g Σ_s π_s p_gs(1 − p_gs) / Σ_g p̄_g(1 − p̄_g). */
  readonly asymptoticRatio: number;
}

function run(seed: number, sims: number, sc: Scenario): Run {
  const rand = mulberry32(seed);
  const ps: number[] = [];
  const un: number[] = [];
  let sePs2 = 0;
  let seUn2 = 0;
  let upper = 0;
  let lower = 0;
  let reportedRatio = 0;
  const pc = sc.rates.reduce((a, p, s) => a + sc.mix[s]! * p, 0);
  const truth = pc * sc.relativeLift;
  for (let k = 0; k < sims; k++) {
    const r = ok(postStratifiedDifference(simulate(rand, sc)));
    ps.push(r.difference);
    un.push(r.unadjusted.difference);
    sePs2 += r.standardError ** 2;
    reportedRatio += r.varianceRatio;
    seUn2 += r.unadjusted.standardError ** 2;
    const z = (r.difference - truth) / r.standardError;
    if (z > 1.959963984540054) upper++;
    if (z < -1.959963984540054) lower++;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: number[]) => { const m = mean(xs); return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1); };
  const within = (f: number) => sc.rates.reduce((a, p, s) => a + sc.mix[s]! * p * f * (1 - p * f), 0);
  const pt = pc * (1 + sc.relativeLift);
  return {
    truth, meanPs: mean(ps), mcSePs: Math.sqrt(variance(ps) / sims), varPs: variance(ps), varUn: variance(un),
    rmsSePs: Math.sqrt(sePs2 / sims), rmsSeUn: Math.sqrt(seUn2 / sims),
    upperTail: upper / sims, lowerTail: lower / sims, sims, meanReportedRatio: reportedRatio / sims,
    asymptoticRatio: (within(1) + within(1 + sc.relativeLift)) / (pc * (1 - pc) + pt * (1 - pt)),
  };
}

/** |observed − p| within 3.5 binomial standard errors. */
function assertTailRate(observed: number, p: number, sims: number, label: string): void {
  const tol = 3.5 * Math.sqrt((p * (1 - p)) / sims);
  assert.ok(Math.abs(observed - p) <= tol, `${label}: ${observed} vs ${p} ± ${tol.toFixed(4)}`);
}

describe('post-stratification Monte Carlo (seeded, 300 leads per group)', () => {
  const MIX = [0.4, 0.4, 0.2];
  const SIMS = 4000;
  const lift = run(20240601, SIMS, { rates: [0.1, 0.3, 0.45], mix: MIX, relativeLift: 0.2, perGroup: 300 });
  const ratio = lift.varPs / lift.varUn;

  it('10/30/45 % mixed 40/40/20, +20 % lift in every source: unbiased', () => {
    assert.ok(Math.abs(lift.meanPs - lift.truth) <= 3 * lift.mcSePs,
      `mean ${lift.meanPs} vs truth ${lift.truth} (3 MC se = ${3 * lift.mcSePs})`);
  });

  it(`empirical variance ratio near the research figure (~11 % fewer leads; asymptotic ${lift.asymptoticRatio.toFixed(4)})`, (t) => {
    t.diagnostic(`Var(PS)/Var(unadjusted) = ${ratio.toFixed(4)}, mean reported ratio ${lift.meanReportedRatio.toFixed(4)}`);
    assert.ok(ratio > 0.80 && ratio < 0.95, `Var(PS)/Var(unadjusted) = ${ratio}`);
    assert.ok(Math.abs(ratio - lift.asymptoticRatio) < 0.03, `${ratio} vs asymptotic ${lift.asymptoticRatio}`);
  });

  it('reported standard errors match the empirical spread within 10 %', () => {
    const sd = Math.sqrt(lift.varPs);
    assert.ok(Math.abs(lift.rmsSePs / sd - 1) < 0.10, `PS: rms se ${lift.rmsSePs} vs sd ${sd}`);
    assert.ok(Math.abs(lift.rmsSeUn / Math.sqrt(lift.varUn) - 1) < 0.10, `unadjusted: rms se ${lift.rmsSeUn} vs sd ${Math.sqrt(lift.varUn)}`);
  });

  it('under no effect, z = difference/se exceeds ±1.96 about 2.5 % of the time in each tail', (t) => {
    const nul = run(777, SIMS, { rates: [0.1, 0.3, 0.45], mix: MIX, relativeLift: 0, perGroup: 300 });
    t.diagnostic(`upper ${nul.upperTail}, lower ${nul.lowerTail} over ${SIMS}`);
    assertTailRate(nul.upperTail, 0.025, SIMS, 'upper tail');
    assertTailRate(nul.lowerTail, 0.025, SIMS, 'lower tail');
  });

  it('5/30/60 % gives a larger reduction (research figure: ~25 % fewer leads)', (t) => {
    const wide = run(4242, SIMS, { rates: [0.05, 0.3, 0.6], mix: MIX, relativeLift: 0.2, perGroup: 300 });
    const r = wide.varPs / wide.varUn;
    t.diagnostic(`Var(PS)/Var(unadjusted) = ${r.toFixed(4)} (asymptotic ${wide.asymptoticRatio.toFixed(4)}), mean reported ratio ${wide.meanReportedRatio.toFixed(4)}`);
    assert.ok(r < ratio, `${r} should be below ${ratio}`);
    assert.ok(r > 0.68 && r < 0.82, `Var(PS)/Var(unadjusted) = ${r} (asymptotic ${wide.asymptoticRatio})`);
    assert.ok(Math.abs(r - wide.asymptoticRatio) < 0.03, `${r} vs asymptotic ${wide.asymptoticRatio}`);
    assert.ok(Math.abs(wide.meanPs - wide.truth) <= 3 * wide.mcSePs, `mean ${wide.meanPs} vs truth ${wide.truth}`);
    assert.ok(Math.abs(wide.rmsSePs / Math.sqrt(wide.varPs) - 1) < 0.10, 'se vs empirical sd');
  });
});

describe('post-stratification edge cases', () => {
  it('one source only → not-applicable', () => {
    const r = postStratifiedDifference(table([['web', 30, 100, 40, 100]]));
    assert.equal(r.kind, 'not-applicable');
  });

  it('an empty map → not-applicable', () => {
    assert.equal(postStratifiedDifference(new Map()).kind, 'not-applicable');
  });

  it('a group with no units at all → not-applicable', () => {
    assert.equal(postStratifiedDifference(table([['web', 3, 50, 0, 0], ['ads', 5, 40, 0, 0]])).kind, 'not-applicable');
  });

  it('a source with 3 leads joins (other); the totals still include it', () => {
    const r = ok(postStratifiedDifference(table([
      ['web', 30, 300, 41, 310], ['linkedin', 90, 300, 108, 290], ['partner', 2, 3, 1, 4], ['cold', 5, 8, 4, 12],
    ])));
    assert.deepEqual(r.strata.map((s) => s.name), ['linkedin', 'web', '(other)']);
    const other = r.strata[2]!;
    assert.deepEqual(other.sources, ['cold', 'partner']);
    assert.equal(other.controlN, 11);
    assert.equal(other.treatmentN, 16);
    close(r.strata.reduce((a, s) => a + s.weight, 0), 1, 'weights sum to 1', 1e-15);
    close(r.unadjusted.difference, (41 + 108 + 1 + 4) / 616 - (30 + 90 + 2 + 5) / 611, 'unadjusted uses every lead');
  });

  it('a 3-lead source with no other small source joins the largest stratum', () => {
    const r = ok(postStratifiedDifference(table([['web', 50, 400, 70, 420], ['referral', 40, 120, 50, 118], ['partner', 1, 3, 2, 5]])));
    assert.deepEqual(r.strata.map((s) => [s.name, s.controlN, s.treatmentN]), [['referral', 120, 118], ['web + (other)', 403, 425]]);
  });

  it('two sources, one of them tiny → not-applicable (only one stratum left)', () => {
    assert.equal(postStratifiedDifference(table([['web', 30, 100, 40, 100], ['partner', 1, 3, 1, 2]])).kind, 'not-applicable');
  });

  it('all zero successes: difference 0, se 0, variance ratio 1, nothing NaN', () => {
    const r = ok(postStratifiedDifference(table([['web', 0, 100, 0, 90], ['ads', 0, 50, 0, 60]])));
    assert.equal(r.difference, 0);
    assert.equal(r.standardError, 0);
    assert.equal(r.unadjusted.standardError, 0);
    assert.equal(r.varianceRatio, 1);
  });

  it('strata all-0 and all-1 in both groups: zero within variance, ratio 0, finite', () => {
    const r = ok(postStratifiedDifference(table([['web', 0, 100, 0, 90], ['ads', 50, 50, 60, 60]])));
    assert.equal(r.standardError, 0);
    assert.ok(r.unadjusted.standardError > 0);
    assert.equal(r.varianceRatio, 0);
    assert.ok(Math.abs(r.difference) < 1e-15);
  });

  it('minPerCell raises the bar; invalid inputs are values, not throws', () => {
    const pairs = table([['web', 10, 15, 12, 15], ['ads', 20, 60, 25, 60], ['event', 8, 14, 7, 16]]);
    assert.equal(ok(postStratifiedDifference(pairs)).strata.length, 3);
    // event has 14 control leads < 15: alone in the remainder, still too small, so it joins ads (120 units).
    assert.deepEqual(ok(postStratifiedDifference(pairs, { minPerCell: 15 })).strata.map((s) => s.name), ['ads + (other)', 'web']);
    assert.equal(postStratifiedDifference(pairs, { minPerCell: 0 }).kind, 'invalid-input');
    assert.equal(postStratifiedDifference(pairs, { minPerCell: 2.5 }).kind, 'invalid-input');
    const bad = new Map<string, GroupPair>([['web', { control: { ...proportionStats(3, 10), sum: 11 }, treatment: proportionStats(2, 10) }]]);
    assert.equal(postStratifiedDifference(bad).kind, 'invalid-input');
  });
});
