/**
 * The policy backtest (statistics only): deterministic per seed, internally consistent, and its seeded
 * error rates where the research note's SciPy Monte Carlo puts them (seed rule A/A false KEEP ≈ 3% at
 * weekly looks; power ≥ 80% at the planned size).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BacktestInputError, DEFAULT_BACKTEST, plannedPerGroup, runBacktest } from '../../src/sim/backtest.ts';

describe('policy backtest', () => {
  it('plans tests with the real planner (seed rule: 0.30 → 0.36 needs 963 per group, src/experiments/planner.ts example)', () => {
    assert.equal(plannedPerGroup(0.3, 20), 963);
    assert.ok(plannedPerGroup(0.3, 20, 'sequential') > 963, 'always-valid intervals are wider, so the plan is larger');
  });

  it('is deterministic for a seed and accounts for every run', () => {
    const o = { ...DEFAULT_BACKTEST, policies: ['seed', 'sequential'] as const, runs: 40, seed: 1 };
    const a = runBacktest(o);
    assert.deepEqual(runBacktest(o), a);
    assert.notDeepEqual(runBacktest({ ...o, seed: 2 }).cells, a.cells);
    assert.equal(a.cells.length, 2 * DEFAULT_BACKTEST.trueLiftsPct.length);
    for (const c of a.cells) {
      assert.ok(Math.abs(c.keepRate + c.killRate + c.undecidedRate - 1) < 1e-12);
      assert.ok(c.medianDaysToDecision === null || (c.medianDaysToDecision >= 7 && c.medianDaysToDecision <= 189));
    }
  });

  it('keeps false KEEPs at or below 5% (A/A) and reaches ≥ 80% power at +30% with the seed rule planned for +20%', () => {
    const runs = 2000;
    const r = runBacktest({ ...DEFAULT_BACKTEST, policies: ['seed', 'sequential'], runs, seed: 42, trueLiftsPct: [0, 30] });
    const sd = Math.sqrt((0.05 * 0.95) / runs); // ≈ 0.5 points
    for (const s of r.summary) {
      assert.ok((s.falseKeepRate ?? 1) <= 0.05 + 2 * sd, `${s.policy} false KEEP ${s.falseKeepRate}`);
    }
    const seed = r.summary.find((s) => s.policy === 'seed')!;
    assert.ok((seed.power['30'] ?? 0) >= 0.8, `seed power at +30%: ${seed.power['30']}`);
    // a test never decides before its planned size (963 per group at 50 a week = 20 weeks)
    assert.ok((seed.medianDaysToDecision['0'] ?? 0) >= 140);
  });

  it('rejects settings it cannot simulate', () => {
    const base = { ...DEFAULT_BACKTEST, policies: ['seed'] as const, runs: 10, seed: 1 };
    assert.throws(() => runBacktest({ ...base, runs: 0 }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, baselineRate: 1 }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, trueLiftsPct: [300] }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, designLiftPct: 5 }), BacktestInputError);
  });
});
