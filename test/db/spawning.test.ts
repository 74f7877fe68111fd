/**
 * Spawning (docs/design.md §3 step 3) on both databases, with hand-made bottlenecks (detection is tested on raw
 * rows in daily-job.test.ts): the three skip rules, the cooldown edges, one experiment per metric and
 * segment, the skill+test transaction under an injected failure and a competing writer, and three
 * concurrent deciders producing exactly one skill and one test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import type { Bottleneck } from '../../src/detect/types.ts';
import { spawnForBottlenecks, spawnOne, type SpawnDecision } from '../../src/jobs/spawn.ts';
import { dbTargets, postgresUrlOf } from '../support/databases.ts';

const NOW = new Date('2026-01-21T00:01:00Z');
const DAY = '2026-01-20';
const DAY_MS = 86_400_000;

function bottleneck(over: Partial<Bottleneck> = {}): Bottleneck {
  return {
    type: 'low_response_rate', severity: 'high', metric: 'avg_response_time_hours', currentValue: 6.5, targetValue: 2,
    suggestedSkill: 'instant-responder', segment: null,
    evidence: [{ trigger: { kind: 'threshold', rule: 'avg response > 4 h', threshold: 4 }, figures: { contacted: 40, avgHours: 6.5 },
      summary: 'average response 6.5 h over 40 contacts, above 4 h' }],
    ...over,
  };
}
const weakSource = (segment: string): Bottleneck => bottleneck({ type: 'weak_lead_source', metric: 'source_conversion_rate',
  currentValue: 0.05, targetValue: 0.2, suggestedSkill: 'source-optimizer', segment });

const count = async (db: Queryable, table: string): Promise<number> =>
  (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

async function killedSkill(db: Queryable, decidedAt: Date): Promise<number> {
  const [r] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at, decision_made_at)
    values ('instant-responder', 'old', 'killed', $1::timestamptz - interval '40 days', $1) returning id`, [decidedAt.toISOString()]);
  return r!.id;
}

async function runningTest(db: Queryable, metric: string, segment: string | null): Promise<number> {
  const [r] = await db.query<{ id: number }>(`insert into lh_ab_tests (test_name, metric_tracked, segment, status)
    values ('manual', $1, $2, 'running') returning id`, [metric, segment]);
  return r!.id;
}

const kinds = (ds: SpawnDecision[]) => ds.map((d) => (d.kind === 'spawned' ? 'spawned' : d.skipped.reason));

for (const target of await dbTargets()) {
  describe(`spawning on ${target.name}`, () => {
    it('inserts the skill and its running test with every field', async () => {
      const db = await target.fresh();
      try {
        const [d] = await spawnForBottlenecks(db, [bottleneck()], DAY, NOW);
        assert.equal(d?.kind, 'spawned');
        const [s] = await db.query('select *, spawned_for_date::text as spawned_for_date from lh_spawned_skills');
        assert.equal(s!['skill_type'], 'instant-responder');
        assert.equal(s!['skill_name'], 'instant-responder for 2026-01-20');
        assert.equal(s!['status'], 'testing');
        assert.equal(s!['target_metric'], 'avg_response_time_hours');
        assert.equal(s!['baseline_value'], 6.5);
        assert.equal(s!['target_value'], 2);
        assert.equal(s!['spawned_for_date'], DAY);
        assert.deepEqual(s!['spawned_at'], NOW);
        assert.match(String(s!['problem_detected']), /^low_response_rate: average response 6\.5 h/);
        assert.deepEqual((s!['evidence'] as { evidence: unknown }).evidence, bottleneck().evidence);
        // casts: PGlite clones in the test harness come back without the adapter's date/numeric parsers
        const [t] = await db.query('select *, traffic_allocation_pct::float8 as traffic_allocation_pct, confidence_level::float8 as confidence_level from lh_ab_tests');
        assert.equal(t!['skill_id'], s!['id']);
        assert.equal(t!['status'], 'running');
        assert.equal(t!['metric_tracked'], 'avg_response_time_hours');
        assert.equal(t!['traffic_allocation_pct'], 50);
        assert.equal(t!['confidence_level'], 0.95);
        // spawned tests are designed (policy planned): min_sample_size is the design's maximum per group
        assert.equal(t!['policy'], 'planned');
        const design = t!['design'] as { maxPerGroup: { control: number; treatment: number }; liftPct: number; feasible: boolean; dailyUnits: number; note: string };
        assert.equal(t!['min_sample_size'], Math.max(design.maxPerGroup.control, design.maxPerGroup.treatment));
        // no lh_daily_metrics yet: a volume of 0, so the design cannot fit and says so
        assert.equal(design.dailyUnits, 0);
        assert.equal(design.feasible, false);
        assert.match(design.note, /no lift is detectable within it/);
        assert.equal(t!['max_duration_days'], 182);
        assert.deepEqual(t!['started_at'], NOW);
        for (const k of ['test_name', 'hypothesis', 'control_description', 'treatment_description']) assert.ok(String(t![k]).length > 10, k);
      } finally {
        await db.close();
      }
    });

    it('skips a type that is already testing, with the testing skill id', async () => {
      const db = await target.fresh();
      try {
        const ds = await spawnForBottlenecks(db, [bottleneck(), bottleneck({ metric: 'contact_rate', currentValue: 0.4, targetValue: 0.8 })], DAY, NOW);
        assert.deepEqual(kinds(ds), ['spawned', 'already-testing']);
        const first = ds[0]!;
        assert.ok(first.kind === 'spawned' && ds[1]!.kind === 'skipped' && ds[1]!.skipped.reason === 'already-testing'
          && ds[1]!.skipped.testingSkillId === first.spawned.skill.id);
        assert.equal(await count(db, 'lh_spawned_skills'), 1);
        assert.equal(await count(db, 'lh_ab_tests'), 1);
      } finally {
        await db.close();
      }
    });

    it('a kept (active) skill type waits 35 days: detection windows still hold the pre-rollout days', async () => {
      const db = await target.fresh();
      try {
        const [k] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at, decision_made_at)
          values ('instant-responder', 'kept', 'active', $1::timestamptz - interval '40 days', $1) returning id`, [new Date(NOW.getTime() - 10 * DAY_MS).toISOString()]);
        const d = await spawnOne(db, bottleneck(), DAY, NOW);
        assert.ok(d.kind === 'skipped' && d.skipped.reason === 'kept-recently', JSON.stringify(d));
        assert.equal(d.skipped.keptSkillId, k!.id);
        assert.equal(d.skipped.daysRemaining, 25);
        assert.equal(await count(db, 'lh_ab_tests'), 0);
        await db.query(`update lh_spawned_skills set decision_made_at = $1 where id = $2`, [new Date(NOW.getTime() - 36 * DAY_MS).toISOString(), k!.id]);
        assert.equal((await spawnOne(db, bottleneck(), DAY, NOW)).kind, 'spawned');
      } finally {
        await db.close();
      }
    });

    it('cooldown: killed 29 days before the clock skips (1 day left), 31 days spawns', async () => {
      const db = await target.fresh();
      try {
        const killedId = await killedSkill(db, new Date(NOW.getTime() - 29 * DAY_MS));
        const d = await spawnOne(db, bottleneck(), DAY, NOW);
        assert.ok(d.kind === 'skipped' && d.skipped.reason === 'killed-recently');
        assert.equal(d.skipped.killedSkillId, killedId);
        assert.equal(d.skipped.daysRemaining, 1);
        assert.equal(d.skipped.cooldownDays, 30);
        assert.equal(await count(db, 'lh_ab_tests'), 0);
        // a configurable cooldown: 28 days lets it through
        assert.equal((await spawnOne(db, bottleneck(), DAY, NOW, { killCooldownDays: 28, trafficAllocationPct: 50, confidenceLevel: 0.95 })).kind, 'spawned');
      } finally {
        await db.close();
      }
      const db2 = await target.fresh();
      try {
        await killedSkill(db2, new Date(NOW.getTime() - 31 * DAY_MS));
        assert.equal((await spawnOne(db2, bottleneck(), DAY, NOW)).kind, 'spawned');
        assert.equal(await count(db2, 'lh_spawned_skills'), 2);
      } finally {
        await db2.close();
      }
    });

    it("skill identity is (type, segment): one source's killed or testing optimizer does not block another's", async () => {
      const db = await target.fresh();
      try {
        // direct_mail's optimizer killed 10 days ago (futile): its own cooldown, not zillow's
        const [killed] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, segment, spawned_at, decision_made_at)
          values ('source-optimizer', 'old', 'killed', 'direct_mail', $1::timestamptz - interval '40 days', $1) returning id`,
        [new Date(NOW.getTime() - 10 * DAY_MS).toISOString()]);
        const ds = await spawnForBottlenecks(db, [weakSource('zillow'), weakSource('cold_call'), weakSource('direct_mail')], DAY, NOW);
        assert.deepEqual(kinds(ds), ['spawned', 'spawned', 'killed-recently']);
        const dm = ds[2]!;
        assert.ok(dm.kind === 'skipped' && dm.skipped.reason === 'killed-recently' && dm.skipped.killedSkillId === killed!.id
          && dm.skipped.daysRemaining === 20, JSON.stringify(dm));
        // two weak sources tested at once
        const rows = await db.query<{ segment: string; status: string }>(
          "select s.segment, t.status from lh_spawned_skills s join lh_ab_tests t on t.skill_id = s.id where s.status = 'testing' order by s.segment");
        assert.deepEqual(rows, [{ segment: 'cold_call', status: 'running' }, { segment: 'zillow', status: 'running' }]);
        // the same source again is already testing, with its own skill's id
        const again = await spawnOne(db, weakSource('zillow'), DAY, NOW);
        const zillow = ds[0]!;
        assert.ok(again.kind === 'skipped' && again.skipped.reason === 'already-testing' && zillow.kind === 'spawned'
          && again.skipped.testingSkillId === zillow.spawned.skill.id, JSON.stringify(again));
        // a funnel-wide skill of another type is not blocked by either
        assert.equal((await spawnOne(db, bottleneck(), DAY, NOW)).kind, 'spawned');
      } finally {
        await db.close();
      }
    });

    it('one experiment per metric (and segment)', async () => {
      const db = await target.fresh();
      try {
        const testId = await runningTest(db, 'avg_response_time_hours', null);
        const d = await spawnOne(db, bottleneck(), DAY, NOW);
        assert.ok(d.kind === 'skipped' && d.skipped.reason === 'metric-has-running-test' && d.skipped.runningTestId === testId);
        const zillowTest = await runningTest(db, 'source_conversion_rate', 'zillow');
        const z = await spawnOne(db, weakSource('zillow'), DAY, NOW);
        assert.ok(z.kind === 'skipped' && z.skipped.reason === 'metric-has-running-test' && z.skipped.runningTestId === zillowTest);
        assert.equal((await spawnOne(db, weakSource('cold_call'), DAY, NOW)).kind, 'spawned'); // another segment
        const [s] = await db.query("select skill_name, segment from lh_spawned_skills");
        assert.deepEqual(s, { skill_name: 'source-optimizer (cold_call) for 2026-01-20', segment: 'cold_call' });
        assert.equal(await count(db, 'lh_ab_tests'), 3);
      } finally {
        await db.close();
      }
    });

    it('a failure between the skill insert and the test insert leaves neither', async () => {
      const db = await target.fresh();
      try {
        let sawSkill = 0;
        await assert.rejects(spawnOne(db, bottleneck(), DAY, NOW, undefined, async (tx, skillId) => {
          sawSkill = (await tx.query<{ n: number }>('select count(*)::int as n from lh_spawned_skills where id = $1', [skillId]))[0]!.n;
          throw new Error('injected failure after the skill insert');
        }), /injected failure/);
        assert.equal(sawSkill, 1); // the skill row existed inside the transaction
        assert.equal(await count(db, 'lh_spawned_skills'), 0);
        assert.equal(await count(db, 'lh_ab_tests'), 0);
        // and the type is not blocked afterwards
        assert.equal((await spawnOne(db, bottleneck(), DAY, NOW)).kind, 'spawned');
      } finally {
        await db.close();
      }
    });

    it('a unique violation from a writer that bypasses the lock is a lost-race skip, not a crash', async () => {
      const db = await target.fresh();
      try {
        const d = await spawnOne(db, bottleneck(), DAY, NOW, undefined, async (tx) => {
          await tx.query("insert into lh_ab_tests (test_name, metric_tracked, status) values ('rival', 'avg_response_time_hours', 'running')");
        });
        assert.ok(d.kind === 'skipped' && d.skipped.reason === 'lost-race', JSON.stringify(d));
        assert.equal(await count(db, 'lh_spawned_skills'), 0);
        assert.equal(await count(db, 'lh_ab_tests'), 0);
      } finally {
        await db.close();
      }
    });

    if (target.name === 'postgres') {
      it('a rival committed on another connection between the inserts: lost-race, our skill rolled back', async () => {
        const db = await target.fresh();
        const rival = connectPostgres(postgresUrlOf(db)!, { max: 1 });
        try {
          const d = await spawnOne(db, bottleneck(), DAY, NOW, undefined, async () => {
            await rival.query("insert into lh_ab_tests (test_name, metric_tracked, status) values ('rival', 'avg_response_time_hours', 'running')");
          });
          assert.ok(d.kind === 'skipped' && d.skipped.reason === 'lost-race');
          assert.equal(await count(db, 'lh_spawned_skills'), 0);
          assert.deepEqual(await db.query('select test_name from lh_ab_tests'), [{ test_name: 'rival' }]);
        } finally {
          await rival.close();
          await db.close();
        }
      });
    }

    it('three deciders at once: exactly one skill and one test', async () => {
      const db = await target.fresh();
      const url = postgresUrlOf(db);
      const conns: Database[] = url ? [0, 1, 2].map(() => connectPostgres(url, { max: 1 })) : [db, db, db];
      try {
        const all = await Promise.all(conns.map((c) => spawnForBottlenecks(c, [bottleneck()], DAY, NOW)));
        assert.deepEqual(all.map(kinds).flat().sort(), ['already-testing', 'already-testing', 'spawned']);
        assert.equal(await count(db, 'lh_spawned_skills'), 1);
        assert.equal(await count(db, 'lh_ab_tests'), 1);
      } finally {
        if (url) for (const c of conns) await c.close();
        await db.close();
      }
    });
  });
}
