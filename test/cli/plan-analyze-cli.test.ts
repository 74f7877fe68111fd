/**
 * `lh-brain plan` and `lh-brain analyze` as a user runs them: the real bin in a child process.
 * Exit codes: 0 success, 2 usage error, 1 failure. analyze runs against a fresh database of every target
 * (PostgreSQL by URL; PGlite through --data-dir).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { openPglite } from '../../src/db/pglite.ts';
import type { Queryable } from '../../src/db/port.ts';
import type { Plan } from '../../src/experiments/planner.ts';
import type { AnalysisResult } from '../../src/jobs/analyze.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { dbTargets, postgresUrlOf } from '../support/databases.ts';

type Run = CliRun;
const cli = (args: string[]): Promise<Run> => runCli(args);

describe('lh-brain plan', () => {
  it('prints the size per group and the duration; --json gives the plan', async () => {
    const human = await cli(['plan', '--baseline', '0.30', '--target', '0.36', '--daily-leads', '40', '--policy', 'seed']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /per group: +963 /);
    assert.match(human.stdout, /duration: +49 days \(7 weeks\), maximum allowed 182/);
    assert.match(human.stdout, /feasible: +yes/);
    const json = await cli(['--json', 'plan', '--baseline', '8', '--target', '6', '--metric', 'avg_response_time_hours', '--daily-leads', '20', '--policy', 'seed']);
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as Plan;
    assert.deepEqual([plan.kind, plan.metric, plan.policy, plan.targetLiftPct], ['ok', 'avg_response_time_hours', 'seed', 25]);
    assert.ok(plan.perGroup >= 100 && plan.weeks !== null);
    assert.equal(plan.feasible, true);
  });

  it('plans for the planned policy by default: the design\'s maximum, feasible and the minimum detectable lift', async () => {
    const json = await cli(['--json', 'plan', '--baseline', '0.30', '--target', '0.36', '--daily-leads', '6']);
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as Plan;
    assert.equal(plan.policy, 'planned');
    assert.equal(plan.feasible, false);
    assert.equal(typeof plan.minDetectableLiftPct, 'number');
    assert.ok(plan.minDetectableLiftPct! > 20);
    assert.ok(plan.design !== null && plan.design.maxPerGroup.control === plan.perGroup);
    const human = await cli(['plan', '--baseline', '0.30', '--target', '0.36', '--daily-leads', '6']);
    assert.match(human.stdout, /feasible: +NO: it needs \d+ days, more than the 182 allowed; the smallest lift detectable in time is \+\d+\.\d%/);
    const longer = JSON.parse((await cli(['--json', 'plan', '--baseline', '0.30', '--target', '0.36', '--daily-leads', '6', '--max-days', '500'])).stdout) as Plan;
    assert.equal(longer.feasible, true);
    const unknown = JSON.parse((await cli(['--json', 'plan', '--baseline', '0.30', '--target', '0.36'])).stdout) as Plan;
    assert.equal(unknown.feasible, null);
    assert.equal((await cli(['plan', '--baseline', '0.30', '--target', '0.36', '--max-days', '0'])).code, 2);
    // a skill's second test gets 80 % of what its α budget has left (0.4 %): a larger design, saying why
    const first = JSON.parse((await cli(['--json', 'plan', '--baseline', '0.30', '--target', '0.36', '--daily-leads', '14'])).stdout) as Plan;
    const second = JSON.parse((await cli(['--json', 'plan', '--baseline', '0.30', '--target', '0.36', '--daily-leads', '14', '--test-number', '2'])).stdout) as Plan;
    assert.deepEqual([first.design?.alpha, Number(second.design?.alpha.toPrecision(12))], [0.02, 0.004]);
    assert.ok(second.perGroup > first.perGroup, `${second.perGroup} vs ${first.perGroup}`);
    assert.ok(second.assumptions.some((a) => /^test 2 of the skill since its last KEEP: α 0\.4%/.test(a)), second.assumptions.join(' | '));
    assert.equal((await cli(['plan', '--baseline', '0.30', '--target', '0.36', '--test-number', '0'])).code, 2);
  });

  it('rejects bad input with a one-line reason and exit code 2', async () => {
    for (const [args, message] of [
      [['plan', '--baseline', '0.3'], /needs --baseline and --target/],
      [['plan', '--baseline', '0.3', '--target', '0.33'], /must exceed the KEEP threshold of 10%/],
      [['plan', '--baseline', '30', '--target', '45'], /between 0 and 1 \(e\.g\. 0\.30, not 30\)/],
      [['plan', '--baseline', 'abc', '--target', '0.4'], /--baseline must be a number/],
      [['plan', '--baseline', '0.3', '--target', '0.4', '--metric', 'revenue'], /--metric must be one of/],
      [['plan', '--baseline', '0.3', '--target', '0.4', '--allocation', '0'], /allocation/],
      [['plan', '--baseline', '0.3', '--target', '0.4', '--daily-leads', '-5'], /daily volume must be > 0/],
    ] as const) {
      const run = await cli([...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
  });
});

/** The seed's Test #4 on a migrated database: 100 control at 30 %, 100 treatment at 45 %. */
async function seedTest4(db: Queryable): Promise<void> {
  await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, spawned_at) values (4, 'lead-scorer', 'scorer', '2026-02-01')`);
  await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, started_at) values (4, 'Test #4', 4, 'conversion_rate', '2026-02-01')`);
  await db.query(`insert into lh_lead_status (source, status, created_at, ab_test_id, ab_test_group)
    select 'zillow', case when (g = 'control' and i <= 30) or (g = 'treatment' and i <= 45) then 'qualified' else 'contacted' end,
      '2026-02-02', 4, g from generate_series(1, 100) i, (values ('control'), ('treatment')) v(g)`);
}

async function checkAnalyze(dbArgs: string[]): Promise<void> {
  const now = ['--now', '2026-03-02T09:00:00Z'];
  const run = await cli([...dbArgs, ...now, '--json', 'analyze']);
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout) as AnalysisResult;
  assert.equal(r.asOf, '2026-03-02T09:00:00.000Z');
  const t = r.tests[0];
  assert.ok(t && t.kind === 'analyzed');
  assert.deepEqual([t.testId, t.decision.kind, t.status, Math.round(t.liftPct! * 1e9) / 1e9], [4, 'KEEP', 'completed', 50]);
  const again = await cli([...dbArgs, ...now, 'analyze']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /no running tests/);
  const explicit = await cli([...dbArgs, ...now, 'analyze', '--test', '4', '--policy', 'sequential']);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.match(explicit.stdout, /^4 .*skipped: test is not running/m);
  const bad = await cli([...dbArgs, 'analyze', '--test', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--test must be a positive test id/);
}

for (const target of await dbTargets()) {
  describe(`lh-brain analyze on ${target.name}`, () => {
    it("decides the seed's Test #4 (KEEP, +50 %), then has nothing left to decide", async () => {
      if (target.name === 'postgres') {
        const db = await target.fresh();
        try {
          await seedTest4(db);
          await checkAnalyze(['--database-url', postgresUrlOf(db)!]);
        } finally {
          await db.close();
        }
        return;
      }
      const dir = await mkdtemp(join(tmpdir(), 'lh-analyze-'));
      try {
        const db = await openPglite(dir);
        try {
          await migrate(db, loadMigrations());
          await seedTest4(db);
        } finally {
          await db.close();
        }
        await checkAnalyze(['--data-dir', dir]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
