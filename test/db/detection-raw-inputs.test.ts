/**
 * Detection reads the raw tables (issue 12 item 1), through the real daily job on PGlite and PostgreSQL: on a
 * pipeline with two months of validation feedback and no earlier run of the job (so no lh_pattern_performance
 * rows before today), the first run sees F1 fall from 0.90 to 0.67 in the last week. And the F1 windows count
 * exactly what the feedback analysis scores day by day (lh_scored_truths is the one rule of both), including
 * two truths for one validation on one day (the later wins) and a correction on a later day (scored again then).
 * D = 2026-01-20 (UTC), run at 00:01 the next day.
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

/**
 * One lead 60 days before D (the first day of data), and 20 labelled validations a day from D−59 to D:
 * before D−6 tp 9, fp 1, fn 1, tn 9 a day (F1 0.90); from D−6 on tp 8, fp 4, fn 4, tn 4 (F1 0.67).
 * Validated at 08:00, the truth at 12:00 the same day (UTC).
 */
async function twoMonthsOfFeedback(db: Queryable): Promise<void> {
  await db.query(`insert into lh_lead_status (source, status, created_at) values ('zillow', 'new', $1::date - 60)`, [D]);
  await db.query(`with labels as (
      select d, i, ($1::date - 59 + d) as day, d >= 53 as recent from generate_series(0, 59) d, generate_series(0, 19) i
    ), truth as (
      select l.*, case when l.recent then l.i < 12 else l.i < 10 end as predicted,
        case when l.recent then l.i < 8 or l.i between 12 and 15 else l.i < 9 or l.i = 10 end as actual
      from labels l
    ), v as (
      insert into lh_validation_history (lead_id, pattern_name, predicted, validated_at)
      select 100000 + t.d * 100 + t.i, 'business_detection', t.predicted, t.day + time '08:00' from truth t
      returning id, lead_id
    )
    insert into lh_feedback_log (validation_id, actual, agent_id, created_at)
    select v.id, t.actual, 'agent-1', t.day + time '12:00'
    from v join truth t on v.lead_id = 100000 + t.d * 100 + t.i`, [D]);
}

for (const target of await dbTargets()) {
  describe(`detection from the raw tables on ${target.name}`, () => {
    it('the first run on an existing pipeline detects an F1 drop, with no earlier run of the job', async () => {
      const db = await target.fresh();
      try {
        await twoMonthsOfFeedback(db);
        const before = await db.query<{ n: number }>('select count(*)::int as n from lh_pattern_performance');
        assert.equal(before[0]!.n, 0);
        const r = await runDailyJob({ db, clock: fixedClock(NOW), logger: silentLogger });
        const day = r.days[0]!;
        const f1 = day.bottlenecks.find((b) => b.type === 'validation_accuracy_drop');
        assert.ok(f1, JSON.stringify(day.quietRules));
        assert.deepEqual(f1.evidence.map((e) => e.trigger.kind), ['threshold', 'baseline-drop']);
        const drop = f1.evidence[1]!;
        // recent D−6..D: 7 × (8 + 4 + 4) labels; baseline D−34..D−7: 28 × (9 + 1 + 1)
        assert.equal(drop.figures['recentLabels'], 112);
        assert.equal(drop.figures['baselineLabels'], 308);
        assert.ok(Math.abs(Number(drop.figures['baselineF1']) - 0.9) < 1e-3, String(drop.figures['baselineF1']));
        assert.ok(Math.abs(Number(drop.figures['recentF1']) - 2 / 3) < 1e-3, String(drop.figures['recentF1']));
        assert.deepEqual(r.spawned.map((s) => s.skill.skillType), ['pattern-optimizer']);
        // the daily record is still written, for D only: detection did not need the days before
        const rows = await db.query<{ day: string }>("select performance_date::text as day from lh_pattern_performance");
        assert.deepEqual(rows, [{ day: D }]);
      } finally {
        await db.close();
      }
    });

    it('the F1 windows count what the feedback analysis scores on each day, corrections included', async () => {
      const db = await target.fresh();
      try {
        await twoMonthsOfFeedback(db);
        // on D−3 a second, later truth flips one recent tp into an fp (same day: only the later one counts) …
        await db.query(`insert into lh_feedback_log (validation_id, actual, agent_id, created_at)
          select v.id, false, 'agent-2', $1::date - 3 + time '18:00' from lh_validation_history v
          where v.validated_at = $1::date - 3 + time '08:00' and v.predicted order by v.id limit 1`, [D]);
        // … and on D−2 a correction of a baseline validation of D−10 (a later day: scored on both days)
        await db.query(`insert into lh_feedback_log (validation_id, actual, agent_id, created_at)
          select v.id, false, 'agent-2', $1::date - 2 + time '09:00' from lh_validation_history v
          where v.validated_at = $1::date - 10 + time '08:00' and v.predicted order by v.id limit 1`, [D]);
        // the feedback analysis, day by day over both windows (D−34..D), as earlier runs would have stored it
        for (let back = 34; back >= 0; back--) {
          await db.query('select lh_update_pattern_performance($1::date - $2::int, $3)', [D, back, 'UTC']);
        }
        const [stored] = await db.query<{ recent: number; baseline: number; recent_tp: number }>(`select
            sum(true_positives + false_positives + false_negatives) filter (where performance_date >= $1::date - 6)::int as recent,
            sum(true_positives + false_positives + false_negatives) filter (where performance_date < $1::date - 6)::int as baseline,
            sum(true_positives) filter (where performance_date >= $1::date - 6)::int as recent_tp
          from lh_pattern_performance`, [D]);
        // the flipped truth: 112 labels still (a tp became an fp), one tp fewer; the correction adds a label (fp) on D−2
        assert.deepEqual(stored, { recent: 113, baseline: 308, recent_tp: 55 });
        const r = await runDailyJob({ db, clock: fixedClock(NOW), logger: silentLogger });
        const drop = r.days[0]!.bottlenecks.find((b) => b.type === 'validation_accuracy_drop')?.evidence
          .find((e) => e.trigger.kind === 'baseline-drop');
        assert.ok(drop);
        assert.equal(drop.figures['recentLabels'], stored!.recent);
        assert.equal(drop.figures['baselineLabels'], stored!.baseline);
        assert.ok(Math.abs(Number(drop.figures['recentF1']) - (2 * 55) / (55 + 113)) < 1e-3, String(drop.figures['recentF1']));
      } finally {
        await db.close();
      }
    });
  });
}
