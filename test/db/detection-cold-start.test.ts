/**
 * Cold start through the real daily job, from raw rows, on PGlite and PostgreSQL (issue 12 item 2): a
 * pipeline whose whole history is its first day is told at once what a partial window can only understate
 * (8 h answers against the 4 h line, F1 0.67 on 40 labels), and not what it would invent (0 of 40 contacted
 * leads qualified: their qualifications have not happened yet), and says why; the same rows plus one old
 * lead (so the history covers every window, without changing any window's figures) fire all three.
 * D = 2026-01-20 (UTC), run at 00:01 next day.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets } from '../support/databases.ts';

const NOW = new Date('2026-01-21T00:01:00Z');
const D = Date.parse('2026-01-20T00:00:00Z');
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** 40 leads created on D between 00:00 and 11:42, each answered 7–9 h later; none qualifies (yet). */
async function firstDay(db: Queryable): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at)
    select 'zillow', 'contacted', $1::timestamptz + i * interval '18 minutes', $1::timestamptz + i * interval '18 minutes' + (7 + i % 3) * interval '1 hour'
    from generate_series(0, 39) as g(i)`, [iso(D)]);
  // 40 truths arriving on D: tp 20, fp 10, fn 10 → F1 = 40/60 ≈ 0.667, far below 0.8
  await db.query(`with v as (
      insert into lh_validation_history (lead_id, pattern_name, predicted, validated_at)
      select 1000 + i, 'business_detection', i < 30, $1::timestamptz from generate_series(0, 39) as g(i) returning id, lead_id
    )
    insert into lh_feedback_log (validation_id, actual, agent_id, created_at)
    select v.id, (v.lead_id - 1000) < 20 or (v.lead_id - 1000) >= 30, 'agent-1', $2::timestamptz from v`, [iso(D - 12 * H), iso(D + 18 * H)]);
}

const run = (db: Database) => runDailyJob({ db, clock: fixedClock(NOW), logger: silentLogger });

for (const target of await dbTargets()) {
  describe(`cold start on ${target.name}`, () => {
    it('a first-day pipeline: slow answers and poor F1 fire, 0 of 40 qualified does not (its qualifications are still to come)', async () => {
      const db = await target.fresh();
      try {
        await firstDay(db);
        const r = await run(db);
        const day = r.days[0]!;
        assert.deepEqual([day.metrics.newLeadsCount, day.metrics.contactedCount, day.metrics.qualifiedCount], [40, 40, 0]);
        assert.ok((day.metrics.avgResponseTimeHours ?? 0) > 7);
        assert.deepEqual(day.bottlenecks.map((b) => [b.type, b.metric, b.evidence.map((e) => e.trigger.kind)]), [
          ['low_response_rate', 'avg_response_time_hours', ['threshold']],
          ['validation_accuracy_drop', 'f1_score', ['threshold']],
        ]);
        assert.deepEqual(r.spawned.map((s) => s.skill.skillType).sort(), ['instant-responder', 'pattern-optimizer']);
        const reasons = day.quietRules.flatMap((q) => q.reasons);
        assert.ok(reasons.includes('qualified / contacted below minQualificationRate: history starts 2026-01-20; ' +
          'the recent window of qualifications needs data from 2026-01-05'), JSON.stringify(reasons, null, 1));
        // every quiet rule says why; weak_lead_source has no lead old enough to have matured in any source at all
        assert.deepEqual(day.quietRules.map((q) => q.type).sort(), ['poor_qualification', 'slow_follow_up', 'weak_lead_source']);
        for (const q of day.quietRules) {
          const why = q.type === 'weak_lead_source' ? 'no matured leads in any source' : q.type === 'slow_follow_up' ? 'no data in 2026-01-14..2026-01-20' : 'history starts 2026-01-20';
          assert.ok(q.reasons.some((x) => x.includes(why)), `${q.type}: ${JSON.stringify(q.reasons)}`);
        }
        const [n] = await db.query<{ skills: number; stored: number }>(`select (select count(*) from lh_spawned_skills)::int as skills,
          (select count(*) from lh_detected_bottlenecks)::int as stored`);
        assert.deepEqual(n, { skills: 2, stored: 2 });
      } finally {
        await db.close();
      }
    });

    it('the same numbers with a history that covers the windows fire', async () => {
      const db = await target.fresh();
      try {
        await firstDay(db);
        // one lead 60 days before D, never contacted: outside every window, it only moves the first day of data
        await db.query(`insert into lh_lead_status (source, status, created_at) values ('zillow', 'new', $1)`, [iso(D - 60 * 24 * H)]);
        const r = await run(db);
        const day = r.days[0]!;
        assert.deepEqual([day.metrics.newLeadsCount, day.metrics.contactedCount, day.metrics.qualifiedCount], [40, 40, 0]);
        assert.deepEqual(day.bottlenecks.map((b) => [b.type, b.metric, b.evidence.map((e) => e.trigger.kind)]), [
          ['low_response_rate', 'avg_response_time_hours', ['threshold']],
          ['poor_qualification', 'qualification_rate', ['threshold']],
          ['validation_accuracy_drop', 'f1_score', ['threshold']],
        ]);
        assert.equal(day.bottlenecks[1]!.currentValue, 0); // 0 of 40: now with the history to trust it
        assert.deepEqual(r.spawned.map((s) => s.skill.skillType).sort(), ['instant-responder', 'lead-scorer', 'pattern-optimizer']);
      } finally {
        await db.close();
      }
    });
  });
}
