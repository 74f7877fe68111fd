/**
 * `lh-brain simulate` as a user runs it: the real bin in a child process. The demo on the default
 * in-memory database (--json shape and exit code), on PostgreSQL via --database-url, the policy backtest's
 * shape, and one-line usage errors with exit code 2.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BacktestResult } from '../../src/sim/backtest.ts';
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

  for (const [args, message] of [
    [['simulate', '--runs', '5'], /--runs belongs to the policy backtest/],
    [['simulate', '--days', 'abc'], /--days must be a whole number/],
    [['simulate', '--days', '0'], /--days must be between 1 and 3650/],
    [['simulate', '--scenario', 'nope'], /Allowed choices are default, stable/],
    [['simulate', '--policy', 'both', '--baseline-rate', '1.5'], /--baseline-rate must be a number strictly between 0 and 1/],
  ] as const) {
    it(`exits 2 with a one-line reason for ${args.slice(1).join(' ')}`, async () => {
      const run = await cli([...args]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    });
  }
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
