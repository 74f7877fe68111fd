/**
 * The `planned` policy and its design, path by path, on hand-made sufficient statistics: each KILL reason,
 * an early look with a wide interval (CONTINUE, never KILL), a look repeated without new information, the
 * look-by-look boundaries against the all-at-once Lan–DeMets computation, and a design that cannot fit.
 * Error rates and power are measured by simulation in test/sim/decision-policies.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareGroups } from '../../../src/experiments/compare.ts';
import { decide, decidePlanned, type DecisionInput, type LookRecord } from '../../../src/experiments/decide.ts';
import { DEFAULT_DECISION_CONFIG, resolveDecisionConfig } from '../../../src/experiments/decision-config.ts';
import { designTest, informationFraction, minimumDetectableLiftPct, parseStoredDesign, type TestDesign } from '../../../src/experiments/design.ts';
import { nextEfficacyBoundary } from '../../../src/experiments/policies/planned.ts';
import { meanStats, proportionStats } from '../../../src/experiments/outcomes.ts';
import { planTest } from '../../../src/experiments/plan-test.ts';
import { alphaSpent, efficacyBoundaries } from '../../../src/stats/index.ts';

const CONFIG = resolveDecisionConfig();
const PLANNED = DEFAULT_DECISION_CONFIG.planned;

function designFor(dailyUnits: number | null, over: Partial<Parameters<typeof designTest>[0]> = {}): TestDesign {
  const r = designTest({ metric: 'conversion_rate', baseline: 0.3, dailyUnits, maxDurationDays: 182, config: PLANNED, ...over });
  assert.equal(r.kind, 'ok', r.kind === 'invalid' ? r.reason : '');
  return (r as { design: TestDesign }).design;
}

/** 30 % baseline, 50 leads per group per week: the research note's setting. */
const DESIGN = designFor(100 / 7);

function input(xc: number, nc: number, xt: number, nt: number, over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    comparison: compareGroups('conversion_rate', proportionStats(xc, nc), proportionStats(xt, nt)),
    controlN: nc, treatmentN: nt, minSampleSize: 100, plannedSampleSize: 100, elapsedDays: 28, maxDurationDays: 182,
    confidenceLevel: 0.95, srm: { kind: 'checked', pValue: 0.9, chiSquare: 0.01, mismatch: false },
    design: DESIGN, looks: [], ...over,
  };
}

