/**
 * The false-KEEP budget of a skill identity over its repeated tests (src/experiments/alpha-budget.ts): the
 * shares by hand (α·f·(1 − f)^(i−1)), their sum below α for any number of tests, the config path
 * (lh_settings.decision.planned.alphaBudget, strict), and by seeded simulation of the real planned policy
 * (2,000 A/A tests per test number) that the chance of keeping a useless skill over four repeated tests
 * stays at or below the designed 2.5 %, where giving every test the full α lets it grow to about 4 × 2.5 %.
 * (The default share is 0.8: 2 %, 0.4 %, 0.08 %, 0.016 % of α 2.5 %.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateAlpha, AlphaBudgetError, DEFAULT_ALPHA_BUDGET, identityName, MIN_TEST_ALPHA } from '../../../src/experiments/alpha-budget.ts';
import { DecisionConfigError, DEFAULT_DECISION_CONFIG, resolveDecisionConfig } from '../../../src/experiments/decision-config.ts';
import { designTest } from '../../../src/experiments/design.ts';
import { decisionFromSetting, SettingsError } from '../../../src/jobs/settings.ts';
import { runBacktest, DEFAULT_BACKTEST } from '../../../src/sim/backtest.ts';

describe('α budget of a skill identity', () => {
  it('gives test i the share 0.8 · 0.2^(i−1) of α by default, and records what the earlier tests had', () => {
    const got = [1, 2, 3, 4].map((i) => allocateAlpha(DEFAULT_ALPHA_BUDGET, 0.025, i, 'instant-responder'));
    assert.deepEqual(got.map((a) => Number(a.alpha.toPrecision(12))), [0.02, 0.004, 0.0008, 0.00016]);
    assert.deepEqual(got.map((a) => Number(a.allocatedBefore.toPrecision(12))), [0, 0.02, 0.024, 0.0248]);
    assert.match(got[0]!.reason, /^test 1 of instant-responder: α 2%, 80% of the skill's false-KEEP budget of 2\.5%/);
    assert.match(got[2]!.reason, /^test 3 of instant-responder since its last KEEP: α 0\.08%, 80% of the 0\.1% its budget of 2\.5% has left after 2 earlier tests/);
    // a half share, for comparison: α/2, α/4, …
    assert.equal(allocateAlpha({ kind: 'per-skill', firstShare: 0.5 }, 0.025, 2, 'x').alpha, 0.00625);
  });

  it('never lets the tests of one identity together exceed α, whatever the first share and the number of tests', () => {
    // (up to the test where the share reaches the MIN_TEST_ALPHA floor: the 16th at f = 0.8)
    for (const f of [0.1, 0.3, 0.5, 0.8]) {
      let sum = 0;
      for (let i = 1; i <= 12; i++) {
        const a = allocateAlpha({ kind: 'per-skill', firstShare: f }, 0.025, i, 'x');
        assert.ok(Math.abs(a.allocatedBefore - sum) < 1e-10 * 0.025, // both rounded to 12 significant digits
           `f ${f}, test ${i}: allocatedBefore ${a.allocatedBefore} vs ${sum}`);
        sum += a.alpha;
      }
      assert.ok(sum < 0.025 * (1 + 1e-10), `f ${f}: ${sum}`);
    }
    const perTest = allocateAlpha({ kind: 'per-test' }, 0.025, 3, 'lead-scorer');
    assert.deepEqual([perTest.alpha, perTest.share, perTest.allocatedBefore], [0.025, 1, 0.05]);
  });

  it('refuses a test number below 1 or not whole, and a first share outside (0, 1], with a message naming it', () => {
    assert.throws(() => allocateAlpha(DEFAULT_ALPHA_BUDGET, 0.025, 0, 'lead-scorer'), (e: unknown) => e instanceof AlphaBudgetError && /lead-scorer.*≥ 1, got 0/.test(e.message));
    assert.throws(() => allocateAlpha(DEFAULT_ALPHA_BUDGET, 0.025, 1.5, 'x'), AlphaBudgetError);
    assert.throws(() => allocateAlpha({ kind: 'per-skill', firstShare: 0 }, 0.025, 1, 'x'), /firstShare must be in \(0, 1\), got 0/);
    assert.throws(() => allocateAlpha({ kind: 'per-skill', firstShare: 1 }, 0.025, 2, 'x'), AlphaBudgetError); // nothing left for test 2
    // far down the family the α is floored where designs stay computable (MIN_TEST_ALPHA)
    const late = allocateAlpha(DEFAULT_ALPHA_BUDGET, 0.025, 30, 'x');
    assert.equal(late.alpha, MIN_TEST_ALPHA);
    const design = designTest({ metric: 'qualification_rate', baseline: 0.25, dailyUnits: 30, maxDurationDays: 182, raiseToFeasible: true,
      config: DEFAULT_DECISION_CONFIG.planned, alphaAllocation: late });
    assert.equal(design.kind, 'ok', 'a design at the floor is still a design (never the fallback to the seed rule)');
    assert.equal(identityName('source-optimizer', 'zillow'), 'source-optimizer (zillow)');
    assert.equal(identityName('lead-scorer', null), 'lead-scorer');
  });

  it('is configured in lh_settings.decision.planned.alphaBudget, strictly', () => {
    assert.deepEqual(DEFAULT_DECISION_CONFIG.planned.alphaBudget, { kind: 'per-skill', firstShare: 0.8 });
    assert.deepEqual(decisionFromSetting({ planned: { alphaBudget: { kind: 'per-test' } } }).planned.alphaBudget, { kind: 'per-test' });
    assert.equal((decisionFromSetting({ planned: { alphaBudget: { kind: 'per-skill', firstShare: 0.75 } } }).planned.alphaBudget as { firstShare: number }).firstShare, 0.75);
    assert.throws(() => decisionFromSetting({ planned: { alphaBudget: { kind: 'per-skill', firstShare: 1 } } }),
      (e: unknown) => e instanceof SettingsError && /lh_settings\.decision is invalid: planned\.alphaBudget\.firstShare/.test(e.message));
    assert.throws(() => decisionFromSetting({ planned: { alphaBudget: { kind: 'per-test', firstShare: 0.5 } } }), SettingsError);
    assert.throws(() => decisionFromSetting({ planned: { alphaBudget: { kind: 'lifetime' } } }), SettingsError);
    assert.throws(() => resolveDecisionConfig({ planned: { alphaBudget: { kind: 'per-skill', firstShare: -1 } } }), DecisionConfigError);
  });

  it('sizes the design at the allocated α and stores the allocation on it', () => {
    const config = DEFAULT_DECISION_CONFIG.planned;
    const base = { metric: 'conversion_rate' as const, baseline: 0.3, dailyUnits: 50, maxDurationDays: 182, config };
    const full = designTest(base);
    const second = designTest({ ...base, alphaAllocation: allocateAlpha({ kind: 'per-skill', firstShare: 0.5 }, 0.025, 2, 'x') });
    assert.ok(full.kind === 'ok' && second.kind === 'ok');
    assert.equal(full.design.alpha, 0.025);
    assert.equal(full.design.alphaAllocation, undefined);
    assert.equal(second.design.alpha, 0.00625);
    assert.equal(second.design.alphaAllocation?.testNumber, 2);
    // the same power at α/4 takes about (z_{1−α/4} + z_{0.8})² / (z_{1−α} + z_{0.8})² ≈ 1.42 × the sample
    const ratio = second.design.maxPerGroup.control / full.design.maxPerGroup.control;
    assert.ok(ratio > 1.3 && ratio < 1.55, `ratio ${ratio}`);
  });

  it('keeps a useless skill tested four times at most α = 2.5 % in all (seeded simulation, 2,000 A/A tests per test number)', () => {
    const rates = (budget: 'per-skill' | 'per-test') => [1, 2, 3, 4].map((testNumber) => {
      const decisionConfig = resolveDecisionConfig({ planned: { alphaBudget: budget === 'per-test' ? { kind: 'per-test' } : DEFAULT_ALPHA_BUDGET } });
      const r = runBacktest({ ...DEFAULT_BACKTEST, policies: ['planned'], runs: 2000, seed: 11 + testNumber, leadsPerDay: 50, testsAtOnce: 3,
        trueLiftsPct: [0], decisionConfig, testNumber });
      return r.cells[0]!.keepRate;
    });
    const shared = rates('per-skill');
    const each = rates('per-test');
    console.log(`A/A KEEP per test number, shared budget ${shared.join(' / ')}; full α each ${each.join(' / ')}`);
    // four independent tests: P(any KEEP) = 1 − Π(1 − r_i) ≤ Σ r_i; Monte Carlo SE of the sum ≈ 0.3 points
    const anyKeep = (r: number[]) => 1 - r.reduce((p, x) => p * (1 - x), 1);
    assert.ok(anyKeep(shared) <= 0.025 + 0.006, `shared budget: per test ${shared.join(', ')} → ${anyKeep(shared)}`);
    assert.ok(shared[1]! < shared[0]! && shared[3]! <= 0.004, `later tests keep less often: ${shared.join(', ')}`);
    assert.ok(anyKeep(each) > 0.07, `full α each: per test ${each.join(', ')} → ${anyKeep(each)}`);
  });
});
