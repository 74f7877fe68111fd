/**
 * Designed (planned) tests on both databases: the daily job's spawning stores a design sized at the
 * measured volume (or the seed rule when lh_settings.decision says so), the weekly analysis records one
 * look per week in lh_ab_test_looks (a re-run adds nothing), KILLs say why in kill_reason, the cooldown
 * after an inconclusive KILL is the shorter one, and the schema refuses a planned test without a design.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import type { Bottleneck } from '../../src/detect/types.ts';
import { DEFAULT_DECISION_CONFIG } from '../../src/experiments/decision-config.ts';
import { designTest, type TestDesign } from '../../src/experiments/design.ts';
import { runAnalysisJob, type AnalyzedTest } from '../../src/jobs/analyze.ts';
import { DEFAULT_SPAWN_CONFIG, plannedMinSampleSize, spawnOne } from '../../src/jobs/spawn.ts';
import { silentLogger } from '../../src/logger.ts';
import { readTestResults } from '../../src/experiments/results-document.ts';
import { buildReport } from '../../src/report/build.ts';
import { testLine } from '../../src/report/format.ts';
import { dbTargets } from '../support/databases.ts';
import { setAssignmentMode } from '../support/ab-tests.ts';

const DAY = '2026-01-20';
const NOW = new Date('2026-01-21T00:01:00Z');
const DAY_MS = 86_400_000;

const qualification: Bottleneck = {
  type: 'poor_qualification', severity: 'high', metric: 'qualification_rate', currentValue: 0.25, targetValue: 0.5,
  suggestedSkill: 'lead-scorer', segment: null,
  evidence: [{ trigger: { kind: 'threshold', rule: 'qualification < 0.3', threshold: 0.3 }, figures: { contacted: 400 }, summary: 'qualification 25%' }],
};

/** 28 metric days up to DAY with `contacted` contacts and 2× as many new leads a day. */
async function addDailyMetrics(db: Queryable, contacted: number): Promise<void> {
  await db.query(`insert into lh_daily_metrics (metric_date, new_leads_count, contacted_count)
    select $1::date - i, $2::int * 2, $2::int from generate_series(0, 27) i`, [DAY, contacted]);
}

const designOf = async (db: Queryable, id: number) =>
  (await db.query<{ policy: string; design: TestDesign | null; min_sample_size: number }>(
    'select policy, design, min_sample_size from lh_ab_tests where id = $1', [id]))[0]!;

const STARTED = new Date('2026-02-02T00:00:00Z'); // a Monday
const design = (() => {
  const r = designTest({ metric: 'conversion_rate', baseline: 0.3, dailyUnits: 100 / 7, maxDurationDays: 182, config: DEFAULT_DECISION_CONFIG.planned });
  if (r.kind !== 'ok') throw new Error(r.reason);
  return r.design;
})();

/** A testing skill and its running planned test. */
async function plannedTest(db: Queryable, id: number): Promise<void> {
  await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status, spawned_at) values ($1, $2, $3, 'testing', $4)`,
    [id, `skill-type-${id}`, `skill ${id}`, STARTED]);
  await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, min_sample_size, policy, design, started_at)
    values ($1, $2, $1, 'conversion_rate', $3, 'planned', $4::text::jsonb, $5)`,
  [id, `Test ${id}`, design.maxPerGroup.control, JSON.stringify(design), STARTED]);
}