describe('planned design', () => {
  it('sizes +20 % at 30 % within 2 % of the independent simulation\'s O\'Brien–Fleming maximum (1,050 per group) and fits in 26 weeks', () => {
    // research note (docs/design.md §4): NumPy Monte Carlo, 200k runs, weekly looks, 50/group/week: max 1,050 per group
    const n = DESIGN.maxPerGroup.control;
    assert.ok(Math.abs(n - 1050) / 1050 < 0.02, `max per group ${n}`);
    assert.equal(DESIGN.feasible, true);
    assert.ok(DESIGN.daysToMax !== null && DESIGN.daysToMax <= 182);
    assert.equal(DESIGN.plannedFractions.at(-1), 1);
    assert.equal(DESIGN.liftPct, 20);
  });

  it('a design that cannot fit says so; raised, it is designed for the minimum detectable lift and fits', () => {
    const slow = designFor(40 / 7);
    assert.equal(slow.feasible, false);
    assert.match(slow.note ?? '', /more than the 182-day maximum; the smallest lift detectable within it is \+\d+\.\d%/);
    assert.equal(slow.liftPct, 20);
    const raised = designFor(40 / 7, { raiseToFeasible: true });
    assert.equal(raised.feasible, true);
    assert.equal(raised.liftPct, slow.minDetectableLiftPct);
    assert.ok(raised.liftPct > 20);
    assert.ok(raised.daysToMax !== null && raised.daysToMax <= 182);
    // the minimum detectable lift is the smallest that fits: 0.5 points less does not
    const mdl = slow.minDetectableLiftPct!;
    const below = designFor(40 / 7, { liftPct: mdl - 0.5 });
    assert.equal(below.feasible, false);
  });

  it('no volume: feasibility unknown (null), not guessed', () => {
    const d = designFor(null);
    assert.equal(d.feasible, null);
    assert.equal(d.minDetectableLiftPct, null);
    assert.equal(minimumDetectableLiftPct({ metric: 'conversion_rate', baseline: 0.3, maxDurationDays: 182, config: PLANNED }), null);
  });

  it('plan --policy planned gives feasible and minDetectableLiftPct; the fixed rules do too', () => {
    const p = planTest({ baseline: 0.3, target: 0.36, dailyUnits: 40 / 7, policy: 'planned' });
    assert.equal(p.kind, 'ok');
    if (p.kind !== 'ok') return;
    assert.equal(p.feasible, false);
    assert.ok(p.minDetectableLiftPct !== null && p.minDetectableLiftPct > 20);
    const seed = planTest({ baseline: 0.3, target: 0.36, dailyUnits: 40 / 7, policy: 'seed' });
    assert.ok(seed.kind === 'ok' && seed.feasible === false && seed.minDetectableLiftPct !== null && seed.minDetectableLiftPct > 20);
    const fits = planTest({ baseline: 0.3, target: 0.36, dailyUnits: 40, policy: 'seed' });
    assert.ok(fits.kind === 'ok' && fits.feasible === true);
  });

  it('a stored design reads back; a broken one is refused with the path of the problem', () => {
    const back = parseStoredDesign(JSON.parse(JSON.stringify(DESIGN)));
    assert.equal(back.kind, 'ok');
    assert.deepEqual(back.kind === 'ok' && back.design, DESIGN);
    const broken = parseStoredDesign({ ...DESIGN, maxPerGroup: { control: 0, treatment: 5 } });
    assert.equal(broken.kind, 'invalid');
    assert.match(broken.kind === 'invalid' ? broken.reason : '', /maxPerGroup\.control/);
    assert.equal(parseStoredDesign('not json').kind, 'invalid');
  });
});

