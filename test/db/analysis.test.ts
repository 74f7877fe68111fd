/**
 * The weekly analysis job end to end on both databases: outcome SQL → statistics → policy → the
 * lh_ab_tests / lh_spawned_skills writes. Reference p-values from SciPy 1.17:
 * scipy.stats.chi2_contingency([[x1, n1 − x1], [x2, n2 − x2]], correction=False)[1] (= the pooled
 * two-sided two-proportion z-test).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { runAnalysisJob, type AnalyzedTest, type AnalysisResult } from '../../src/jobs/analyze.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets } from '../support/databases.ts';

const NOW = new Date('2026-03-02T09:00:00Z'); // a Monday
const STARTED = '2026-02-01T00:00:00Z';
const deps = (db: Database, at = NOW) => ({ db, clock: fixedClock(at), logger: silentLogger });

interface TestOpts { metric?: string; min?: number; policy?: string; allocation?: number; started?: string; skill?: boolean; segment?: string; maxDays?: number; planned?: number }

/** A testing skill and its running test; returns the test id. */
async function createTest(db: Queryable, id: number, o: TestOpts = {}): Promise<number> {
  const skill = o.skill === false ? null : id;
  if (skill !== null) {
    await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status, spawned_at) values ($1, $2, $3, 'testing', $4)`,
      [id, `skill-type-${id}`, `skill ${id}`, STARTED]);
  }
  await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, segment, traffic_allocation_pct, min_sample_size,
      planned_sample_size, policy, started_at, max_duration_days) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
  [id, `Test ${id}`, skill, o.metric ?? 'conversion_rate', o.segment ?? null, o.allocation ?? 50, o.min ?? 100,
    o.planned ?? null, o.policy ?? 'seed', o.started ?? STARTED, o.maxDays ?? 182]);
  return id;
}

/** n leads in a group, the first `converted` of them qualified (status only, as the seed's own inserts do). */
async function addLeads(db: Queryable, testId: number, grp: string, n: number, converted: number, source = 'zillow'): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at, ab_test_id, ab_test_group)
    select $4, case when i <= $5 then 'qualified' else 'contacted' end, $6::timestamptz + i * interval '1 minute', $1, $2
    from generate_series(1, $3::int) i`, [testId, grp, n, source, converted, '2026-02-02T00:00:00Z']);
}

/** n contacted leads whose response time is hours(i) for i = 1..n. */
async function addResponseTimes(db: Queryable, testId: number, grp: string, n: number, hoursExpr: string): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, ab_test_id, ab_test_group)
    select 'zillow', 'contacted', $4::timestamptz + i * interval '1 hour',
      $4::timestamptz + i * interval '1 hour' + (${hoursExpr}) * interval '1 hour', $1, $2
    from generate_series(1, $3::int) i`, [testId, grp, n, '2026-02-02T00:00:00Z']);
}

function analyzed(r: AnalysisResult, testId: number): AnalyzedTest {
  const t = r.tests.find((x) => x.testId === testId);
  assert.ok(t && t.kind === 'analyzed', `test ${testId} not analyzed: ${JSON.stringify(t)}`);
  return t;
}

async function testRow(db: Queryable, id: number) {
  const [row] = await db.query<Record<string, unknown>>(`select *, xmin::text as xmin, results::text as results_text from lh_ab_tests where id = $1`, [id]);
  return row!;
}

async function skillRow(db: Queryable, id: number) {
  const [row] = await db.query<Record<string, unknown>>(`select *, xmin::text as xmin from lh_spawned_skills where id = $1`, [id]);
  return row!;
}

/** Walks a value: every number in it must be finite (JSON.stringify would hide a NaN as null). */
function assertFiniteEverywhere(v: unknown, path = '$'): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path} is ${v}`);
  else if (Array.isArray(v)) v.forEach((x, i) => assertFiniteEverywhere(x, `${path}[${i}]`));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) assertFiniteEverywhere(x, `${path}.${k}`);
}

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

