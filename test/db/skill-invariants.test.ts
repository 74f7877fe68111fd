/**
 * The skill/test pairing healed at the start of the daily job and of the analysis (issue 10 item 4,
 * migration 20261201000500_heal_invariants.sql), on both databases: a `testing` skill whose test ended
 * outside the analysis is resolved from its test's KEEP/KILL recommendation, else killed with the reason
 * "test ended outside the analysis"; a running test whose skill is not `testing` is reported and left
 * running; both appear in the jobs' results; healing twice, or three times at once, leaves the state of once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { sqlState } from '../../src/db/port.ts';
import { healSkillInvariants, type InvariantHealing } from '../../src/db/queries/skill-invariants.ts';
import { runAnalysisJob } from '../../src/jobs/analyze.ts';
import { runDailyJob } from '../../src/jobs/daily.ts';
import type { Logger } from '../../src/logger.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets, withFreshDb } from '../support/databases.ts';

const NOW = new Date('2026-03-02T09:00:00Z');
const STARTED = '2026-02-01T00:00:00Z';
const ENDED = '2026-02-20T00:00:00Z';
const deps = (db: Database, logger: Logger = silentLogger) => ({ db, clock: fixedClock(NOW), logger });

async function skill(db: Queryable, id: number, type: string, status = 'testing'): Promise<void> {
  await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status, spawned_at, decision_made_at)
    values ($1, $2, $3, $4, $5, case when $4 = 'testing' then null else $5::timestamptz end)`, [id, type, `skill ${id}`, status, STARTED]);
}

interface TestRow { id: number; skill: number | null; metric: string; segment?: string; status: 'running' | 'completed';
  recommendation?: 'KEEP' | 'KILL' | 'CONTINUE'; lift?: number; reason?: string }

async function test(db: Queryable, t: TestRow): Promise<void> {
  await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, segment, status, started_at, ended_at,
      recommendation, lift_pct, decision_reason)
    values ($1, $2, $3, $4, $5, $6, $7, case when $6 = 'completed' then $8::timestamptz end, $9, $10, $11)`,
  [t.id, `Test ${t.id}`, t.skill, t.metric, t.segment ?? null, t.status, STARTED, ENDED, t.recommendation ?? null,
    t.lift ?? null, t.reason ?? null]);
}

/**
 * Skills 1–5 are `testing` without a running test: 1 KEEP, 2 KILL, 3 completed by hand with no
 * recommendation, 4 completed with CONTINUE, 5 has no test at all. Skill 6 and its running test are
 * paired (left alone). Test 7 runs for an active skill, test 8 for no skill (or a deleted one: the foreign
 * key sets skill_id null), test 9 for a killed one.
 */
async function fixture(db: Queryable): Promise<void> {
  for (const [id, type] of [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, 'e'], [6, 'f']] as const) await skill(db, id, `type-${type}`);
  await skill(db, 7, 'type-g', 'active');
  await skill(db, 9, 'type-i', 'killed');
  await test(db, { id: 1, skill: 1, metric: 'contact_rate', status: 'completed', recommendation: 'KEEP', lift: 12.5, reason: 'lift 12.5 % >= 10 %' });
  await test(db, { id: 2, skill: 2, metric: 'contact_rate', status: 'completed', recommendation: 'KILL', lift: -3 });
  await test(db, { id: 3, skill: 3, metric: 'contact_rate', status: 'completed' });
  await test(db, { id: 4, skill: 4, metric: 'contact_rate', status: 'completed', recommendation: 'CONTINUE', lift: 4 });
  await test(db, { id: 6, skill: 6, metric: 'conversion_rate', status: 'running' });
  await test(db, { id: 7, skill: 7, metric: 'qualification_rate', status: 'running' });
  await test(db, { id: 8, skill: null, metric: 'f1_score', status: 'running' });
  await test(db, { id: 9, skill: 9, metric: 'avg_response_time_hours', status: 'running' });
}

const OUTSIDE = 'test ended outside the analysis';

