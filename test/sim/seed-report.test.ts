/**
 * The multi-seed aggregation (src/sim/seed-report.ts) on hand-built runs: where each skill type stands on
 * the last day (KEEP wins over an earlier KILL, a re-test after a KILL is undecided, never spawned is its
 * own share), KILLs by reason, the right-decision share per expected decision, and the median days.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SkillType } from '../../src/detect/types.ts';
import type { SkillTruth } from '../../src/sim/scenarios.ts';
import { aggregateSeeds, daysBetween, finalState, median, type SeedRun, type SkillOutcome } from '../../src/sim/seed-report.ts';

type Truth = Pick<SkillTruth, 'helps' | 'trueEffectPct' | 'eitherIsRight'>;
const TRUTHS: Record<SkillType, Truth> = {
  'source-optimizer': { helps: false, trueEffectPct: -10 },
  'instant-responder': { helps: false, trueEffectPct: 0 },
  'follow-up-sequencer': { helps: true, trueEffectPct: 10, eitherIsRight: true },
  'lead-scorer': { helps: true, trueEffectPct: 20 },
  'pattern-optimizer': { helps: true, trueEffectPct: 30 },
};

const keep = (skillType: SkillType, spawnedOn: string, decidedOn: string): SkillOutcome =>
  ({ skillType, status: 'active', killReason: null, spawnedOn, decidedOn });
const kill = (skillType: SkillType, reason: SkillOutcome['killReason'], spawnedOn: string, decidedOn: string): SkillOutcome =>
  ({ skillType, status: 'killed', killReason: reason, spawnedOn, decidedOn });
const testing = (skillType: SkillType, spawnedOn: string): SkillOutcome =>
  ({ skillType, status: 'testing', killReason: null, spawnedOn, decidedOn: null });

const RUNS: SeedRun[] = [
  { seed: 1, skills: [
    keep('pattern-optimizer', '2026-01-10', '2026-01-24'), // 14 days
    kill('lead-scorer', 'futile', '2026-01-15', '2026-04-15'), // 90 days, then re-tested and kept
    kill('source-optimizer', 'harmful', '2026-02-01', '2026-03-01'), // 28
    keep('lead-scorer', '2026-05-01', '2026-06-01'), // 31
    testing('instant-responder', '2026-02-10'),
  ] },
  { seed: 2, skills: [
    keep('pattern-optimizer', '2026-01-10', '2026-01-31'), // 21
    kill('lead-scorer', 'inconclusive', '2026-01-15', '2026-03-15'), // 59, re-test still running
    testing('lead-scorer', '2026-04-01'),
    kill('source-optimizer', 'futile', '2026-02-01', '2026-05-01'), // 89
    kill('instant-responder', null, '2026-02-10', '2026-03-10'), // 28, a fixed rule's KILL: no reason
    kill('follow-up-sequencer', 'futile', '2026-03-01', '2026-04-01'), // 31
  ] },
];

describe('multi-seed report: aggregation per true effect', () => {
  const rows = aggregateSeeds(RUNS, TRUTHS);
  const row = (effect: string) => {
    const r = rows.find((x) => x.effect === effect);
    assert.ok(r, `no row ${effect}`);
    return r;
  };

  it('one row per true effect, from the most harmful to the most helpful, with the expected decision', () => {
    assert.deepEqual(rows.map((r) => [r.effect, r.expected, r.cases]),
      [['-10%', 'KILL', 2], ['0%', 'KILL', 2], ['+10%', 'either', 2], ['+20%', 'KEEP', 2], ['+30%', 'KEEP', 2]]);
  });

  it('shares of the skill type\'s state on the last day, summing to 1', () => {
    for (const r of rows) {
      const sum = r.keep + r.kill.futile + r.kill.harmful + r.kill.inconclusive + r.kill.unstated + r.undecided + r.notSpawned;
      assert.ok(Math.abs(sum - 1) < 1e-12, `${r.effect}: ${sum}`);
    }
    assert.deepEqual(row('+20%'), {
      effect: '+20%', trueEffectPct: 20, expected: 'KEEP', skillTypes: ['lead-scorer'], cases: 2,
      keep: 0.5, kill: { futile: 0, harmful: 0, inconclusive: 0, unstated: 0 }, undecided: 0.5, notSpawned: 0,
      tests: 4, decidedTests: 3, medianDaysToDecision: 59, right: 0.5,
    });
    const minus10 = row('-10%');
    assert.deepEqual([minus10.kill.harmful, minus10.kill.futile, minus10.right, minus10.medianDaysToDecision], [0.5, 0.5, 1, 58.5]);
    const zero = row('0%');
    assert.deepEqual([zero.undecided, zero.kill.unstated, zero.right, zero.decidedTests, zero.tests], [0.5, 0.5, 0.5, 1, 2]);
    const plus10 = row('+10%');
    assert.deepEqual([plus10.notSpawned, plus10.kill.futile, plus10.right, plus10.tests], [0.5, 0.5, null, 1]);
    assert.deepEqual([row('+30%').keep, row('+30%').right, row('+30%').medianDaysToDecision], [1, 1, 17.5]);
  });

  it('groups skill types that share a truth (the default scenario: helps / no effect)', () => {
    const r = aggregateSeeds(RUNS, {
      'source-optimizer': { helps: false, trueEffectPct: null }, 'instant-responder': { helps: true, trueEffectPct: null },
      'follow-up-sequencer': { helps: true, trueEffectPct: null }, 'lead-scorer': { helps: false, trueEffectPct: null },
      'pattern-optimizer': { helps: true, trueEffectPct: null },
    });
    assert.deepEqual(r.map((x) => [x.effect, x.cases, x.skillTypes.length]), [['no effect', 4, 2], ['helps', 6, 3]]);
  });

  it('finalState, daysBetween and median', () => {
    assert.equal(finalState([]), 'not spawned');
    assert.equal(finalState([kill('lead-scorer', 'harmful', '2026-01-01', '2026-02-01')]), 'KILL harmful');
    assert.equal(finalState([keep('lead-scorer', '2026-01-01', '2026-02-01'), testing('lead-scorer', '2026-04-01')]), 'KEEP');
    assert.equal(daysBetween('2026-01-05', '2026-03-05'), 59);
    assert.equal(median([]), null);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});