describe('planned decisions', () => {
  it('an early look whose interval still holds the design lift is CONTINUE, never KILL (even at a negative estimate)', () => {
    // 100 per group (≈ 10 % of the information): 30 % vs 27 %, the 95 % interval ≈ [−0.157, +0.097] holds +0.06
    const out = decidePlanned(input(30, 100, 27, 100), CONFIG);
    assert.equal(out.decision.kind, 'CONTINUE');
    assert.match(out.decision.reason, /still holds \+20\.0%/);
    assert.equal(out.look?.futilityZ, null);
    assert.equal(out.look?.lookNumber, 1);
  });

  it('KEEP when z crosses the efficacy boundary and the lift is above 10 %', () => {
    const out = decidePlanned(input(150, 500, 215, 500), CONFIG);
    assert.equal(out.decision.kind, 'KEEP');
    assert.ok(out.look && out.look.z >= out.look.efficacyZ);
    assert.match(out.decision.reason, /efficacy boundary crossed/);
  });

  it('KILL as harmful when treatment is significantly worse', () => {
    const out = decidePlanned(input(150, 500, 90, 500), CONFIG);
    assert.deepEqual(out.decision.kind === 'KILL' && out.decision.killReason, 'harmful');
    assert.equal(out.look?.killReason, 'harmful');
  });

  it('KILL as futile once the interval rules out the design lift (after a third of the information)', () => {
    // 700 per group (≈ 67 %), no effect: upper bound ≈ 0 + 1.96·0.0245 = 0.048 < 0.06
    const out = decidePlanned(input(210, 700, 210, 700), CONFIG);
    assert.deepEqual(out.decision.kind === 'KILL' && out.decision.killReason, 'futile');
    assert.match(out.decision.reason, /rules out the \+20\.0% the test is designed for/);
    // the same data at 300 per group (< 1/3 of the information) is still CONTINUE
    assert.equal(decidePlanned(input(90, 300, 90, 300), CONFIG).decision.kind, 'CONTINUE');
  });

  it('KILL as inconclusive only at the last look, when the interval still holds the design lift', () => {
    // the maximum per group in one look (it spends all of α: boundary 1.96): +3.5 points, z ≈ 1.71, upper bound ≈ 0.075 > 0.06
    const n = DESIGN.maxPerGroup.control;
    const xc = Math.round(0.3 * n);
    const out = decidePlanned(input(xc, n, xc + Math.round(0.035 * n), n, { elapsedDays: 140 }), CONFIG);
    assert.deepEqual(out.decision.kind === 'KILL' && out.decision.killReason, 'inconclusive');
    assert.equal(out.look?.spendingFraction, 1);
    // a look that is not the last with the same data continues
    const mid = Math.round(n * 0.6);
    const xm = Math.round(0.3 * mid);
    assert.equal(decidePlanned(input(xm, mid, xm + Math.round(0.035 * mid), mid), CONFIG).decision.kind, 'CONTINUE');
  });

  it('a significant lift at or below the KEEP line (10 %) is not a KEEP, and the reason says so', () => {
    // 5,000 per group (past the maximum: the last look): 30 % vs 32.9 %, z ≈ 3.1 but lift +9.7 %. Designed for
    // +20 % this is futile (the interval's upper end 0.047 < 0.06); designed for +12 % (0.036) it is inconclusive.
    assert.deepEqual(((d) => d.kind === 'KILL' && d.killReason)(decidePlanned(input(1500, 5000, 1645, 5000), CONFIG).decision), 'futile');
    const out = decidePlanned(input(1500, 5000, 1645, 5000, { design: designFor(100 / 7, { liftPct: 12 }) }), CONFIG);
    assert.deepEqual(out.decision.kind === 'KILL' && out.decision.killReason, 'inconclusive');
    assert.match(out.decision.reason, /crossed the boundary .* but the lift \+9\.7% is not above the KEEP line of 10%/);
  });

  it('the minimum detectable lift is never below 1.5× the KEEP line', () => {
    const d = designFor(400, { keepLinePct: 10 });
    assert.equal(d.minDetectableLiftPct, 15);
  });

  it('a volume too low for any schedule still gives an infeasible design with a note, not an error', () => {
    const d = designFor(0.5);
    assert.equal(d.feasible, false);
    assert.match(d.note ?? '', /more than the 182-day maximum/);
  });

  it('the last look that fits in max_duration_days spends what is left and decides', () => {
    const out = decidePlanned(input(60, 200, 66, 200, { elapsedDays: 176 }), CONFIG);
    assert.equal(out.look?.spendingFraction, 1);
    assert.equal(out.decision.kind, 'KILL');
  });

  it('a look without new information is the same look: same number and boundary, no α spent', () => {
    const first = decidePlanned(input(90, 300, 100, 300), CONFIG);
    assert.ok(first.look);
    const again = decidePlanned(input(90, 300, 101, 300, { looks: [first.look] }), CONFIG);
    assert.equal(again.look?.lookNumber, 1);
    assert.equal(again.look?.efficacyZ, first.look.efficacyZ);
    assert.equal(again.look?.alphaSpent, first.look.alphaSpent);
    const next = decidePlanned(input(105, 350, 118, 350, { looks: [first.look] }), CONFIG);
    assert.equal(next.look?.lookNumber, 2);
    assert.ok(next.look!.alphaSpent > first.look.alphaSpent);
  });

  it('look by look, the boundaries equal the all-at-once Lan–DeMets boundaries for the same fractions', () => {
    const fractions = [0.2, 0.45, 0.7, 0.85];
    const all = efficacyBoundaries(fractions, 0.025, { kind: 'obrien-fleming' });
    assert.equal(all.kind, 'ok');
    if (all.kind !== 'ok') return;
    const looks: Pick<LookRecord, 'informationFraction' | 'efficacyZ'>[] = [];
    let spent = 0;
    for (const t of fractions) {
      const a = alphaSpent({ kind: 'obrien-fleming' }, 0.025, t);
      const c = nextEfficacyBoundary(looks, t, a - spent);
      spent = a;
      looks.push({ informationFraction: t, efficacyZ: c });
    }
    looks.forEach((l, i) => assert.ok(Math.abs(l.efficacyZ - all.efficacyZ[i]!) < 1e-4, `look ${i + 1}: ${l.efficacyZ} vs ${all.efficacyZ[i]}`));
  });

  it('the information fraction comes from the sizes, capped at 1', () => {
    assert.ok(Math.abs(informationFraction(DESIGN, DESIGN.maxPerGroup.control / 2, DESIGN.maxPerGroup.treatment / 2) - 0.5) < 1e-9);
    assert.equal(informationFraction(DESIGN, 5000, 5000), 1);
    assert.equal(informationFraction(DESIGN, 0, 10), 0);
  });

  it('a planned test without its design makes no decision; too few per group neither; an SRM blocks', () => {
    assert.equal(decidePlanned(input(30, 100, 45, 100, { design: null }), CONFIG).decision.kind, 'not-enough-data');
    assert.match(decidePlanned(input(3, 10, 5, 10), CONFIG).decision.reason, /needs 20 per group/);
    const srm = decide('planned', input(150, 500, 215, 500, { srm: { kind: 'checked', pValue: 1e-6, chiSquare: 24, mismatch: true } }), CONFIG);
    assert.equal(srm.decision.kind, 'blocked-srm');
  });
});