const EXPECTED: InvariantHealing = {
  resolvedSkills: [
    { skillId: 1, skillType: 'type-a', skillName: 'skill 1', status: 'active', testId: 1, recommendation: 'KEEP',
      reason: `${OUTSIDE}; resolved from test 1's recommendation KEEP: lift 12.5 % >= 10 %` },
    { skillId: 2, skillType: 'type-b', skillName: 'skill 2', status: 'killed', testId: 2, recommendation: 'KILL',
      reason: `${OUTSIDE}; resolved from test 2's recommendation KILL` },
    { skillId: 3, skillType: 'type-c', skillName: 'skill 3', status: 'killed', testId: 3, recommendation: null, reason: OUTSIDE },
    { skillId: 4, skillType: 'type-d', skillName: 'skill 4', status: 'killed', testId: 4, recommendation: null, reason: OUTSIDE },
    { skillId: 5, skillType: 'type-e', skillName: 'skill 5', status: 'killed', testId: null, recommendation: null, reason: OUTSIDE },
  ],
  runningTestsWithoutTestingSkill: [
    { testId: 7, testName: 'Test 7', metricTracked: 'qualification_rate', segment: null, skillId: 7, skillStatus: 'active' },
    { testId: 8, testName: 'Test 8', metricTracked: 'f1_score', segment: null, skillId: null, skillStatus: null },
    { testId: 9, testName: 'Test 9', metricTracked: 'avg_response_time_hours', segment: null, skillId: 9, skillStatus: 'killed' },
  ],
};

const skills = (db: Queryable) => db.query<{ id: number; status: string; lift: number | null; reason: string | null; decided: number | null }>(
  `select id, status, actual_lift_pct as lift, decision_reason as reason,
     (extract(epoch from decision_made_at) * 1000)::float8 as decided
   from lh_spawned_skills order by id`);
const tests = (db: Queryable) => db.query(`select id, status, skill_id, recommendation, lift_pct, decision_reason,
    (extract(epoch from ended_at) * 1000)::float8 as ended from lh_ab_tests order by id`);
const snapshot = async (db: Queryable) => ({ skills: await skills(db), tests: await tests(db) });

