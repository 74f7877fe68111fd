/**
 * The comparison (values, lift with its sign convention, p-values) and the planner. References:
 * SciPy 1.17 ttest_ind_from_stats(8, 5, 60, 10, 4, 50, equal_var=False) → t = −2.33021, p = 0.0216564;
 * sample sizes for the seed rule as documented in src/stats/power.ts (0.30 → 0.36: 963 per group).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareGroups, relativeImprovementPct } from '../../../src/experiments/compare.ts';
import { meanStats, proportionStats } from '../../../src/experiments/outcomes.ts';
import { minSampleSizeForBottleneck, planMinSampleSize } from '../../../src/experiments/planner.ts';
import { csMultiplierAtPlan } from '../../../src/experiments/sequential-power.ts';

describe('compareGroups', () => {
  it('durations: Welch p as SciPy, lift = relative reduction of the mean, CI around it', () => {
    const c = compareGroups('avg_response_time_hours', meanStats(50, 10, 16), meanStats(60, 8, 25));
    assert.equal(c.test, 'welch');
    assert.ok(Math.abs(c.pValue! - 0.021656432252212615) < 1e-9);
    assert.ok(Math.abs(c.liftPct! - 20) < 1e-12);
    assert.ok(c.liftCi!.lower < 20 && c.liftCi!.upper > 20);
    assert.equal(c.controlValue, 10);
  });

  it('rates: the value per group is the share; the lift CI brackets the lift; zero control gives a null lift', () => {
    const c = compareGroups('conversion_rate', proportionStats(30, 100), proportionStats(45, 100));
    assert.deepEqual([c.controlValue, c.treatmentValue], [0.3, 0.45]);
    assert.ok(c.liftCi!.lower < 50 && c.liftCi!.upper > 50);
    const z = compareGroups('contact_rate', proportionStats(0, 50), proportionStats(5, 50));
    assert.deepEqual([z.liftPct, z.liftCi], [null, null]);
    assert.match(z.note!, /control rate is 0/);
  });

  it('too little data gives a null p-value with the reason, never NaN', () => {
    const c = compareGroups('avg_days_to_qualify', meanStats(1, 3, 0), meanStats(5, 2, 1));
    assert.equal(c.pValue, null);
    assert.match(c.note!, /at least 2/);
    assert.equal(relativeImprovementPct(0, 3, true), null);
    assert.equal(relativeImprovementPct(4, 3, true), 25);
  });
});

describe('planner', () => {
  it('plans for the seed rule: 30 % → 36 % needs 963 per group; 49 days at 40 leads a day', () => {
    const p = planMinSampleSize({ baseline: 0.3, target: 0.36, dailyUnits: 40 });
    assert.equal(p.kind, 'ok');
    assert.deepEqual(p.kind === 'ok' && [p.perGroup, p.days, p.weeks], [963, 49, 7]);
  });

  it('never below the floor of 100; an unequal allocation waits for the smaller group', () => {
    const p = planMinSampleSize({ baseline: 0.3, target: 0.6, dailyUnits: 10, allocationPct: 20 });
    assert.ok(p.kind === 'ok' && p.perGroup === 100 && p.requiredPerGroup < 100);
    assert.equal(p.kind === 'ok' && p.days, 50); // 100 / (10 × 0.2)
  });

  it('the sequential policy needs more (its boundary is ≈ 3.04 standard errors at the plan)', () => {
    assert.ok(Math.abs(csMultiplierAtPlan(0.05) - 3.035) < 0.001);
    const seed = planMinSampleSize({ baseline: 0.3, target: 0.39 });
    const seq = planMinSampleSize({ baseline: 0.3, target: 0.39, policy: 'sequential' });
    assert.ok(seed.kind === 'ok' && seq.kind === 'ok' && seq.perGroup > 1.7 * seed.perGroup);
  });

  it('durations plan on the reduction; sd defaults to the mean', () => {
    const p = planMinSampleSize({ metric: 'avg_response_time_hours', baseline: 48, target: 38.4, baselineSd: 36 });
    assert.equal(p.kind === 'ok' && p.perGroup, 222); // src/stats/powerDuration.ts example
  });

  it('rejects inputs that cannot be planned, with the reason', () => {
    const reason = (r: ReturnType<typeof planMinSampleSize>) => (r.kind === 'ok' ? '' : r.reason);
    assert.match(reason(planMinSampleSize({ baseline: 0.3, target: 0.33 })), /must exceed the KEEP threshold of 10%/);
    assert.match(reason(planMinSampleSize({ baseline: 1.2, target: 1.5 })), /strictly between 0 and 1/);
    assert.match(reason(planMinSampleSize({ metric: 'avg_days_to_qualify', baseline: 5, target: 6 })), /reduction/);
    assert.match(reason(planMinSampleSize({ baseline: 0.3, target: 0.45, allocationPct: 100 })), /allocation/);
  });

  it('for a bottleneck: its target, or +20 % when the target is not above the KEEP threshold', () => {
    assert.equal(minSampleSizeForBottleneck({ metric: 'conversion_rate', currentValue: 0.3, targetValue: 0.36 }), 963);
    const f1 = minSampleSizeForBottleneck({ metric: 'f1_score', currentValue: 0.75, targetValue: 0.8 });
    const plan = planMinSampleSize({ metric: 'f1_score', baseline: 0.75, target: 0.875 }); // 0.9 capped halfway to 1
    assert.equal(f1, plan.kind === 'ok' ? plan.perGroup : -1);
    assert.equal(minSampleSizeForBottleneck({ metric: 'avg_response_time_hours', currentValue: 8, targetValue: 2 }), 100);
    assert.equal(minSampleSizeForBottleneck({ metric: 'conversion_rate', currentValue: Number.NaN, targetValue: 0.5 }), 100);
  });
});
