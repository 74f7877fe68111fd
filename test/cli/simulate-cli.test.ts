/**
 * `lh-brain simulate` as a user runs it: the real bin in a child process. The demo on the default
 * in-memory database (--json shape and exit code), on PostgreSQL via --database-url, the policy backtest's
 * shape (--policy all|both, --leads-per-day / --tests volume, progress lines), and one-line usage errors with exit code 2.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BacktestResult } from '../../src/sim/backtest.ts';
import type { SeedReport } from '../../src/sim/seed-runs.ts';
import type { SimulationResult } from '../../src/sim/timeline.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { dbTargets, postgresUrlOf } from '../support/databases.ts';

type Run = CliRun;
const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> => runCli(args, { env });

const SHORT = ['--days', '8', '--seed', '5', '--leads-per-day', '20', '--warmup-days', '35'];

function checkShape(r: SimulationResult): void {
  assert.equal(r.scenario, 'default');
  assert.equal(r.seed, 5);
  assert.equal(r.days, 8);
  assert.equal(r.daily.length, 8);
  assert.equal(r.totals.dailyRuns, 9);
  assert.ok(r.totals.leads > 0 && r.totals.validations === 2 * r.totals.leads);
  assert.ok(Array.isArray(r.timeline));
  for (const key of ['skills', 'right', 'wrong', 'undecided'] as const) assert.ok(key in r.summary);
  assert.equal(r.summary.right + r.summary.wrong + r.summary.undecided, r.summary.skills.length);
}

describe('lh-brain simulate', () => {
  it('--json prints the simulation result on stdout and exits 0 (in memory by default, env DATABASE_URL ignored)', async () => {
    const run = await cli(['--json', 'simulate', ...SHORT], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(run.code, 0, run.stderr);
    checkShape(JSON.parse(run.stdout) as SimulationResult);
    assert.match(run.stderr, /simulated 43\/43 days/, 'progress as log lines on a non-TTY stderr');
  });

  it('prints a readable timeline and summary table without --json', async () => {
    const run = await cli(['simulate', ...SHORT]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Simulation "default" \(seed 5\): 8 days from 2026-01-05 to 2026-01-12/);
    assert.match(run.stdout, /\nTimeline\n/);
    assert.match(run.stdout, /\d+ right, \d+ wrong, \d+ still testing\n$/);
  });

  it('--scenario modest --seeds 2 --json reports per true effect over seeds seed..seed+1', async () => {
    const run = await cli(['--json', 'simulate', '--scenario', 'modest', '--seeds', '2', '--seed', '5', '--days', '6',
      '--leads-per-day', '20', '--warmup-days', '35']);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as SeedReport;
    assert.equal(r.scenario, 'modest');
    assert.deepEqual(r.seeds, [5, 6]);
    assert.equal(r.days, 6);
    assert.deepEqual(r.runs.map((x) => x.seed), [5, 6]);
    assert.deepEqual(r.rows.map((x) => [x.trueEffectPct, x.expected]), [[-10, 'KILL'], [0, 'KILL'], [10, 'either'], [20, 'KEEP'], [30, 'KEEP']]);
    for (const row of r.rows) {
      assert.equal(row.cases, 2);
      const sum = row.keep + row.kill.futile + row.kill.harmful + row.kill.inconclusive + row.kill.unstated + row.undecided + row.notSpawned;
      assert.ok(Math.abs(sum - 1) < 1e-9, `${row.effect}: shares sum to ${sum}`);
      assert.equal(row.tests, r.runs.reduce((n, x) => n + x.skills.filter((k) => row.skillTypes.includes(k.skillType)).length, 0));
    }
    assert.match(run.stderr, /simulated 82\/82 days \(seed 6, /, 'progress over all seeds as log lines on a non-TTY stderr');
    const human = await cli(['simulate', '--scenario', 'modest', '--seeds', '1', '--days', '3', '--leads-per-day', '10', '--warmup-days', '35']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Scenario "modest": 1 seeds \(42\.\.42\) × 3 days/);
    assert.match(human.stdout, /\n\+20% +lead-scorer +KEEP +1 /);
  });

  it('--policy both --runs N prints both policies side by side as data', async () => {
    const run = await cli(['--json', 'simulate', '--policy', 'both', '--runs', '60', '--seed', '9']);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as BacktestResult;
    assert.deepEqual(r.summary.map((s) => s.policy), ['seed', 'sequential']);
    assert.equal(r.settings.runs, 60);
    for (const s of r.summary) {
      assert.ok(s.falseKeepRate !== null && s.falseKeepRate >= 0 && s.falseKeepRate <= 1);
      assert.deepEqual(Object.keys(s.power).sort(), ['10', '20', '30']);
      assert.deepEqual(Object.keys(s.wrongKillRate).sort(), ['10', '20', '30']);
      assert.deepEqual(Object.keys(s.medianDaysToDecision).sort(), ['0', '10', '20', '30']);
    }
    assert.equal(r.cells.length, 8);
    const human = await cli(['simulate', '--policy', 'seed', '--runs', '20']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /false KEEP \(A\/A: no effect\)/);
  });

  it('--policy all --leads-per-day N --tests K --assignment exclusive backtests the three policies at round(7·N/(2·K)) per group per week', async () => {
    const run = await cli(['--json', 'simulate', '--policy', 'all', '--runs', '30', '--seed', '9', '--leads-per-day', '50', '--tests', '3', '--assignment', 'exclusive']);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as BacktestResult;
    assert.deepEqual(r.summary.map((s) => s.policy), ['seed', 'sequential', 'planned']);
    assert.deepEqual(r.settings.policies, ['seed', 'sequential', 'planned']);
    assert.equal(r.settings.leadsPerDay, 50);
    assert.equal(r.settings.testsAtOnce, 3);
    assert.equal(r.settings.assignment, 'exclusive');
    assert.equal(r.settings.perGroupPerWeek, 58);
    assert.equal(r.settings.design?.dailyUnits, 116 / 7);
    assert.equal(typeof r.settings.design?.feasible, 'boolean');
    assert.ok('minDetectableLiftPct' in (r.settings.design ?? {}));
    assert.deepEqual(Object.keys(r.settings.plans), ['seed', 'sequential', 'planned']);
    assert.equal(r.cells.length, 12);
    for (const s of r.summary) {
      for (const key of ['falseKeepRate', 'power', 'wrongKillRate', 'wrongKillRateByReason', 'medianDaysToDecision',
        'medianWeeksToDecision', 'aaKilledByWeek6', 'aaKilledByWeek12'] as const) assert.ok(key in s, `${s.policy}.${key}`);
      assert.deepEqual(Object.keys(s.wrongKillRateByReason).sort(), ['10', '20', '30']);
      assert.deepEqual(Object.keys(s.wrongKillRateByReason['20'] ?? {}).sort(), ['futile', 'harmful', 'inconclusive']);
      assert.deepEqual(Object.keys(s.medianWeeksToDecision).sort(), ['0', '10', '20', '30']);
      assert.ok(s.aaKilledByWeek6 !== null && s.aaKilledByWeek12 !== null && s.aaKilledByWeek6 <= s.aaKilledByWeek12);
    }
    // progress: log lines on a non-TTY stderr (JSON with --json), never on stdout
    assert.match(run.stderr, /backtested 120\/120 simulated tests \(100%\)/);
    assert.equal(run.stderr.split('\n').filter((l) => l.includes('backtested')).length, 10, 'one line every 10%');
  });

  it('overlapping tests (the default) each get every lead: --tests 3 gives round(7·N/2) per group per week', async () => {
    const run = await cli(['--json', 'simulate', '--policy', 'planned', '--runs', '10', '--leads-per-day', '50', '--tests', '3']);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as BacktestResult;
    assert.deepEqual([r.settings.assignment, r.settings.testsAtOnce, r.settings.perGroupPerWeek], ['overlapping', 3, 175]);
    const human = await cli(['--quiet', 'simulate', '--policy', 'planned', '--runs', '5', '--leads-per-day', '50', '--tests', '3']);
    assert.match(human.stdout, /volume: 50 leads\/day, 3 tests at once \(overlapping: each gets every lead\) → 175 per group per week/);
  });

  it('prints the volume, each policy\'s size and the side-by-side table; --tests defaults to 1', async () => {
    const run = await cli(['simulate', '--policy', 'all', '--runs', '20', '--leads-per-day', '50']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /volume: 50 leads\/day, 1 test at once \(overlapping: each gets every lead\) → 175 per group per week/);
    assert.match(run.stdout, /\n {2}seed: min_sample_size 963 per group, reached at week 6: fits within 182 days/);
    // a skill's first test at α 2 % (its share of the skill's α budget): a little larger than at 2.5 %, week 7
    assert.match(run.stdout, /\n {2}planned: design max \d+ per group, reached at week 7: fits within 182 days/);
    assert.match(run.stdout, /\n {2}planned α: test 1 of the simulated skill: α 2%, 80% of the skill's false-KEEP budget of 2\.5%/);
    assert.match(run.stdout, /\n +seed +sequential +planned\n/, 'one column per policy');
    for (const label of ['false KEEP (A/A: no effect)', 'KEEP rate at +10% (power)', 'KEEP rate at +30% (power)', 'wrong KILL at +20%',
      'futile / harmful / inconclusive', 'median weeks to decision, A/A', 'A/A KILLed by week 6', 'A/A KILLed by week 12']) {
      assert.ok(run.stdout.includes(label), label);
    }
    const quiet = await cli(['--quiet', 'simulate', '--policy', 'planned', '--runs', '5', '--weekly-per-group', '35']);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '', '--quiet: no progress');
    assert.match(quiet.stdout, /volume: 35 leads per group per week/);
    // (a first test at α 2 %: 1,112 per group, week 32; 30 weeks at the full 2.5 %)
    assert.match(quiet.stdout, /planned: design max \d+ per group, reached at week 32: does NOT fit within 182 days \(smallest lift detectable in time: \+\d/);
  });

  it('--help lists all and marks both as deprecated', async () => {
    const run = await cli(['simulate', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /"seed",\s+"sequential",\s+"planned",\s+"all",\s+"both"/);
    assert.match(run.stdout, /"both"\s+=\s+seed\s+\+\s+sequential:\s+deprecated/);
    assert.match(run.stdout, /--tests <k>/);
  });

  for (const [args, message] of [
    [['simulate', '--runs', '5'], /--runs belongs to the policy backtest/],
    [['simulate', '--tests', '3'], /--tests belongs to the policy backtest/],
    [['simulate', '--policy', 'all', '--tests', '3'], /--tests needs --leads-per-day/],
    [['simulate', '--policy', 'all', '--weekly-per-group', '50', '--leads-per-day', '50'], /either as --weekly-per-group or as --leads-per-day/],
    [['simulate', '--policy', 'all', '--leads-per-day', '50', '--tests', '0'], /--tests must be between 1 and 1000, got 0/],
    [['simulate', '--policy', 'all', '--leads-per-day', '50', '--tests', 'x'], /--tests must be a whole number/],
    [['simulate', '--policy', 'seed', '--leads-per-day', '1', '--tests', '10', '--assignment', 'exclusive'], /fewer than 1 lead a week/],
    [['simulate', '--policy', 'seed', '--assignment', 'exclusive'], /--assignment needs --leads-per-day/],
    [['simulate', '--assignment', 'exclusive'], /--assignment belongs to the policy backtest/],
    [['simulate', '--policy', 'planned', '--runs', '0'], /--runs must be between 1 and 1000000/],
    [['simulate', '--days', 'abc'], /--days must be a whole number/],
    [['simulate', '--days', '0'], /--days must be between 1 and 3650/],
    [['simulate', '--scenario', 'nope'], /Allowed choices are default, stable, modest/],
    [['simulate', '--seeds', '0'], /--seeds must be between 1 and 1000, got 0/],
    [['simulate', '--seeds', '2', '--policy', 'all'], /--seeds runs the simulation per seed; the policy backtest takes --runs/],
    [['--data-dir', '/nonexistent/lh', 'simulate', '--seeds', '2'], /--seeds runs every seed on its own fresh in-memory database/],
    [['simulate', '--policy', 'both', '--baseline-rate', '1.5'], /--baseline-rate must be a number strictly between 0 and 1/],
  ] as const) {
    it(`exits 2 with a one-line reason for ${args.slice(1).join(' ')}`, async () => {
      const run = await cli([...args]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      if ((args as readonly string[]).some((a) => a === '--policy' || a === '--tests')) assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
    });
  }

  it('exits 2 for an unknown policy', async () => {
    const run = await cli(['simulate', '--policy', 'nope']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Allowed choices are seed, sequential, planned, all, both/);
  });
});

const pg = (await dbTargets()).find((t) => t.name === 'postgres');
if (pg) {
  describe('lh-brain simulate on PostgreSQL', () => {
    it('honours --database-url, writes the rows there, and refuses a second run into the same database', async () => {
      const db = await pg.fresh();
      try {
        const url = postgresUrlOf(db)!;
        const run = await cli(['--database-url', url, '--json', 'simulate', ...SHORT]);
        assert.equal(run.code, 0, run.stderr);
        const r = JSON.parse(run.stdout) as SimulationResult;
        const [row] = await db.query<{ n: number }>('select count(*)::int as n from lh_lead_status');
        assert.equal(row?.n, r.totals.leads);
        const again = await cli(['--database-url', url, 'simulate', ...SHORT]);
        assert.equal(again.code, 2);
        assert.match(again.stderr, /already holds \d+ leads/);
      } finally {
        await db.close();
      }
    });
  });
}
