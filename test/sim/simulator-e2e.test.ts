/**
 * A seeded short simulation end to end through the REAL daily job and weekly analysis, on PGlite and
 * PostgreSQL: the injected bottleneck is detected after its injection, a spawned test reaches a decision,
 * and the summary is what the database holds (lh_spawned_skills, lh_ab_tests). Plus determinism: the
 * same seed gives the same result.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/port.ts';
import { REAL_JOBS } from '../../src/sim/jobs.ts';
import { runSimulation, SimulationError, type SimulationOptions } from '../../src/sim/run.ts';
import { scenarioByName } from '../../src/sim/scenarios.ts';
import type { SimulationResult, TimelineEvent } from '../../src/sim/timeline.ts';
import { dbTargets, pgliteTarget } from '../support/databases.ts';

const OPTIONS: SimulationOptions = { jobs: REAL_JOBS, scenario: 'default', days: 40, seed: 7, leadsPerDay: 60 };

function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v !== null && typeof v === 'object') return Object.values(v).every(allFinite);
  return true;
}

const ofKind = <K extends TimelineEvent['kind']>(r: SimulationResult, kind: K) =>
  r.timeline.filter((e): e is Extract<TimelineEvent, { kind: K }> => e.kind === kind);

for (const target of await dbTargets()) {
  describe(`simulation end to end on ${target.name}`, () => {
    let db: Database;
    let result: SimulationResult;
    before(async () => {
      db = await target.fresh();
      result = await runSimulation(db, OPTIONS);
    });
    after(async () => { await db.close(); });

    it('runs the daily job every day and the analysis every Monday', () => {
      assert.equal(result.days, 40);
      assert.equal(result.daily.length, 40);
      assert.equal(result.totals.dailyRuns, 41, 'one backfill over the warm-up, then one run per simulated day');
      // jobs run at 00:01 of Jan 6 … Feb 14 (the morning after each of the 40 days from Monday Jan 5);
      // the Mondays among them: Jan 12, 19, 26, Feb 2, 9
      assert.equal(result.totals.analysisRuns, 5);
      assert.ok(allFinite(result), 'no NaN or Infinity anywhere in the result');
    });

    it('detects the injected response-time bottleneck after its injection and spawns instant-responder', () => {
      const episode = ofKind(result, 'episode').find((e) => e.bottleneck === 'low_response_rate');
      assert.ok(episode, 'the default scenario injects slower responses');
      const detected = ofKind(result, 'detected').find((e) => e.bottleneck === 'low_response_rate' && e.day >= episode.day);
      assert.ok(detected, `low_response_rate detected after day ${episode.day}`);
      assert.ok(detected.day - episode.day <= 10, `detected within 10 days (day ${detected.day})`);
      const spawned = ofKind(result, 'spawned').find((e) => e.skillType === 'instant-responder' && e.day >= detected.day);
      assert.ok(spawned, 'instant-responder spawned for it');
    });

    it('brings at least one spawned test to a KEEP or KILL decision', () => {
      const decided = ofKind(result, 'decided');
      assert.ok(decided.length >= 1, 'a decision within 40 days');
      for (const d of decided) assert.ok(d.recommendation === 'KEEP' || d.recommendation === 'KILL');
    });

    it('summarises exactly what the database holds, judged against the scenario truth', async () => {
      const rows = await db.query<{ skill_id: number; skill_type: string; status: string; test_id: number | null;
        test_status: string | null; recommendation: string | null; lift: number | null }>(
        `select s.id as skill_id, s.skill_type, s.status, t.id as test_id, t.status as test_status, t.recommendation,
           coalesce(s.actual_lift_pct, t.lift_pct) as lift
         from lh_spawned_skills s left join lh_ab_tests t on t.skill_id = s.id order by s.id`);
      const skills = result.summary.skills;
      assert.deepEqual(skills.map((s) => s.skillId), rows.map((r) => Number(r.skill_id)));
      const truth = scenarioByName('default', 40).skills;
      for (const [i, s] of skills.entries()) {
        const r = rows[i]!;
        assert.equal(s.skillType, r.skill_type);
        assert.equal(s.status, r.status);
        assert.equal(s.testId, r.test_id === null ? null : Number(r.test_id));
        assert.equal(s.decision, { active: 'KEEP', killed: 'KILL', testing: 'pending' }[r.status]);
        if (r.status !== 'testing') {
          assert.equal(r.test_status, 'completed');
          assert.equal(r.recommendation, s.decision);
          const helps = s.helps;
          assert.ok(!helps || truth[s.skillType].helps, 'only a truly helpful skill type can be judged helpful');
          assert.equal(s.verdict, (s.decision === 'KEEP') === helps ? 'right' : 'wrong');
        } else {
          assert.equal(s.verdict, 'undecided');
        }
        if (r.lift !== null) assert.ok(Math.abs((s.liftPct ?? NaN) - Number(r.lift)) < 1e-9);
      }
      assert.equal(result.summary.right + result.summary.wrong + result.summary.undecided, skills.length);
      const completed = await db.query<{ id: number }>(`select id from lh_ab_tests where status = 'completed' order by id`);
      assert.deepEqual(ofKind(result, 'decided').map((d) => d.testId).sort((a, b) => a - b), completed.map((c) => Number(c.id)));
    });

    it('assigned leads to running tests through the assignment SQL, both groups, each lead\'s first test in lh_lead_status', async () => {
      const [r] = await db.query<{ control: number; treatment: number; leads: number; firsts: number }>(
        `select count(*) filter (where ab_group = 'control')::int as control,
           count(*) filter (where ab_group = 'treatment')::int as treatment,
           count(distinct lead_id)::int as leads,
           (select count(*)::int from lh_lead_status where ab_test_id is not null) as firsts from lh_ab_assignments`);
      assert.ok(r && r.control > 50 && r.treatment > 50);
      assert.equal(r.control + r.treatment, result.daily.reduce((s, d) => s + d.inTest, 0));
      assert.equal(r.firsts, r.leads);
      const [mismatch] = await db.query<{ n: number }>(`select count(*)::int as n from lh_lead_status l
        where l.ab_test_id is not null and not exists (
          select 1 from (select a.test_id, a.ab_group from lh_ab_assignments a where a.lead_id = l.id order by a.test_id limit 1) f
          where f.test_id = l.ab_test_id and f.ab_group = l.ab_test_group)`);
      assert.equal(mismatch!.n, 0, 'lh_lead_status holds the first assignment');
    });

    it('refuses to simulate into a database that already holds leads', async () => {
      await assert.rejects(runSimulation(db, OPTIONS), SimulationError);
    });
  });
}

describe('simulation determinism', () => {
  it('gives the same result for the same seed, and a different one for another seed', async () => {
    const short: SimulationOptions = { jobs: REAL_JOBS, scenario: 'default', days: 14, seed: 3, leadsPerDay: 30, warmupDays: 35 };
    const run = async (o: SimulationOptions) => {
      const db = await pgliteTarget.fresh();
      try { return await runSimulation(db, o); } finally { await db.close(); }
    };
    const a = await run(short);
    const b = await run(short);
    assert.deepEqual(a, b);
    const c = await run({ ...short, seed: 4 });
    assert.notDeepEqual(c.daily, a.daily);
  });
});