for (const target of await dbTargets()) {
  describe(`healing the skill/test pairing (${target.name})`, () => {
    it('resolves each orphan testing skill from its test (KEEP → active, KILL → killed, none → killed with the reason) and reports the running tests', async () => {
      await withFreshDb(target, async (db) => {
        await fixture(db);
        // the defect: the orphan blocks its type (one testing skill per type)
        await assert.rejects(skill(db, 100, 'type-c'), (e: unknown) => sqlState(e) === '23505');

        const healed = await healSkillInvariants(db, NOW);
        assert.deepEqual(healed, EXPECTED);

        const decided = NOW.getTime();
        assert.deepEqual((await skills(db)).map((s) => [s.id, s.status, s.lift, s.reason, s.decided]), [
          [1, 'active', 12.5, EXPECTED.resolvedSkills[0]!.reason, decided],
          [2, 'killed', -3, EXPECTED.resolvedSkills[1]!.reason, decided],
          [3, 'killed', null, OUTSIDE, decided],
          [4, 'killed', null, OUTSIDE, decided],
          [5, 'killed', null, OUTSIDE, decided],
          [6, 'testing', null, null, null], // paired with its running test: untouched
          [7, 'active', null, null, Date.parse(STARTED)],
          [9, 'killed', null, null, Date.parse(STARTED)],
        ]);
        // reported tests are left running, and no test was changed at all
        assert.deepEqual((await tests(db)).filter((t) => t['status'] === 'running').map((t) => t['id']), [6, 7, 8, 9]);

        // the type is free again
        await skill(db, 100, 'type-c');
      });
    });

    it('healing twice leaves the state of once; the second run resolves nothing and reports the same tests', async () => {
      await withFreshDb(target, async (db) => {
        await fixture(db);
        await healSkillInvariants(db, NOW);
        const once = await snapshot(db);
        const again = await healSkillInvariants(db, new Date(NOW.getTime() + 86_400_000));
        assert.deepEqual(again, { resolvedSkills: [], runningTestsWithoutTestingSkill: EXPECTED.runningTestsWithoutTestingSkill });
        assert.deepEqual(await snapshot(db), once);
      });
    });

    it('three healings at once resolve each skill exactly once and end in the state of one', async () => {
      await withFreshDb(target, async (db) => {
        await fixture(db);
        const runs = await Promise.all([0, 1, 2].map(() => healSkillInvariants(db, NOW)));
        const ids = runs.flatMap((r) => r.resolvedSkills.map((s) => s.skillId)).sort((a, b) => a - b);
        assert.deepEqual(ids, [1, 2, 3, 4, 5], 'each orphan resolved by exactly one of the runs');
        for (const r of runs) assert.deepEqual(r.runningTestsWithoutTestingSkill, EXPECTED.runningTestsWithoutTestingSkill);
        const concurrent = await snapshot(db);
        await withFreshDb(target, async (ref) => {
          await fixture(ref);
          await healSkillInvariants(ref, NOW);
          assert.deepEqual(concurrent, await snapshot(ref));
        });
      });
    });

    it('the daily job heals first and reports it in its result, with a warning per item', async () => {
      await withFreshDb(target, async (db) => {
        await fixture(db);
        const warnings: string[] = [];
        const logger: Logger = { log: (level, message) => { if (level === 'warn') warnings.push(message); } };
        const result = await runDailyJob(deps(db, logger), { date: '2026-03-01' });
        assert.deepEqual(result.invariants, EXPECTED);
        assert.equal(warnings.filter((w) => /^skill \d+ .* was testing without a running test: now (active|killed)/.test(w)).length, 5);
        assert.equal(warnings.filter((w) => /^test \d+ "Test \d+" is running with /.test(w)).length, 3);
        assert.equal((await skills(db)).find((s) => s.id === 3)?.reason, OUTSIDE);
        // JSON-able as the CLI prints it and the edge function returns it
        assert.deepEqual(JSON.parse(JSON.stringify(result)).invariants, EXPECTED);
        const second = await runDailyJob(deps(db), { date: '2026-03-01' });
        assert.deepEqual(second.invariants.resolvedSkills, []);
      });
    });

    it('the analysis heals first and reports it in its result', async () => {
      await withFreshDb(target, async (db) => {
        await fixture(db);
        const result = await runAnalysisJob(deps(db));
        assert.deepEqual(result.invariants, EXPECTED);
        assert.deepEqual((await skills(db)).filter((s) => s.status === 'testing').map((s) => s.id), [6]);
        // the running tests were analysed as before (no data yet: they keep running)
        assert.deepEqual(result.tests.map((t) => [t.testId, t.kind]), [[6, 'analyzed'], [7, 'analyzed'], [8, 'analyzed'], [9, 'analyzed']],
          JSON.stringify(result.tests.filter((t) => t.kind !== 'analyzed')));
        const second = await runAnalysisJob(deps(db));
        assert.deepEqual(second.invariants, { resolvedSkills: [], runningTestsWithoutTestingSkill: EXPECTED.runningTestsWithoutTestingSkill });
      });
    });

    it('a paired database: nothing healed, nothing reported, nothing written', async () => {
      await withFreshDb(target, async (db) => {
        await skill(db, 1, 'type-a');
        await test(db, { id: 1, skill: 1, metric: 'contact_rate', status: 'running' });
        const [before] = await db.query<{ x: string }>(`select xmin::text as x from lh_spawned_skills where id = 1`);
        assert.deepEqual(await healSkillInvariants(db, NOW), { resolvedSkills: [], runningTestsWithoutTestingSkill: [] });
        const [after] = await db.query<{ x: string }>(`select xmin::text as x from lh_spawned_skills where id = 1`);
        assert.equal(after?.x, before?.x, 'the skill row was not rewritten');
      });
    });
  });
}
