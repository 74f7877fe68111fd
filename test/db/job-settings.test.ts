/**
 * Thresholds stored in lh_settings (detection, spawning, decision) drive the real jobs on both databases,
 * and a bad document stops the job with a message naming the setting and the path, before any write.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { runAnalysisJob } from '../../src/jobs/analyze.ts';
import { runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets } from '../support/databases.ts';

const NOW = new Date('2026-01-21T00:01:00Z');
const H = 3_600_000;
const D = Date.parse('2026-01-20T00:00:00Z');
const deps = (db: Database) => ({ db, clock: fixedClock(NOW), logger: silentLogger });

/**
 * A pipeline with history (one lead 60 days back) and a slow week: 42 leads answered after 7–9 h (mean 8 h).
 * Nobody qualifies, so poor_qualification fires too; the assertions look at low_response_rate.
 */
async function slowWeek(db: Queryable): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at) values ('referral', 'new', $1)`, [new Date(D - 60 * 24 * H + 9 * H).toISOString()]);
  await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at)
    select 'referral', 'contacted', c, c + (7 + i % 3) * interval '1 hour'
    from generate_series(0, 41) i, lateral (select $1::timestamptz - (i / 6) * interval '1 day' + (8 + i % 6) * interval '1 hour' as c) x`,
  [new Date(D).toISOString()]);
}

const setSetting = (db: Queryable, key: string, value: string) =>
  db.query(`insert into lh_settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value`, [key, value]);
const count = async (db: Queryable, table: string) => (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

/** The seed's Test #4: 100 control leads at 30 %, 100 treatment leads at 45 % conversion. */
async function seedTest4(db: Queryable): Promise<void> {
  await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status, spawned_at) values (1, 'lead-scorer', 's', 'testing', '2026-01-01T00:01Z')`);
  await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, started_at) values (1, 't', 1, 'conversion_rate', '2026-01-01T00:01Z')`);
  await db.query(`insert into lh_lead_status (source, status, created_at, ab_test_id, ab_test_group)
    select 'referral', case when i < (case when g = 'control' then 30 else 45 end) then 'qualified' else 'new' end,
      '2026-01-05T10:00Z'::timestamptz, 1, g
    from generate_series(0, 99) i, unnest(array['control', 'treatment']) g`);
}

for (const target of await dbTargets()) {
  describe(`job settings in lh_settings on ${target.name}`, () => {
    it('detection thresholds: the stored line decides whether a slow week fires', async () => {
      const db = await target.fresh();
      try {
        await slowWeek(db);
        await setSetting(db, 'detection', '{"lowResponseRate": {"maxAvgResponseHours": 12, "targetResponseHours": 2}}');
        const raised = await runDailyJob(deps(db));
        const slow = (r: typeof raised) => r.days[0]!.bottlenecks.filter((b) => b.type === 'low_response_rate').length;
        assert.equal(slow(raised), 0);
        await setSetting(db, 'detection', '{}');
        const seedLine = await runDailyJob(deps(db));
        assert.equal(slow(seedLine), 1);
      } finally {
        await db.close();
      }
    });

    it('spawning settings shape the spawned test (traffic allocation)', async () => {
      const db = await target.fresh();
      try {
        await slowWeek(db);
        await setSetting(db, 'spawning', '{"trafficAllocationPct": 30}');
        const r = await runDailyJob(deps(db));
        assert.ok(r.spawned.some((s) => s.skill.skillType === 'instant-responder'));
        const rows = await db.query<{ traffic_allocation_pct: number }>('select traffic_allocation_pct from lh_ab_tests');
        assert.deepEqual(rows.map((t) => t.traffic_allocation_pct), r.spawned.map(() => 30));
      } finally {
        await db.close();
      }
    });

    it('a bad document stops the job before any write, naming the setting and the path', async () => {
      const db = await target.fresh();
      try {
        await slowWeek(db);
        await setSetting(db, 'detection', '{"lowResponseRate": {"maxAvgResponsHours": 12}}');
        await assert.rejects(runDailyJob(deps(db)), /lh_settings\.detection is invalid: lowResponseRate: .*maxAvgResponsHours/);
        await setSetting(db, 'detection', '{}');
        await setSetting(db, 'spawning', '{"trafficAllocationPct": 100}');
        await assert.rejects(runDailyJob(deps(db)), /lh_settings\.spawning is invalid: trafficAllocationPct:/);
        await setSetting(db, 'spawning', '{not json');
        await assert.rejects(runDailyJob(deps(db)), /lh_settings\.spawning is not valid JSON/);
        assert.equal(await count(db, 'lh_daily_metrics'), 0);
        assert.equal(await count(db, 'lh_spawned_skills'), 0);
        // every stored setting is checked before either job writes: the analysis refuses the bad spawning row too
        await assert.rejects(runAnalysisJob(deps(db)), /lh_settings\.spawning is not valid JSON/);
        await setSetting(db, 'spawning', '{}');
        await setSetting(db, 'decision', '{"seed": {"killBelowLiftPct": 20}}'); // above KEEP's 10 %: contradictory
        await assert.rejects(runAnalysisJob(deps(db)), /lh_settings\.decision is invalid: .*killBelowLiftPct/);
        // the designed tests' knobs are checked as strictly, by both jobs, before any write
        await setSetting(db, 'decision', '{"spawnPolicy": "bandit"}');
        await assert.rejects(runDailyJob(deps(db)), /lh_settings\.decision is invalid: spawnPolicy:/);
        await setSetting(db, 'decision', '{"planned": {"smallestWorthwhileLift": 20}}');
        await assert.rejects(runDailyJob(deps(db)), /lh_settings\.decision is invalid: planned: .*smallestWorthwhileLift/);
        await setSetting(db, 'decision', '{"planned": {"spending": {"kind": "power", "rho": 0}}}');
        await assert.rejects(runAnalysisJob(deps(db)), /lh_settings\.decision is invalid: planned\.spending\.rho:/);
        await setSetting(db, 'spawning', '{"inconclusiveCooldownDays": -1}');
        await assert.rejects(runDailyJob(deps(db)), /lh_settings\.spawning is invalid: inconclusiveCooldownDays:/);
        assert.equal(await count(db, 'lh_daily_metrics'), 0);
      } finally {
        await db.close();
      }
    });

    it("decision thresholds: Test #4 (+50 %, p = 0.028) is KEPT by the seed rule, CONTINUEs when KEEP needs +60 %", async () => {
      const db = await target.fresh();
      try {
        await seedTest4(db);
        await setSetting(db, 'decision', '{"seed": {"keepMinLiftPct": 60}}');
        const strict = await runAnalysisJob(deps(db));
        const t = strict.tests[0]!;
        assert.ok(t.kind === 'analyzed' && t.decision.kind === 'CONTINUE', JSON.stringify(t));
        await setSetting(db, 'decision', '{}');
        const seed = await runAnalysisJob(deps(db));
        const k = seed.tests[0]!;
        assert.ok(k.kind === 'analyzed' && k.decision.kind === 'KEEP', JSON.stringify(k));
      } finally {
        await db.close();
      }
    });
  });
}
