/**
 * Experiments in states nobody planned for, on both databases: a running test whose skill row was
 * deleted by hand, and tests with no leads in one group or in either. The analysis must decide what it
 * can, report what it cannot, and never write NaN/Infinity or crash. (A zero-SUCCESS group and a test
 * created without a skill are covered in test/db/analysis.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { runAnalysisJob, type AnalyzedTest, type AnalysisResult } from '../../src/jobs/analyze.ts';
import { runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets } from '../support/databases.ts';
import { assertSkillsAndTestsPaired } from './support.ts';

const MONDAY = new Date('2026-03-02T09:00:00Z');
const deps = (db: Database, at = MONDAY) => ({ db, clock: fixedClock(at), logger: silentLogger });

async function createTest(db: Queryable, id: number, metric = 'conversion_rate'): Promise<void> {
  await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status, spawned_at) values ($1, $2, $3, 'testing', '2026-02-01')`,
    [id, `skill-type-${id}`, `skill ${id}`]);
  await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, min_sample_size, started_at)
    values ($1, $2, $1, $3, 100, '2026-02-01')`, [id, `Test ${id}`, metric]);
}

async function addLeads(db: Queryable, testId: number, grp: string, n: number, converted: number): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at, ab_test_id, ab_test_group)
    select 'zillow', case when i <= $4 then 'qualified' else 'contacted' end, '2026-02-02T00:00:00Z'::timestamptz + i * interval '1 minute', $1, $2
    from generate_series(1, $3::int) i`, [testId, grp, n, converted]);
}

function analyzed(r: AnalysisResult, id: number): AnalyzedTest {
  const t = r.tests.find((x) => x.testId === id);
  assert.ok(t && t.kind === 'analyzed', JSON.stringify(t));
  return t;
}

/** Every number in the value is finite (JSON.stringify would turn NaN into null and hide it). */
function assertFinite(v: unknown, path = '$'): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path} is ${v}`);
  else if (Array.isArray(v)) v.forEach((x, i) => assertFinite(x, `${path}[${i}]`));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) assertFinite(x, `${path}.${k}`);
}

const NON_FINITE_ROWS = `select id from lh_ab_tests where 'NaN'::float8 in (control_conversion_rate, treatment_conversion_rate, lift_pct, p_value)
  or 'Infinity'::float8 in (abs(control_conversion_rate), abs(treatment_conversion_rate), abs(lift_pct)) or results::text ~ ':\\s*-?(NaN|Infinity)'`;

for (const target of await dbTargets()) {
  describe(`odd experiments on ${target.name}`, () => {
    it('a running test whose skill was deleted: decided and completed, the missing skill reported as a warning', async () => {
      const db = await target.fresh();
      try {
        await createTest(db, 3);
        await addLeads(db, 3, 'control', 100, 30);
        await addLeads(db, 3, 'treatment', 100, 45); // the seed's Test #4 numbers: a clear KEEP
        await db.query('delete from lh_spawned_skills where id = 3'); // ON DELETE SET NULL on lh_ab_tests.skill_id
        const r = await runAnalysisJob(deps(db));
        const t = analyzed(r, 3);
        assert.equal(t.skillId, null);
        assert.equal(t.decision.kind, 'KEEP');
        assert.equal(t.skillUpdated, false);
        assert.deepEqual(t.warnings, ['test has no skill_id: no skill to update']);
        assert.deepEqual(await db.query(`select status, recommendation from lh_ab_tests where id = 3`), [{ status: 'completed', recommendation: 'KEEP' }]);
        assert.equal(r.counts.failed, 0);
        await assertSkillsAndTestsPaired(db); // completed: no longer a running test without a skill
      } finally {
        await db.close();
      }
    });

    it('while it still runs, the skill-less test keeps blocking its metric: the daily job spawns no second test there', async () => {
      const db = await target.fresh();
      try {
        await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status, spawned_at) values (9, 'instant-responder', 'x', 'testing', '2026-01-01')`);
        await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, started_at) values (9, 'T9', 9, 'avg_response_time_hours', '2026-01-01')`);
        await db.query('delete from lh_spawned_skills where id = 9');
        // a week answered after 7–9 h: low_response_rate fires on D = 2026-01-20
        await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at)
          select 'referral', 'contacted', d + h * interval '1 hour', d + (h + 7 + h % 3) * interval '1 hour'
          from generate_series('2026-01-14'::timestamptz, '2026-01-20'::timestamptz, interval '1 day') d, generate_series(8, 13) h`);
        // history must cover the detection windows (cold-start guard, src/detect/coverage.ts)
        await db.query(`insert into lh_lead_status (source, status, created_at) values ('referral', 'new', '2025-10-01T10:00Z')`);
        const r = await runDailyJob(deps(db, new Date('2026-01-21T00:01:00Z')));
        assert.ok(r.days[0]!.bottlenecks.some((b) => b.type === 'low_response_rate'));
        assert.deepEqual(r.skipped.filter((s) => s.type === 'low_response_rate').map((s) => s.reason), ['metric-has-running-test']);
        assert.equal((await db.query(`select id from lh_ab_tests where metric_tracked = 'avg_response_time_hours'`)).length, 1);
      } finally {
        await db.close();
      }
    });

    it('no leads in one group, or in both: no decision, the test keeps running, and no NaN or Infinity anywhere', async () => {
      const db = await target.fresh();
      try {
        await createTest(db, 1);
        await addLeads(db, 1, 'control', 150, 30); // treatment never received a lead
        await createTest(db, 2, 'avg_response_time_hours'); // no lead at all
        await createTest(db, 4, 'f1_score');
        const r = await runAnalysisJob(deps(db));
        // 150 / 0 at a 50/50 allocation: the assignment is broken (SRM, chi-square 150), not merely short of data
        assert.equal(analyzed(r, 1).decision.kind, 'blocked-srm');
        for (const id of [2, 4]) assert.equal(analyzed(r, id).decision.kind, 'not-enough-data', `test ${id}`);
        for (const id of [1, 2, 4]) {
          const t = analyzed(r, id);
          assert.equal(t.status, 'running');
          assert.equal(t.treatment.n, 0);
          assert.equal(t.treatment.value, null);
          assert.equal(t.liftPct, null);
          assert.equal(t.pValue, null);
        }
        assert.match(analyzed(r, 1).decision.reason, /sample ratio mismatch \(chi-square 150\.00/);
        assertFinite(r);
        assert.deepEqual(await db.query(NON_FINITE_ROWS), []);
        assert.deepEqual(await db.query(`select id, status, control_sample_size, treatment_sample_size, lift_pct, p_value, recommendation
          from lh_ab_tests order by id`), [
          { id: 1, status: 'running', control_sample_size: 150, treatment_sample_size: 0, lift_pct: null, p_value: null, recommendation: null },
          { id: 2, status: 'running', control_sample_size: 0, treatment_sample_size: 0, lift_pct: null, p_value: null, recommendation: 'CONTINUE' },
          { id: 4, status: 'running', control_sample_size: 0, treatment_sample_size: 0, lift_pct: null, p_value: null, recommendation: 'CONTINUE' },
        ]);
        assert.deepEqual((await db.query(`select status from lh_spawned_skills order by id`)).map((s) => s['status']), ['testing', 'testing', 'testing']);
      } finally {
        await db.close();
      }
    });
  });
}
