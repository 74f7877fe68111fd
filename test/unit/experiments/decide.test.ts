/**
 * The decision policies, path by path, on hand-made sufficient statistics. Reference p-values from SciPy
 * 1.17: chi2_contingency(correction=False) for rates, ttest_ind_from_stats(equal_var=False) for means.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareGroups } from '../../../src/experiments/compare.ts';
import { decide, decideSeed, decideSequential, type DecisionInput, type SrmCheck } from '../../../src/experiments/decide.ts';
import { resolveDecisionConfig, DecisionConfigError } from '../../../src/experiments/decision-config.ts';
import { meanStats, proportionStats, type GroupStats } from '../../../src/experiments/outcomes.ts';
import type { TrackedMetric } from '../../../src/metrics.ts';

const CONFIG = resolveDecisionConfig();
const NO_SRM: SrmCheck = { kind: 'checked', pValue: 0.9, chiSquare: 0.01, mismatch: false };

function input(metric: TrackedMetric, c: GroupStats, t: GroupStats, over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    comparison: compareGroups(metric, c, t), controlN: c.n, treatmentN: t.n, minSampleSize: 100, plannedSampleSize: 100,
    elapsedDays: 28, maxDurationDays: 182, confidenceLevel: 0.95, srm: NO_SRM, ...over,
  };
}
const rates = (xc: number, nc: number, xt: number, nt: number, over: Partial<DecisionInput> = {}) =>
  input('conversion_rate', proportionStats(xc, nc), proportionStats(xt, nt), over);

describe('seed policy', () => {
  it("Test #4 (30 % → 45 % at 100 per group) is a KEEP with lift 50 % and SciPy's p = 0.02846", () => {
    const inp = rates(30, 100, 45, 100);
    const out = decideSeed(inp, CONFIG);
    assert.equal(out.decision.kind, 'KEEP');
    assert.ok(Math.abs(inp.comparison.liftPct! - 50) < 1e-9);
    assert.ok(Math.abs(out.pValue! - 0.028459736916310638) < 1e-12);
    assert.match(out.decision.reason, /lift \+50\.0% > 10% and p = 0\.0285 < 0\.05/);
  });

  it('no decision before min_sample_size in either group', () => {
    const out = decideSeed(rates(30, 100, 45, 99), CONFIG);
    assert.equal(out.decision.kind, 'not-enough-data');
    assert.match(out.decision.reason, /needs 100 per group/);
  });

  it('KILL when the lift is below 5 % or p above 0.10; CONTINUE in between', () => {
    assert.equal(decideSeed(rates(30, 100, 31, 100), CONFIG).decision.kind, 'KILL'); // lift 3.3 %
    const highP = decideSeed(rates(30, 100, 36, 100), CONFIG); // lift 20 %, p = 0.366
    assert.equal(highP.decision.kind, 'KILL');
    assert.match(highP.decision.reason, /p = .* > 0\.1/);
    const mid = decideSeed(rates(90, 300, 110, 300), CONFIG); // lift 22 %, SciPy p = 0.0833
    assert.equal(mid.decision.kind, 'CONTINUE');
  });

  it('a CONTINUE (or still too little data) past the max duration is killed as inconclusive', () => {
    const out = decideSeed(rates(90, 300, 110, 300, { elapsedDays: 183 }), CONFIG);
    assert.deepEqual(out.decision.kind === 'KILL' && out.decision.killReason, 'inconclusive');
    assert.match(out.decision.reason, /inconclusive after 183 days \(max 182\)/);
    const starving = decideSeed(rates(5, 20, 6, 20, { elapsedDays: 200 }), CONFIG);
    assert.equal(starving.decision.kind, 'KILL');
    assert.equal(decideSeed(rates(90, 300, 110, 300, { elapsedDays: 182 }), CONFIG).decision.kind, 'CONTINUE');
  });

  it('a sample-ratio mismatch blocks even a clear winner', () => {
    const out = decideSeed(rates(30, 100, 45, 100, { srm: { kind: 'checked', pValue: 1e-5, chiSquare: 19.2, mismatch: true } }), CONFIG);
    assert.deepEqual(out.decision, { kind: 'blocked-srm', pValue: 1e-5, reason: out.decision.reason });
    assert.equal(out.pValue, null);
  });

  it('a zero control rate decides on the absolute difference, never with an infinite lift', () => {
    const win = rates(0, 100, 10, 100); // SciPy p = 0.001177
    assert.equal(win.comparison.liftPct, null);
    assert.equal(decideSeed(win, CONFIG).decision.kind, 'KEEP');
    const none = decideSeed(rates(0, 100, 0, 100), CONFIG);
    assert.equal(none.decision.kind, 'KILL');
    assert.equal(none.pValue, 1);
  });

  it('durations: shorter treatment times are a positive lift (KEEP), longer ones a negative lift (KILL)', () => {
    const faster = input('avg_response_time_hours', meanStats(100, 4, 2), meanStats(100, 3, 2));
    assert.ok(Math.abs(faster.comparison.liftPct! - 25) < 1e-9);
    assert.equal(decideSeed(faster, CONFIG).decision.kind, 'KEEP');
    const slower = input('avg_days_to_qualify', meanStats(100, 3, 2), meanStats(100, 4, 2));
    assert.ok(Math.abs(slower.comparison.liftPct! + 100 / 3) < 1e-9);
    assert.equal(decideSeed(slower, CONFIG).decision.kind, 'KILL');
  });

  it('thresholds are configurable, and confidence_level sets the KEEP p threshold', () => {
    const strict = resolveDecisionConfig({ seed: { keepMinLiftPct: 60 } });
    assert.equal(decideSeed(rates(30, 100, 45, 100), strict).decision.kind, 'CONTINUE');
    assert.equal(decideSeed(rates(30, 100, 45, 100, { confidenceLevel: 0.99 }), CONFIG).decision.kind, 'CONTINUE');
    assert.throws(() => resolveDecisionConfig({ seed: { killBelowLiftPct: 20 } }), DecisionConfigError);
  });
});

describe('sequential policy', () => {
  it('keeps a large effect early, with an always-valid p above the fixed-horizon one', () => {
    const inp = rates(60, 200, 100, 200, { plannedSampleSize: 800 });
    const out = decideSequential(inp, CONFIG);
    assert.equal(out.decision.kind, 'KEEP');
    assert.ok(out.sequential && out.pValue! > inp.comparison.pValue!);
    assert.equal(out.sequential.plannedTotalN, 1600);
    assert.ok(out.sequential.improvementCi.lower > 0);
  });

  it("continues on Test #4's numbers when the plan was for 800 per group, where the seed rule would KEEP", () => {
    const out = decideSequential(rates(30, 100, 45, 100, { plannedSampleSize: 800 }), CONFIG);
    assert.equal(out.decision.kind, 'CONTINUE');
    assert.equal(decide('seed', rates(30, 100, 45, 100, { plannedSampleSize: 800 }), CONFIG).decision.kind, 'KEEP');
  });

  it('kills for futility when the sequence rules out a 10 % lift, and at the planned size without a KEEP', () => {
    const futile = decideSequential(rates(1500, 5000, 1490, 5000, { plannedSampleSize: 10_000 }), CONFIG);
    assert.equal(futile.decision.kind, 'KILL');
    assert.match(futile.decision.reason, /futile/);
    const planned = decideSequential(rates(90, 300, 105, 300, { plannedSampleSize: 300 }), CONFIG);
    assert.equal(planned.decision.kind, 'KILL');
    assert.match(planned.decision.reason, /planned 300 per group reached/);
  });

  it('needs a minimum per group for a first look; SRM blocks it too', () => {
    assert.equal(decideSequential(rates(3, 20, 15, 20), CONFIG).decision.kind, 'not-enough-data');
    const srm = decideSequential(rates(60, 200, 100, 200, { srm: { kind: 'checked', pValue: 1e-4, chiSquare: 15, mismatch: true } }), CONFIG);
    assert.equal(srm.decision.kind, 'blocked-srm');
  });

  it('decides durations in the lower-is-better direction', () => {
    const inp = input('avg_response_time_hours', meanStats(300, 8, 64), meanStats(300, 5, 25), { plannedSampleSize: 300 });
    const out = decideSequential(inp, CONFIG);
    assert.equal(out.decision.kind, 'KEEP');
    assert.ok(out.sequential!.improvementCi.lower > 0); // improvement = control − treatment
  });
});