describe('planned duration tests decided on the rank statistic (design.durationTest)', () => {
  const durationDesign = (durationTest: 'mann-whitney' | 'welch') => designFor(30, {
    metric: 'avg_response_time_hours', baseline: 5, config: { ...PLANNED, durationTest },
  });
  /** A look at 400 per group, t = 1 (the last look): control mean 8 h, treatment 6.4 h (a 20 % lift), SD 10. */
  const durationInput = (design: TestDesign, rankZ: number | null): DecisionInput => ({
    comparison: compareGroups('avg_response_time_hours', meanStats(400, 8, 100), meanStats(400, 6.4, 100)),
    controlN: 400, treatmentN: 400, minSampleSize: 400, plannedSampleSize: 400, elapsedDays: 28, maxDurationDays: 182,
    confidenceLevel: 0.95, srm: { kind: 'not-checked', reason: 'test' }, design, looks: [], rankZ,
  });

  it('stores the statistic on a duration design (mann-whitney by default), not on a rate design', () => {
    assert.equal(designFor(30, { metric: 'avg_response_time_hours', baseline: 5 }).durationTest, 'mann-whitney');
    assert.equal(durationDesign('welch').durationTest, 'welch');
    assert.equal(DESIGN.durationTest, undefined);
    const stored = parseStoredDesign(JSON.parse(JSON.stringify(durationDesign('mann-whitney'))));
    assert.equal(stored.kind === 'ok' ? stored.design.durationTest : null, 'mann-whitney');
  });

  it('compares the rank statistic with the boundary: a mean difference the ranks do not confirm is not a KEEP', () => {
    const rank = durationDesign('mann-whitney');
    // the mean's z is 1.6/0.707 = 2.26; the ranks say nothing (z 0.3)
    const noRank = decidePlanned(durationInput(rank, 0.3), CONFIG);
    assert.notEqual(noRank.decision.kind, 'KEEP');
    assert.ok(Math.abs((noRank.look?.z ?? 0) - 0.3) < 1e-12, 'the look stores the statistic it decided on');
    assert.ok(Math.abs((noRank.look?.estimate ?? 0) - 1.6) < 1e-9, 'the estimate stays the difference of means');
    // the same data with ranks that agree: KEEP
    const agree = decidePlanned(durationInput(rank, 3.5), CONFIG);
    assert.equal(agree.decision.kind, 'KEEP');
    assert.match(agree.decision.reason, /rank z = 3\.50/);
    // the welch design decides on the mean's z, whatever the ranks say
    assert.equal(decidePlanned(durationInput(durationDesign('welch'), 0.3), CONFIG).decision.kind,
      decidePlanned(durationInput(durationDesign('welch'), 3.5), CONFIG).decision.kind);
    // no rank sums: no decision
    assert.match(decidePlanned(durationInput(rank, null), CONFIG).decision.reason, /rank sums are not available/);
  });

  it('a rank-decided test is harmful on the rank statistic too', () => {
    const r = decidePlanned(durationInput(durationDesign('mann-whitney'), -4), CONFIG);
    assert.equal(r.decision.kind === 'KILL' ? r.decision.killReason : r.decision.kind, 'harmful');
  });
});
