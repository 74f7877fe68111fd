/**
 * The policy backtest (statistics only): deterministic per seed, internally consistent, paired (a policy's
 * figures do not depend on the others run beside it), sized by the real planner / design at the volume it
 * simulates, and its seeded error rates where the research note's SciPy Monte Carlo puts them (seed rule
 * A/A false KEEP ≈ 3% at weekly looks; power ≥ 80% at the planned size; planned ≤ 2.5% false KEEP).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateAlpha } from '../../src/experiments/alpha-budget.ts';
import { DEFAULT_DECISION_CONFIG, resolveDecisionConfig } from '../../src/experiments/decision-config.ts';
import { designTest } from '../../src/experiments/design.ts';
import { KILL_REASONS } from '../../src/experiments/types.ts';
import {
  BacktestInputError, DEFAULT_BACKTEST, perGroupPerWeekFor, plannedPerGroup, runBacktest, type BacktestResult,
} from '../../src/sim/backtest.ts';

const ALL = ['seed', 'sequential', 'planned'] as const;

function checkConsistent(r: BacktestResult): void {
  for (const c of r.cells) {
    assert.ok(Math.abs(c.keepRate + c.killRate + c.undecidedRate - 1) < 1e-12);
    const byReason = KILL_REASONS.reduce((s, k) => s + c.killRateByReason[k], 0);
    assert.ok(Math.abs(byReason - c.killRate) < 1e-12, `${c.policy} +${c.trueLiftPct}%: kill reasons ${byReason} ≠ ${c.killRate}`);
    assert.ok(c.killedByWeek6 <= c.killedByWeek12 + 1e-12 && c.killedByWeek12 <= c.killRate + 1e-12);
    assert.equal(c.medianDaysToDecision, c.medianWeeksToDecision === null ? null : 7 * c.medianWeeksToDecision);
    assert.ok(c.medianDaysToDecision === null || (c.medianDaysToDecision >= 7 && c.medianDaysToDecision <= 189));
  }
  for (const s of r.summary) {
    const mine = r.cells.filter((c) => c.policy === s.policy);
    const aa = mine.find((c) => c.trueLiftPct === 0);
    assert.equal(s.aaKilledByWeek6, aa ? aa.killedByWeek6 : null);
    assert.equal(s.aaKilledByWeek12, aa ? aa.killedByWeek12 : null);
    for (const c of mine.filter((x) => x.trueLiftPct > 0)) {
      assert.equal(s.wrongKillRate[String(c.trueLiftPct)], c.killRate);
      assert.deepEqual(s.wrongKillRateByReason[String(c.trueLiftPct)], c.killRateByReason);
      assert.equal(s.medianWeeksToDecision[String(c.trueLiftPct)], c.medianWeeksToDecision);
    }
  }
}

describe('policy backtest', () => {
  it('plans tests with the real planner (seed rule: 0.30 → 0.36 needs 963 per group, src/experiments/planner.ts example) and the real design', () => {
    assert.equal(plannedPerGroup(0.3, 20), 963);
    assert.ok(plannedPerGroup(0.3, 20, 'sequential') > 963, 'always-valid intervals are wider, so the plan is larger');
    const d = designTest({
      metric: 'conversion_rate', baseline: 0.3, liftPct: 20, dailyUnits: 100 / 7, allocationPct: 50, maxDurationDays: 182,
      raiseToFeasible: false, config: DEFAULT_DECISION_CONFIG.planned,
    });
    assert.equal(d.kind, 'ok');
    // the backtest's planned test is a skill's first: α 2 %, 80 % of the skill's budget (alpha-budget.ts)
    const first = designTest({
      metric: 'conversion_rate', baseline: 0.3, liftPct: 20, dailyUnits: 100 / 7, allocationPct: 50, maxDurationDays: 182,
      raiseToFeasible: false, config: DEFAULT_DECISION_CONFIG.planned,
      alphaAllocation: allocateAlpha(DEFAULT_DECISION_CONFIG.planned.alphaBudget, 0.025, 1, 'x'),
    });
    assert.ok(d.kind === 'ok' && first.kind === 'ok');
    assert.equal(plannedPerGroup(0.3, 20, 'planned', 50), first.design.maxPerGroup.treatment);
    // at the full α: a few % above the single-look size, far below the confidence sequence's
    assert.ok(d.design.maxPerGroup.treatment > 963 && d.design.maxPerGroup.treatment < 1.15 * 963);
    // at 80 % of it about (z_0.98 + z_0.8)² / (z_0.975 + z_0.8)² ≈ 1.07 × that
    const ratio = first.design.maxPerGroup.treatment / d.design.maxPerGroup.treatment;
    assert.ok(ratio > 1.03 && ratio < 1.11, `ratio ${ratio}`);
  });

  it('is deterministic for a seed, accounts for every run, and reports the new figures consistently', () => {
    const o = { ...DEFAULT_BACKTEST, policies: ALL, runs: 40, seed: 1 };
    const a = runBacktest(o);
    assert.deepEqual(runBacktest(o), a);
    assert.notDeepEqual(runBacktest({ ...o, seed: 2 }).cells, a.cells);
    assert.equal(a.cells.length, 3 * DEFAULT_BACKTEST.trueLiftsPct.length);
    assert.deepEqual(a.summary.map((s) => s.policy), [...ALL]);
    checkConsistent(a);
  });

  it('is paired: each policy sees the same data, so its figures do not depend on the other policies', () => {
    const o = { ...DEFAULT_BACKTEST, runs: 60, seed: 3 };
    const all = runBacktest({ ...o, policies: ALL });
    for (const p of ALL) {
      const alone = runBacktest({ ...o, policies: [p] });
      assert.deepEqual(alone.cells, all.cells.filter((c) => c.policy === p), p);
    }
  });

  it('turns leads a day and tests at once into per group per week: round(7·N/2) overlapping, round(7·N/(2·K)) exclusive', () => {
    assert.equal(perGroupPerWeekFor(50, 3, 'overlapping'), 175);
    assert.equal(perGroupPerWeekFor(1, 10, 'overlapping'), 4); // 3.5
    assert.equal(perGroupPerWeekFor(50, 3, 'exclusive'), 58); // 58.33
    assert.equal(perGroupPerWeekFor(50, 1, 'exclusive'), 175);
    assert.equal(perGroupPerWeekFor(10, 4, 'exclusive'), 9); // 8.75
    assert.equal(perGroupPerWeekFor(1, 7, 'exclusive'), 1); // 0.5 rounds up to 1
    assert.throws(() => perGroupPerWeekFor(1, 10, 'exclusive'), /fewer than 1 lead a week/); // 0.35
    assert.throws(() => perGroupPerWeekFor(50, 0, 'overlapping'), BacktestInputError);
    assert.throws(() => perGroupPerWeekFor(0, 1, 'exclusive'), BacktestInputError);

    const overlapping = runBacktest({ ...DEFAULT_BACKTEST, policies: ['planned'], runs: 5, seed: 4, leadsPerDay: 50, testsAtOnce: 3 });
    assert.deepEqual([overlapping.settings.assignment, overlapping.settings.perGroupPerWeek], ['overlapping', 175], 'overlapping is the default');
    const r = runBacktest({ ...DEFAULT_BACKTEST, policies: ALL, runs: 20, seed: 4, leadsPerDay: 50, testsAtOnce: 3, assignment: 'exclusive' });
    assert.equal(r.settings.perGroupPerWeek, 58, 'leadsPerDay takes precedence over the default perGroupPerWeek');
    assert.equal(r.settings.leadsPerDay, 50);
    assert.equal(r.settings.testsAtOnce, 3);
    assert.equal(r.settings.dailyUnitsPerTest, 116 / 7);
    const d = r.settings.design!;
    assert.equal(d.dailyUnits, 116 / 7, 'the planned design assumes the volume the test gets');
    assert.equal(r.settings.plannedPerGroup['planned'], Math.max(d.maxPerGroup.control, d.maxPerGroup.treatment));
    assert.equal(r.settings.plans['seed']?.weeksToSize, Math.ceil(963 / 58));
    assert.equal(r.settings.plans['planned']?.weeksToSize, Math.ceil(d.maxPerGroup.control / 58));
    assert.equal(d.feasible, true);
    assert.equal(r.settings.plans['sequential']?.feasible, false, '1,839 per group at 58 a week take 32 weeks > 26');
    assert.equal(runBacktest({ ...DEFAULT_BACKTEST, policies: ['seed'], runs: 5, seed: 4, leadsPerDay: 50 }).settings.testsAtOnce, 1);
    const direct = runBacktest({ ...DEFAULT_BACKTEST, policies: ['seed'], runs: 5, seed: 4 });
    assert.equal(direct.settings.leadsPerDay, null);
    assert.equal(direct.settings.perGroupPerWeek, 50);
    assert.equal(direct.settings.design, null);
  });

  it('reports an infeasible planned design (raiseToFeasible off) with the smallest lift detectable in time', () => {
    const r = runBacktest({ ...DEFAULT_BACKTEST, policies: ['planned'], runs: 20, seed: 5, perGroupPerWeek: 35 });
    const d = r.settings.design!;
    assert.equal(d.liftPct, 20, 'the requested lift is kept');
    assert.equal(d.feasible, false);
    assert.ok(d.minDetectableLiftPct !== null && d.minDetectableLiftPct > 20);
    assert.equal(r.settings.plans['planned']?.feasible, false);
    assert.match(d.note ?? '', /more than the 182-day maximum/);
    // every test still ends by its last look (the last look that fits spends the α left)
    for (const c of r.cells) assert.equal(c.undecidedRate, 0);
  });

  it('counts KILLs by week: a seed test never decides before its planned size; a planned test at 175 a week is over by week 6', () => {
    const slow = runBacktest({ ...DEFAULT_BACKTEST, policies: ['seed'], runs: 200, seed: 6, trueLiftsPct: [0] });
    // 963 per group at 50 a week: first decision at week 20
    assert.equal(slow.summary[0]?.aaKilledByWeek12, 0);
    assert.equal(slow.cells[0]?.medianWeeksToDecision, 20);
    // at the full α (alphaBudget per-test; a first test's 2 % needs a little more, ≈ 1,080 per group, week 7)
    const decisionConfig = resolveDecisionConfig({ planned: { alphaBudget: { kind: 'per-test' } } });
    const fast = runBacktest({ ...DEFAULT_BACKTEST, policies: ['planned'], runs: 200, seed: 6, trueLiftsPct: [0, 20], leadsPerDay: 50, testsAtOnce: 1, decisionConfig });
    const s = fast.summary[0]!;
    const aa = fast.cells.find((c) => c.trueLiftPct === 0)!;
    // the maximum (≈ 1,013 per group) is reached at week 6: every A/A test not KEPT is KILLed by then
    assert.equal(s.aaKilledByWeek6, aa.killRate);
    assert.equal(s.aaKilledByWeek6, 1 - (s.falseKeepRate ?? 0));
    assert.ok((s.medianWeeksToDecision['0'] ?? 99) <= 6);
    checkConsistent(fast);
  });

  it('reports progress once per simulated test, up to total = true effects × runs', () => {
    const seen: [number, number][] = [];
    runBacktest({ ...DEFAULT_BACKTEST, policies: ['seed'], runs: 7, seed: 1, progress: (d, t) => seen.push([d, t]) });
    const total = 7 * DEFAULT_BACKTEST.trueLiftsPct.length;
    assert.equal(seen.length, total);
    assert.deepEqual(seen.at(-1), [total, total]);
    assert.ok(seen.every(([d, t], i) => d === i + 1 && t === total));
  });

  it('keeps false KEEPs at their levels (A/A) and reaches ≥ 80% power at +30% with the seed rule planned for +20%', () => {
    const runs = 2000;
    const r = runBacktest({ ...DEFAULT_BACKTEST, policies: ALL, runs, seed: 42, trueLiftsPct: [0, 30] });
    const sd = (p: number) => Math.sqrt((p * (1 - p)) / runs);
    for (const s of r.summary.filter((x) => x.policy !== 'planned')) {
      assert.ok((s.falseKeepRate ?? 1) <= 0.05 + 2 * sd(0.05), `${s.policy} false KEEP ${s.falseKeepRate}`);
    }
    const planned = r.summary.find((s) => s.policy === 'planned')!;
    assert.ok((planned.falseKeepRate ?? 1) <= 0.025 + 3 * sd(0.025), `planned false KEEP ${planned.falseKeepRate}`);
    assert.ok((planned.power['30'] ?? 0) >= 0.9, `planned power at +30% (designed for +20%): ${planned.power['30']}`);
    const seed = r.summary.find((s) => s.policy === 'seed')!;
    assert.ok((seed.power['30'] ?? 0) >= 0.8, `seed power at +30%: ${seed.power['30']}`);
    // a test never decides before its planned size (963 per group at 50 a week = 20 weeks)
    assert.ok((seed.medianDaysToDecision['0'] ?? 0) >= 140);
    // the planned policy stops useless skills early (futility from a third of the information)
    assert.ok((planned.aaKilledByWeek12 ?? 0) > (seed.aaKilledByWeek12 ?? 1));
  });

  it('rejects settings it cannot simulate', () => {
    const base = { ...DEFAULT_BACKTEST, policies: ['seed'] as const, runs: 10, seed: 1 };
    assert.throws(() => runBacktest({ ...base, runs: 0 }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, baselineRate: 1 }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, trueLiftsPct: [300] }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, designLiftPct: 5 }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, policies: ['planned'], designLiftPct: 8 }), /KEEP line/);
    assert.throws(() => runBacktest({ ...base, policies: [] }), BacktestInputError);
    assert.throws(() => runBacktest({ ...base, testsAtOnce: 3 }), /needs the leads per day/);
    assert.throws(() => runBacktest({ ...base, leadsPerDay: 1, testsAtOnce: 10, assignment: 'exclusive' }), /fewer than 1 lead a week/);
  });
});