for (const target of await dbTargets()) {
  describe(`weekly analysis on ${target.name}`, () => {
    const withDb = (fn: (db: Database) => Promise<void>) => async () => {
      const db = await target.fresh();
      try { await fn(db); } finally { await db.close(); }
    };

    it("the seed's Test #4: 100 at 30 % vs 100 at 45 % → KEEP with a 50 % lift, skill active", withDb(async (db) => {
      await createTest(db, 4);
      // 40 zillow + 60 referral per group: zillow 12/40 vs 20/40, referral 18/60 vs 25/60
      await addLeads(db, 4, 'control', 40, 12, 'zillow');
      await addLeads(db, 4, 'control', 60, 18, 'referral');
      await addLeads(db, 4, 'treatment', 40, 20, 'zillow');
      await addLeads(db, 4, 'treatment', 60, 25, 'referral');
      const r = await runAnalysisJob(deps(db));
      const t = analyzed(r, 4);
      assert.equal(t.decision.kind, 'KEEP');
      close(t.liftPct!, 50);
      close(t.pValue!, 0.028459736916310638, 1e-12); // SciPy
      const row = await testRow(db, 4);
      assert.equal(row['status'], 'completed');
      assert.equal(row['recommendation'], 'KEEP');
      assert.equal(row['winner'], 'treatment');
      assert.equal(row['control_sample_size'], 100);
      assert.equal(row['treatment_sample_size'], 100);
      close(row['control_conversion_rate'] as number, 0.3);
      close(row['treatment_conversion_rate'] as number, 0.45);
      close(row['lift_pct'] as number, 50);
      assert.deepEqual(row['ended_at'], NOW);
      assert.deepEqual(row['analyzed_at'], NOW);
      const skill = await skillRow(db, 4);
      assert.equal(skill['status'], 'active');
      close(skill['actual_lift_pct'] as number, 50);
      assert.deepEqual(skill['decision_made_at'], NOW);
      // per source, Holm-adjusted (SciPy p: zillow 0.06788915486182878, referral 0.18265377214554138)
      const results = row['results'] as { bySource: Array<{ source: string; pValue: number; adjustedPValue: number; significant: boolean }>; srm: { status: string } };
      const bySource = Object.fromEntries(results.bySource.map((s) => [s.source, s]));
      close(bySource['zillow']!.pValue, 0.06788915486182878, 1e-12);
      close(bySource['zillow']!.adjustedPValue, 2 * 0.06788915486182878, 1e-12);
      close(bySource['referral']!.adjustedPValue, 0.18265377214554138, 1e-12);
      assert.equal(bySource['zillow']!.significant, false);
      assert.equal(results.srm.status, 'ok');
    }));

    it('KILL (lift < 5 %), CONTINUE (p between 0.05 and 0.10) and not-enough-data, each written as such', withDb(async (db) => {
      await createTest(db, 1, { metric: 'conversion_rate' });
      await addLeads(db, 1, 'control', 100, 30);
      await addLeads(db, 1, 'treatment', 100, 31); // p = 0.878 (SciPy)
      await createTest(db, 2, { metric: 'contact_rate', min: 300 });
      await addLeads(db, 2, 'control', 300, 0); // and no treatment leads at all
      await db.query(`update lh_lead_status set status = 'new' where ab_test_id = 2 and id % 3 = 0`);
      await createTest(db, 3, { metric: 'qualification_rate', min: 300 });
      await addLeads(db, 3, 'control', 300, 90);
      await addLeads(db, 3, 'treatment', 300, 110); // 30 % vs 36.7 %: p = 0.08326451666355042 (SciPy)
      await createTest(db, 5, { metric: 'avg_days_to_qualify' });
      await addLeads(db, 5, 'control', 50, 20);
      await addLeads(db, 5, 'treatment', 50, 20);
      const r = await runAnalysisJob(deps(db));
      assert.equal(analyzed(r, 1).decision.kind, 'KILL');
      assert.equal((await skillRow(db, 1))['status'], 'killed');
      assert.equal((await testRow(db, 1))['winner'], 'control');
      const t3 = analyzed(r, 3);
      assert.equal(t3.decision.kind, 'CONTINUE');
      close(t3.pValue!, 0.08326451666355042, 1e-12);
      const row3 = await testRow(db, 3);
      assert.equal(row3['status'], 'running');
      assert.equal(row3['recommendation'], 'CONTINUE');
      assert.equal(row3['ended_at'], null);
      assert.equal((await skillRow(db, 3))['status'], 'testing');
      // treatment has no leads at all on test 2: 300 / 0 at 50/50 is a broken assignment (SRM), not merely
      // too little data; no decision, nothing NaN, the test keeps running
      const t2 = analyzed(r, 2);
      assert.equal(t2.decision.kind, 'blocked-srm');
      assert.equal((await testRow(db, 2))['status'], 'running');
      assert.equal((await testRow(db, 2))['treatment_conversion_rate'], null);
      assert.equal(analyzed(r, 5).decision.kind, 'not-enough-data'); // no qualified_at timestamps: no durations
      assert.deepEqual(r.counts, { analyzed: 4, keep: 0, kill: 1, continue: 1, notEnoughData: 1, blockedSrm: 1, skipped: 0, failed: 0, updated: 4 });
    }));

    it('SRM blocks the decision; past the max duration a CONTINUE becomes an inconclusive KILL', withDb(async (db) => {
      await createTest(db, 1);
      await addLeads(db, 1, 'control', 200, 60);
      await addLeads(db, 1, 'treatment', 100, 45); // a 2:1 split at a 50/50 allocation
      await createTest(db, 2, { metric: 'qualification_rate', min: 300, started: '2025-08-01T00:00:00Z' });
      await addLeads(db, 2, 'control', 300, 90);
      await addLeads(db, 2, 'treatment', 300, 110);
      const r = await runAnalysisJob(deps(db));
      const t1 = analyzed(r, 1);
      assert.equal(t1.decision.kind, 'blocked-srm');
      assert.equal(t1.srm.status, 'mismatch');
      const row1 = await testRow(db, 1);
      assert.equal(row1['status'], 'running');
      assert.equal(row1['recommendation'], null);
      assert.match(String(row1['decision_reason']), /sample ratio mismatch/);
      const t2 = analyzed(r, 2);
      assert.deepEqual({ kind: t2.decision.kind, killReason: t2.decision.kind === 'KILL' && t2.decision.killReason }, { kind: 'KILL', killReason: 'inconclusive' });
      assert.equal((await testRow(db, 2))['status'], 'completed');
      assert.equal((await skillRow(db, 2))['status'], 'killed');
    }));

    it('a duration metric is decided in the right direction (lower is better)', withDb(async (db) => {
      await createTest(db, 1, { metric: 'avg_response_time_hours' });
      await addResponseTimes(db, 1, 'control', 100, '2 + i % 5'); // mean 4 h
      await addResponseTimes(db, 1, 'treatment', 100, '1 + i % 3'); // mean 2 h
      await createTest(db, 2, { metric: 'avg_days_to_qualify' });
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, qualified_at, ab_test_id, ab_test_group)
        select 'zillow', 'qualified', '2026-02-02'::timestamptz, '2026-02-03'::timestamptz,
          '2026-02-03'::timestamptz + (case when g = 'control' then 2 + i % 3 else 4 + i % 3 end) * interval '1 day', 2, g
        from generate_series(1, 100) i, (values ('control'), ('treatment')) v(g)`);
      const r = await runAnalysisJob(deps(db));
      const t1 = analyzed(r, 1);
      assert.equal(t1.decision.kind, 'KEEP');
      close(t1.liftPct!, 50, 1e-9);
      close((await testRow(db, 1))['control_conversion_rate'] as number, 4);
      const t2 = analyzed(r, 2);
      assert.equal(t2.decision.kind, 'KILL'); // treatment takes 2 days longer: lift −66 %
      close(t2.liftPct!, ((3 - 5) / 3) * 100, 1e-6);
      assert.ok(t2.pValue! < 1e-6);
    }));

    it('is idempotent: a second run changes nothing, and completed tests are never decided again', withDb(async (db) => {
      await createTest(db, 4);
      await addLeads(db, 4, 'control', 100, 30);
      await addLeads(db, 4, 'treatment', 100, 45);
      await createTest(db, 5, { metric: 'qualification_rate', min: 300 });
      await addLeads(db, 5, 'control', 300, 90);
      await addLeads(db, 5, 'treatment', 300, 110);
      await runAnalysisJob(deps(db));
      const before = [await testRow(db, 4), await testRow(db, 5), await skillRow(db, 4), await skillRow(db, 5)];
      const again = await runAnalysisJob(deps(db, new Date(NOW.getTime() + 3_600_000)));
      assert.deepEqual(again.tests.find((t) => t.testId === 4), undefined); // completed: not even listed
      assert.equal(analyzed(again, 5).testUpdated, false);
      assert.equal(again.counts.updated, 0);
      const after = [await testRow(db, 4), await testRow(db, 5), await skillRow(db, 4), await skillRow(db, 5)];
      assert.deepEqual(after, before);
      // asking for the completed test explicitly reports it as skipped, and an unknown id as such
      const explicit = await runAnalysisJob(deps(db), { testIds: [4, 99] });
      assert.deepEqual(explicit.tests.map((t) => [t.testId, t.kind]), [[4, 'skipped'], [99, 'skipped']]);
      assert.deepEqual(await testRow(db, 4), before[0]);
    }));

    it('two analyses at once decide a test once (advisory lock + running guard)', withDb(async (db) => {
      await createTest(db, 4);
      await addLeads(db, 4, 'control', 100, 30);
      await addLeads(db, 4, 'treatment', 100, 45);
      const [a, b] = await Promise.all([runAnalysisJob(deps(db)), runAnalysisJob(deps(db))]);
      const kinds = [a, b].map((r) => r.tests.find((t) => t.testId === 4)?.kind ?? 'not listed').sort();
      // the loser either saw the test completed when listing, or waited on the lock and found it completed
      assert.ok(kinds[0] === 'analyzed' && (kinds[1] === 'not listed' || kinds[1] === 'skipped'), kinds.join(','));
      assert.equal([a, b].filter((r) => r.counts.keep === 1).length, 1);
      assert.equal((await skillRow(db, 4))['status'], 'active');
    }));

    it('a test whose skill is missing is reported, not fatal', withDb(async (db) => {
      await createTest(db, 7, { skill: false });
      await addLeads(db, 7, 'control', 100, 30);
      await addLeads(db, 7, 'treatment', 100, 45);
      const r = await runAnalysisJob(deps(db));
      const t = analyzed(r, 7);
      assert.equal(t.decision.kind, 'KEEP');
      assert.match(t.warnings.join(' '), /no skill/);
      assert.equal((await testRow(db, 7))['status'], 'completed');
    }));

    it('a zero-count group gives no NaN or Infinity in the row or the JSON', withDb(async (db) => {
      await createTest(db, 1);
      await addLeads(db, 1, 'control', 100, 0);
      await addLeads(db, 1, 'treatment', 100, 10); // SciPy p = 0.0011768659106247386
      await createTest(db, 2, { metric: 'contact_rate' });
      await addLeads(db, 2, 'control', 100, 0);
      await addLeads(db, 2, 'treatment', 100, 0);
      await db.query(`update lh_lead_status set status = 'new' where ab_test_id = 2`); // nobody contacted in either group
      const r = await runAnalysisJob(deps(db));
      const t1 = analyzed(r, 1);
      assert.equal(t1.liftPct, null);
      assert.equal(t1.decision.kind, 'KEEP'); // decided on the absolute difference: 0 % → 10 %, p < 0.05
      const row1 = await testRow(db, 1);
      assert.equal(row1['lift_pct'], null);
      assert.equal((await skillRow(db, 1))['actual_lift_pct'], null);
      assert.equal(analyzed(r, 2).decision.kind, 'KILL'); // 0 % vs 0 %: no effect, p = 1
      const bad = await db.query(`select id from lh_ab_tests where 'NaN'::float8 in (control_conversion_rate, treatment_conversion_rate, lift_pct, p_value)
        or 'Infinity'::float8 in (abs(control_conversion_rate), abs(treatment_conversion_rate), abs(lift_pct)) or results::text ~ ':\s*-?(NaN|Infinity)'`);
      assert.deepEqual(bad, []);
      assertFiniteEverywhere(r);
      assert.doesNotMatch(String(row1['results_text']), /:\s*-?(NaN|Infinity)/);
    }));

    it('nonsense rows are excluded and counted; qualification counts contacted leads only', withDb(async (db) => {
      await createTest(db, 1, { metric: 'qualification_rate', min: 10 });
      await addLeads(db, 1, 'control', 20, 5);
      await addLeads(db, 1, 'treatment', 20, 10);
      await db.query(`update lh_lead_status set status = 'new' where ab_test_id = 1 and id in
        (select id from lh_lead_status where ab_test_id = 1 and ab_test_group = 'control' and status = 'contacted' order by id limit 5)`);
      // contacted an hour before it was created: excluded from every outcome
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, ab_test_id, ab_test_group)
        values ('zillow', 'contacted', '2026-02-10T10:00Z', '2026-02-10T09:00Z', 1, 'control')`);
      const r = await runAnalysisJob(deps(db));
      const t = analyzed(r, 1);
      assert.equal(t.control.assigned, 21);
      assert.equal(t.control.n, 15); // 20 minus the five that were never contacted
      assert.equal(t.control.excluded['contacted_before_created'], 1);
      assert.equal(t.control.successes, 5);
      assert.equal(t.treatment.n, 20);
    }));

    it('f1_score: a validation counts as correct when the prediction matches the agent feedback', withDb(async (db) => {
      await createTest(db, 1, { metric: 'f1_score', min: 10 });
      await addLeads(db, 1, 'control', 20, 0);
      await addLeads(db, 1, 'treatment', 20, 0);
      // one validation per lead, predicted true; truth: control right for 10 of 20, treatment for 18 of 20
      await db.query(`insert into lh_validation_history (lead_id, pattern_name, predicted, validated_at)
        select id, 'business_detection', true, '2026-02-05' from lh_lead_status where ab_test_id = 1`);
      await db.query(`insert into lh_feedback_log (validation_id, actual, created_at)
        select v.id, case when l.ab_test_group = 'control' then (row_number() over (partition by l.ab_test_group order by l.id)) <= 10
                          else (row_number() over (partition by l.ab_test_group order by l.id)) <= 18 end, '2026-02-06'
        from lh_validation_history v join lh_lead_status l on l.id = v.lead_id`);
      await db.query(`insert into lh_validation_history (lead_id, pattern_name, predicted, validated_at)
        select id, 'owner_match', null, '2026-02-05' from lh_lead_status where ab_test_id = 1 and ab_test_group = 'control' limit 1`);
      await db.query(`insert into lh_feedback_log (lead_id, pattern_name, actual, created_at)
        select lead_id, 'owner_match', true, '2026-02-06' from lh_validation_history where pattern_name = 'owner_match'`);
      const r = await runAnalysisJob(deps(db));
      const t = analyzed(r, 1);
      assert.deepEqual([t.control.successes, t.control.n, t.treatment.successes, t.treatment.n], [10, 20, 18, 20]);
      assert.equal(t.control.excluded['validation_without_prediction'], 1);
      close(t.liftPct!, 80);
    }));

    it('source_conversion_rate counts only the segment; the sequential policy stores an always-valid p', withDb(async (db) => {
      await createTest(db, 1, { metric: 'source_conversion_rate', segment: 'referral', policy: 'sequential', planned: 400 });
      await addLeads(db, 1, 'control', 200, 40, 'referral');
      await addLeads(db, 1, 'treatment', 200, 100, 'referral');
      await addLeads(db, 1, 'treatment', 5, 5, 'zillow'); // outside the segment (written by another service)
      const r = await runAnalysisJob(deps(db));
      const t = analyzed(r, 1);
      assert.equal(t.policy, 'sequential');
      assert.equal(t.treatment.n, 200);
      assert.equal(t.treatment.excluded['outside_segment'], 5);
      assert.equal(t.decision.kind, 'KEEP');
      const row = await testRow(db, 1);
      const results = row['results'] as { sequential: { alwaysValidP: number; plannedTotalN: number }; pValue: number };
      assert.equal(results.sequential.plannedTotalN, 800);
      assert.equal(row['p_value'], results.sequential.alwaysValidP);
      assert.ok(results.sequential.alwaysValidP > results.pValue, 'always-valid p is larger than the fixed-horizon one');
      // the same data under the seed policy override: fixed-horizon p
      await createTest(db, 2, { metric: 'conversion_rate', policy: 'sequential' });
      await addLeads(db, 2, 'control', 100, 30);
      await addLeads(db, 2, 'treatment', 100, 45);
      const seed = await runAnalysisJob(deps(db), { policy: 'seed', testIds: [2] });
      assert.equal(analyzed(seed, 2).policy, 'seed');
      close(analyzed(seed, 2).pValue!, 0.028459736916310638, 1e-12);
    }));
  });
}
