/**
 * Attribution before spawning (issue 12 item 3), through the real daily job from raw pipeline rows on PGlite
 * and PostgreSQL: 60 days of 40 leads a day from four sources (10 each), every lead answered after 2 hours,
 * half of them qualified 2 days after the contact. Then either zillow's leads qualify 1 in 10 from 13 days
 * before D on (one source goes bad: the qualify cohort's recent week holds the drop, its baseline none of it,
 * and the source cohorts, 14 days behind, not yet), or every source's 2 in 10 from 20 days before D on (the
 * funnel-wide drop, far enough back for each source's own conversion drop test to fire too). One source's drop spawns
 * only that source's optimizer; a drop of every source spawns only the funnel-wide skill, and no source's
 * own drop test blames that source. D = 2026-01-20 (UTC), run at 00:01 the next day.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Queryable } from '../../src/db/port.ts';
import { runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets } from '../support/databases.ts';

const NOW = new Date('2026-01-21T00:01:00Z');
const D = '2026-01-20';
const SOURCES = ['cold_call', 'direct_mail', 'referral', 'zillow'];

/**
 * Leads created d days before D (d = 1..60), 10 per source and day; lead i of day d qualifies when
 * (3d + i) mod 10 is below 5 (50 %), or below `after` (of 10) for the `bad` sources from d ≤ fromDay on. A lead
 * whose qualification would come after D has not qualified yet.
 */
async function pipeline(db: Queryable, bad: readonly string[], after: number, fromDay: number): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, qualified_at)
    select x.src, case when x.q then 'qualified' else 'contacted' end, x.t, x.t + interval '2 hours',
      case when x.q then x.t + interval '2 hours 2 days' end
    from (
      select s.src, ($1::date - d) + make_interval(mins => 30 + i * 140) as t,
        d > 2 and ((d * 3 + i) % 10) < (case when d <= $5::int and s.src = any($2::text[]) then $3::int else 5 end) as q
      from unnest($4::text[]) as s(src), generate_series(1, 60) as d, generate_series(0, 9) as i
    ) x`, [D, [...bad], after, SOURCES, fromDay]);
}

for (const target of await dbTargets()) {
  describe(`attribution of a qualification drop on ${target.name}`, () => {
    it("a drop in one source spawns only that source's optimizer", async () => {
      const db = await target.fresh();
      try {
        await pipeline(db, ['zillow'], 1, 13);
        const r = await runDailyJob({ db, clock: fixedClock(NOW), logger: silentLogger });
        const day = r.days[0]!;
        assert.deepEqual(day.bottlenecks.map((b) => [b.type, b.segment]), [['weak_lead_source', 'zillow']], JSON.stringify(day.quietRules, null, 1));
        const b = day.bottlenecks[0]!;
        const attribution = b.evidence.find((e) => e.trigger.kind === 'attribution');
        assert.ok(attribution, JSON.stringify(b.evidence));
        assert.match(attribution.summary, /zillow explains 100\.0% of the drop 50\.0% → 40\.0%/);
        assert.match(attribution.summary, /Per source: zillow −10\.0 pts \(rate 50\.0% → 10\.0%, share 25\.0% → 25\.0%\)/);
        assert.deepEqual(r.spawned.map((s) => [s.skill.skillType, s.skill.segment]), [['source-optimizer', 'zillow']]);
        const pq = day.quietRules.find((q) => q.type === 'poor_qualification');
        assert.ok(pq?.reasons.some((x) => x.startsWith('the qualification drop is attributed to zillow: ')), JSON.stringify(pq));
        // what was stored for the day is what was spawned: one bottleneck, zillow's
        const stored = await db.query<{ type: string; segment: string | null }>(
          'select bottleneck_type as type, segment from lh_detected_bottlenecks order by id');
        assert.deepEqual(stored, [{ type: 'weak_lead_source', segment: 'zillow' }]);
      } finally {
        await db.close();
      }
    });

    it('a drop in every source spawns only the funnel-wide skill', async () => {
      const db = await target.fresh();
      try {
        await pipeline(db, SOURCES, 2, 20);
        const r = await runDailyJob({ db, clock: fixedClock(NOW), logger: silentLogger });
        const day = r.days[0]!;
        assert.deepEqual(day.bottlenecks.map((b) => [b.type, b.segment]), [['poor_qualification', null]], JSON.stringify(day.quietRules, null, 1));
        const attribution = day.bottlenecks[0]!.evidence.find((e) => e.trigger.kind === 'attribution');
        assert.ok(attribution);
        assert.match(attribution.summary, /the drop 42\.5% → 20\.0% is funnel-wide: it takes more than 2 sources to explain 75\.0% of it/);
        assert.deepEqual(r.spawned.map((s) => [s.skill.skillType, s.skill.segment]), [['lead-scorer', null]]);
        // each source's own conversion drop fired, and is explained as part of the funnel's
        const wls = day.quietRules.find((q) => q.type === 'weak_lead_source');
        for (const s of SOURCES) {
          assert.ok(wls?.reasons.some((x) => x.startsWith(`${s}: its conversion drop is part of the funnel-wide qualification drop`)), `${s}: ${JSON.stringify(wls)}`);
        }
      } finally {
        await db.close();
      }
    });
  });
}