/** One week of a group: n leads created in week w (0-based), the first `converted` qualified. */
async function addWeek(db: Queryable, testId: number, grp: string, w: number, n: number, converted: number): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at, ab_test_id, ab_test_group)
    select 'zillow', case when i <= $4 then 'qualified' else 'contacted' end,
      $5::timestamptz + ($6::int * 7) * interval '1 day' + i * interval '1 minute', $1, $2
    from generate_series(1, $3::int) i`, [testId, grp, n, converted, STARTED.toISOString(), w]);
}

const weekClock = (w: number) => new Date(STARTED.getTime() + w * 7 * DAY_MS + 5 * 60_000);

async function analyse(db: Database, at: Date, testId: number): Promise<AnalyzedTest> {
  const r = await runAnalysisJob({ db, clock: fixedClock(at), logger: silentLogger }, { testIds: [testId] });
  const t = r.tests.find((x) => x.testId === testId);
  assert.equal(t?.kind, 'analyzed', JSON.stringify(t));
  return t as AnalyzedTest;
}

const looksOf = (db: Queryable, testId: number) => db.query<{ look_number: number; control_n: number; decision: string; kill_reason: string | null; efficacy_z: number; information_fraction: number }>(
  'select look_number, control_n, decision, kill_reason, efficacy_z, information_fraction from lh_ab_test_looks where test_id = $1 order by look_number', [testId]);

for (const target of await dbTargets()) {
  describe(`designed tests on ${target.name}`, () => {
    it('spawning designs the test at the measured volume: the metric\'s units a day over 28 days, all of it when tests overlap, shared when exclusive', async () => {
      const db = await target.fresh();
      try {
        await addDailyMetrics(db, 20);
        const d = await spawnOne(db, qualification, DAY, NOW);
        assert.equal(d.kind, 'spawned');
        if (d.kind !== 'spawned') return;
        const row = await designOf(db, d.spawned.test.id);
        assert.equal(row.policy, 'planned');
        assert.ok(row.design);
        assert.equal(row.design.dailyUnits, 20); // contacted leads a day: qualification's unit
        assert.equal(row.design.liftPct, 20); // the smallest worthwhile lift, not the bottleneck's doubling
        assert.equal(row.design.feasible, true);
        assert.equal(row.min_sample_size, row.design.maxPerGroup.control);
        assert.equal(d.spawned.test.policy, 'planned');
        assert.equal(d.spawned.test.design?.feasible, true);
        // a second test on another metric gets every lead too (overlapping tests, the default) ...
        const second = await spawnOne(db, { ...qualification, type: 'low_response_rate', metric: 'avg_response_time_hours', currentValue: 6,
          targetValue: 2, suggestedSkill: 'instant-responder' }, DAY, NOW);
        assert.equal(second.kind, 'spawned');
        if (second.kind === 'spawned') assert.equal((await designOf(db, second.spawned.test.id)).design?.dailyUnits, 20);
        // ... and shares them with the two running tests when tests are exclusive: a third of the volume
        await setAssignmentMode(db, 'exclusive');
        const third = await spawnOne(db, { ...qualification, type: 'slow_follow_up', metric: 'avg_days_to_qualify', currentValue: 6,
          targetValue: 2, suggestedSkill: 'follow-up-sequencer' }, DAY, NOW);
        assert.equal(third.kind, 'spawned');
        if (third.kind === 'spawned') assert.equal((await designOf(db, third.spawned.test.id)).design?.dailyUnits, 6.67);
      } finally {
        await db.close();
      }
    });

    it('a design that cannot fit is raised to the minimum detectable lift and says so at spawn', async () => {
      const db = await target.fresh();
      try {
        await addDailyMetrics(db, 4);
        const d = await spawnOne(db, qualification, DAY, NOW);
        assert.equal(d.kind, 'spawned');
        if (d.kind !== 'spawned') return;
        const t = d.spawned.test.design!;
        assert.ok(t.liftPct > 20, `lift ${t.liftPct}`);
        assert.equal(t.requestedLiftPct, 20);
        assert.match(t.note ?? '', /designed for \+\d+\.\d%, the smallest lift detectable within 182 days/);
        assert.ok(t.daysToMax !== null && t.daysToMax <= 182);
      } finally {
        await db.close();
      }
    });

    it('lh_settings.decision.spawnPolicy = seed spawns the seed rule\'s test, planned for the target as before', async () => {
      const db = await target.fresh();
      try {
        await db.query(`insert into lh_settings (key, value) values ('decision', '{"spawnPolicy": "seed"}')`);
        const decision = { ...DEFAULT_DECISION_CONFIG, spawnPolicy: 'seed' as const };
        const d = await spawnOne(db, qualification, DAY, NOW, { ...DEFAULT_SPAWN_CONFIG, decision });
        assert.equal(d.kind, 'spawned');
        if (d.kind !== 'spawned') return;
        const row = await designOf(db, d.spawned.test.id);
        assert.deepEqual([row.policy, row.design], ['seed', null]);
        assert.equal(row.min_sample_size, plannedMinSampleSize(qualification, 'seed'));
      } finally {
        await db.close();
      }
    });

    it('after an inconclusive KILL the cooldown is 14 days; after a futile one 30', async () => {
      for (const [reason, expected] of [['inconclusive', 'spawned'], ['futile', 'killed-recently']] as const) {
        const db = await target.fresh();
        try {
          const killedAt = new Date(NOW.getTime() - 20 * DAY_MS);
          const [s] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at, decision_made_at)
            values ('lead-scorer', 'old', 'killed', $1::timestamptz - interval '60 days', $1) returning id`, [killedAt.toISOString()]);
          await db.query(`insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at, ended_at, recommendation, kill_reason)
            values ('old', $1, 'qualification_rate', 'completed', $2::timestamptz - interval '60 days', $2, 'KILL', $3)`, [s!.id, killedAt.toISOString(), reason]);
          const d = await spawnOne(db, qualification, DAY, NOW);
          assert.equal(d.kind === 'spawned' ? 'spawned' : d.skipped.reason, expected, reason);
        } finally {
          await db.close();
        }
      }
    });

    it('a skill identity\'s repeated tests share its α: 0.8α, 0.16α, … since its last KEEP, per skill type and segment; stored with why, shown by the report', async () => {
      const db = await target.fresh();
      try {
        await addDailyMetrics(db, 20);
        const alphaOf = async (id: number) => (await designOf(db, id)).design?.alphaAllocation;
        const spawnAt = async (b: Bottleneck, at: Date) => {
          const d = await spawnOne(db, b, DAY, at);
          assert.equal(d.kind, 'spawned', JSON.stringify(d));
          return (d as { spawned: { test: { id: number; design: { alpha: number; alphaReason: string | null } | null }; skill: { id: number } } }).spawned;
        };
        const end = async (s: { test: { id: number }; skill: { id: number } }, at: Date, kind: 'KEEP' | 'KILL') => {
          await db.query(`update lh_ab_tests set status = 'completed', ended_at = $2, recommendation = $3, kill_reason = $4 where id = $1`,
            [s.test.id, at.toISOString(), kind, kind === 'KILL' ? 'futile' : null]);
          await db.query(`update lh_spawned_skills set status = $2, decision_made_at = $3 where id = $1`,
            [s.skill.id, kind === 'KEEP' ? 'active' : 'killed', at.toISOString()]);
        };
        const first = await spawnAt(qualification, NOW);
        const a1 = await alphaOf(first.test.id);
        assert.deepEqual([a1?.testNumber, a1?.share, a1?.familyAlpha], [1, 0.8, 0.025]);
        assert.equal((await designOf(db, first.test.id)).design?.alpha, 0.02); // the design is sized at its share
        assert.equal(first.test.design?.alpha, 0.02);
        assert.match(first.test.design?.alphaReason ?? '', /^test 1 of lead-scorer: α 2%, 80% of the skill's false-KEEP budget of 2\.5%/);
        // another identity (a segment of another skill type) starts its own budget
        const weak: Bottleneck = { ...qualification, type: 'weak_lead_source', metric: 'source_conversion_rate', suggestedSkill: 'source-optimizer', segment: 'zillow', currentValue: 0.08 };
        assert.equal((await alphaOf((await spawnAt(weak, NOW)).test.id))?.testNumber, 1);
        // KILLed, retried after the cooldown: the second test gets half of what is left
        await end(first, new Date(NOW.getTime() + 7 * DAY_MS), 'KILL');
        const second = await spawnAt(qualification, new Date(NOW.getTime() + 40 * DAY_MS));
        const a2 = await alphaOf(second.test.id);
        assert.deepEqual([a2?.testNumber, Number(a2?.alpha.toPrecision(12)), a2?.allocatedBefore], [2, 0.004, 0.02]);
        assert.match(a2?.reason ?? '', /^test 2 of lead-scorer since its last KEEP: α 0\.4%, 80% of the 0\.5% its budget of 2\.5% has left after 1 earlier test/);
        // the report shows it on the test's line once the analysis has looked
        await runAnalysisJob({ db, clock: fixedClock(new Date(NOW.getTime() + 41 * DAY_MS)), logger: silentLogger }, { testIds: [second.test.id] });
        const report = await buildReport(db, { now: new Date(NOW.getTime() + 41 * DAY_MS), days: 60 });
        const view = report.tests.find((t) => t.id === second.test.id);
        assert.ok(view, 'the second test is in the report');
        assert.match(testLine(view!) ?? '', /test 2 of lead-scorer since its last KEEP: α 0\.4%/);
        // a KEEP ends the family: the next test (after the kept cooldown) is the first again
        await end(second, new Date(NOW.getTime() + 50 * DAY_MS), 'KEEP');
        const third = await spawnAt(qualification, new Date(NOW.getTime() + 90 * DAY_MS));
        assert.deepEqual([(await alphaOf(third.test.id))?.testNumber, (await alphaOf(third.test.id))?.alpha], [1, 0.02]);
      } finally {
        await db.close();
      }
    });

    it('lh_settings.decision.planned.alphaBudget per-test gives every test the full α (the behaviour before the budget)', async () => {
      const db = await target.fresh();
      try {
        await addDailyMetrics(db, 20);
        const decision = { ...DEFAULT_DECISION_CONFIG, planned: { ...DEFAULT_DECISION_CONFIG.planned, alphaBudget: { kind: 'per-test' as const } } };
        const killedAt = new Date(NOW.getTime() - 40 * DAY_MS);
        const [s] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at, decision_made_at)
          values ('lead-scorer', 'old', 'killed', $1::timestamptz - interval '60 days', $1) returning id`, [killedAt.toISOString()]);
        await db.query(`insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at, ended_at, recommendation, kill_reason)
          values ('old', $1, 'qualification_rate', 'completed', $2::timestamptz - interval '60 days', $2, 'KILL', 'futile')`, [s!.id, killedAt.toISOString()]);
        const d = await spawnOne(db, qualification, DAY, NOW, { ...DEFAULT_SPAWN_CONFIG, decision });
        assert.equal(d.kind, 'spawned');
        if (d.kind !== 'spawned') return;
        const a = (await designOf(db, d.spawned.test.id)).design?.alphaAllocation;
        assert.deepEqual([a?.testNumber, a?.alpha, a?.share], [2, 0.025, 1]);
      } finally {
        await db.close();
      }
    });

    it('the weekly analysis records one look a week; a re-run adds none; a clear winner is kept at an early look', async () => {
      const db = await target.fresh();
      try {
        await plannedTest(db, 1);
        // week by week: 50 per group, control 30 %, treatment 50 % (a large effect: crosses early)
        let last: AnalyzedTest | undefined;
        for (let w = 0; w < 8; w++) {
          await addWeek(db, 1, 'control', w, 50, 15);
          await addWeek(db, 1, 'treatment', w, 50, 25);
          last = await analyse(db, weekClock(w + 1), 1);
          const looks = await looksOf(db, 1);
          assert.equal(looks.length, w + 1);
          assert.equal(looks.at(-1)!.control_n, 50 * (w + 1));
          if (last.status === 'completed') break;
          // the same run again: same look, nothing written
          const again = await analyse(db, weekClock(w + 1), 1);
          assert.equal(again.testUpdated, false);
          assert.equal((await looksOf(db, 1)).length, w + 1);
        }
        assert.equal(last?.decision.kind, 'KEEP');
        const looks = await looksOf(db, 1);
        assert.ok(looks.length < 8, `decided at look ${looks.length}`);
        // boundaries fall as information grows (O'Brien–Fleming)
        for (let i = 1; i < looks.length; i++) assert.ok(looks[i]!.efficacy_z < looks[i - 1]!.efficacy_z);
        const [t] = await db.query<{ status: string; recommendation: string; kill_reason: string | null }>('select status, recommendation, kill_reason from lh_ab_tests where id = 1');
        assert.deepEqual(t, { status: 'completed', recommendation: 'KEEP', kill_reason: null });
      } finally {
        await db.close();
      }
    });

    it('a harmful treatment is KILLed with kill_reason harmful, on the test, its look and the analysis result', async () => {
      const db = await target.fresh();
      try {
        await plannedTest(db, 2);
        let last: AnalyzedTest | undefined;
        for (let w = 0; w < 10 && last?.status !== 'completed'; w++) {
          await addWeek(db, 2, 'control', w, 50, 20);
          await addWeek(db, 2, 'treatment', w, 50, 5);
          last = await analyse(db, weekClock(w + 1), 2);
        }
        assert.equal(last?.killReason, 'harmful');
        const [t] = await db.query<{ recommendation: string; kill_reason: string; decision_reason: string }>('select recommendation, kill_reason, decision_reason from lh_ab_tests where id = 2');
        assert.deepEqual([t!.recommendation, t!.kill_reason], ['KILL', 'harmful']);
        assert.match(t!.decision_reason, /^harmful: /);
        assert.equal((await looksOf(db, 2)).at(-1)!.kill_reason, 'harmful');
        const [s] = await db.query<{ status: string }>('select status from lh_spawned_skills where id = 2');
        assert.equal(s!.status, 'killed');
        // the stored document reads back through its one type, and the report shows the reason and the view
        const [doc] = await db.query<{ results: unknown }>('select results from lh_ab_tests where id = 2');
        const read = readTestResults(doc!.results);
        assert.equal(read.kind, 'ok');
        if (read.kind !== 'ok') return;
        assert.equal(read.results.version, 2);
        assert.equal(read.results.killReason, 'harmful');
        assert.ok(read.results.bayes && read.results.bayes.chanceToBeatControl < 0.01);
        assert.equal(read.results.look?.lookNumber, (await looksOf(db, 2)).length);
        assert.equal(read.results.design?.liftPct, 20);
        const report = await buildReport(db, { now: weekClock(12) });
        const view = report.tests.find((x) => x.id === 2)!;
        assert.equal(view.killReason, 'harmful');
        assert.match(testLine(view) ?? '', /^KILL harmful; designed for \+20\.0%, at most \d+ per group, look \d+ at \d+% of it; chance to beat control 0%/);
      } finally {
        await db.close();
      }
    });

    it('the schema refuses a planned test without a design, a kill_reason without a KILL, and an unknown reason', async () => {
      const db = await target.fresh();
      try {
        await assert.rejects(db.query(`insert into lh_ab_tests (test_name, metric_tracked, policy) values ('x', 'conversion_rate', 'planned')`),
          /lh_ab_tests_planned_has_design/);
        await assert.rejects(db.query(`insert into lh_ab_tests (test_name, metric_tracked, recommendation, kill_reason) values ('x', 'conversion_rate', 'KEEP', 'futile')`),
          /lh_ab_tests_kill_reason_only_on_kill/);
        await assert.rejects(db.query(`insert into lh_ab_tests (test_name, metric_tracked, recommendation, kill_reason) values ('x', 'conversion_rate', 'KILL', 'bored')`),
          /lh_ab_tests_kill_reason_known/);
      } finally {
        await db.close();
      }
    });
  });
}
