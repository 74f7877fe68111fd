/**
 * Bad rows written by the neighbouring services (ingestion, validation, agents' feedback), on both
 * databases: what the schema refuses outright (CHECK 23514 / FOREIGN KEY 23503, with the constraint's
 * name in the error so the writer knows what to fix), and what it accepts but the jobs must survive
 * (an absurd 10-year response time, a validation deleted after its truth arrived, duplicate truths).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Queryable } from '../../src/db/port.ts';
import { sqlState } from '../../src/db/port.ts';
import { runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets, withFreshDb } from '../support/databases.ts';

const count = async (db: Queryable, table: string): Promise<number> =>
  (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

/** The statement fails with `state`, and its message names `constraint`. */
async function rejectsWith(db: Queryable, sql: string, state: string, constraint: string): Promise<void> {
  await assert.rejects(db.query(sql), (e: unknown) => {
    assert.equal(sqlState(e), state, `${sql}: ${(e as Error).message}`);
    assert.match((e as Error).message, new RegExp(constraint), sql);
    return true;
  });
}

const withDb = withFreshDb;

for (const target of await dbTargets()) {
  describe(`bad rows from other services on ${target.name}`, () => {
    it('unknown statuses and out-of-range values are refused with SQLSTATE 23514 naming the constraint', () => withDb(target, async (db) => {
      await db.query(`insert into lh_lead_status (id, source, status) values (1, 'zillow', 'new')`);
      await db.query(`insert into lh_validation_history (id, lead_id, pattern_name, predicted) values (1, 1, 'business_detection', true)`);
      const cases: Array<[string, string]> = [
        [`insert into lh_lead_status (source, status) values ('zillow', 'bogus')`, 'lh_lead_status_status_check'],
        [`update lh_lead_status set status = 'Qualified' where id = 1`, 'lh_lead_status_status_check'], // case matters
        [`insert into lh_lead_status (source, status, ab_test_group) values ('zillow', 'new', 'both')`, 'lh_lead_status_ab_test_group_check'],
        [`insert into lh_validation_history (pattern_name, predicted, confidence) values ('business_detection', true, 1.5)`, 'lh_validation_history_confidence_check'],
        [`insert into lh_validation_history (pattern_name, predicted, confidence) values ('business_detection', true, -0.1)`, 'lh_validation_history_confidence_check'],
        [`insert into lh_feedback_log (lead_id, lead_quality) values (1, 9)`, 'lh_feedback_log_lead_quality_check'],
        [`insert into lh_feedback_log (lead_id, lead_quality) values (1, 0)`, 'lh_feedback_log_lead_quality_check'],
        [`insert into lh_feedback_log (lead_id, lead_quality) values (1, -3)`, 'lh_feedback_log_lead_quality_check'],
        [`insert into lh_properties (distress_score) values (-1)`, 'lh_properties_distress_score_check'],
        [`insert into lh_ab_tests (test_name, metric_tracked, traffic_allocation_pct) values ('t', 'contact_rate', 150)`, 'lh_ab_tests_traffic_allocation_pct_check'],
        [`insert into lh_ab_tests (test_name, metric_tracked) values ('t', 'revenue')`, 'lh_ab_tests_metric_tracked_check'],
      ];
      for (const [sql, constraint] of cases) await rejectsWith(db, sql, '23514', constraint);
      // nothing of the refused rows is there, and the good row is untouched
      assert.deepEqual([await count(db, 'lh_lead_status'), await count(db, 'lh_validation_history'), await count(db, 'lh_feedback_log'),
        await count(db, 'lh_properties'), await count(db, 'lh_ab_tests')], [1, 1, 0, 0, 0]);
      assert.deepEqual(await db.query('select status from lh_lead_status where id = 1'), [{ status: 'new' }]);
    }));

    it('feedback for a validation that does not exist is refused with 23503 (foreign key)', () => withDb(target, async (db) => {
      await rejectsWith(db, `insert into lh_feedback_log (validation_id, actual) values (424242, true)`, '23503', 'lh_feedback_log_validation_id_fkey');
      assert.equal(await count(db, 'lh_feedback_log'), 0);
    }));

    it('a lead naming a test that does not exist is refused with 23503 (lh_lead_status_ab_test_fk), on insert and update', () => withDb(target, async (db) => {
      await db.query(`insert into lh_lead_status (id, source) values (1, 'zillow')`);
      await rejectsWith(db, `insert into lh_lead_status (source, ab_test_id, ab_test_group) values ('zillow', 424242, 'control')`, '23503', 'lh_lead_status_ab_test_fk');
      await rejectsWith(db, `update lh_lead_status set ab_test_id = 424242, ab_test_group = 'control' where id = 1`, '23503', 'lh_lead_status_ab_test_fk');
      assert.deepEqual(await db.query('select id, ab_test_id, ab_test_group from lh_lead_status'), [{ id: 1, ab_test_id: null, ab_test_group: null }]);
    }));

    it('a validation deleted after its truth arrived: the truth becomes unlinked and the day is rescored without it', () => withDb(target, async (db) => {
      await db.query(`insert into lh_validation_history (id, lead_id, pattern_name, predicted, validated_at) values
        (1, 1, 'business_detection', true, '2026-01-19T10:00Z'), (2, 2, 'business_detection', false, '2026-01-19T10:00Z'),
        (3, 3, 'owner_match', true, '2026-01-19T10:00Z')`);
      // truths by validation id only (lead_id null), so a deleted validation leaves nothing to link by
      await db.query(`insert into lh_feedback_log (validation_id, actual, created_at) values
        (1, true, '2026-01-20T09:00Z'), (2, true, '2026-01-20T09:00Z'), (3, true, '2026-01-20T09:00Z')`);
      const score = async () => (await db.query<{ p: { unlinked_feedback: number; patterns: Array<{ pattern_name: string; sample_size: number; true_positives: number; false_negatives: number }> } }>(
        "select lh_update_pattern_performance('2026-01-20') as p"))[0]!.p;
      const before = await score();
      assert.equal(before.unlinked_feedback, 0);
      assert.deepEqual(before.patterns.map((p) => [p.pattern_name, p.sample_size]), [['business_detection', 2], ['owner_match', 1]]);
      await db.query('delete from lh_validation_history where id in (2, 3)'); // ON DELETE SET NULL keeps the feedback rows
      assert.equal(await count(db, 'lh_feedback_log'), 3);
      const after = await score();
      assert.equal(after.unlinked_feedback, 2); // reported, not scored
      assert.deepEqual(after.patterns.map((p) => [p.pattern_name, p.sample_size, p.true_positives, p.false_negatives]), [['business_detection', 1, 1, 0]]);
      // owner_match lost its only truth of the day: its row is gone rather than left stale
      assert.deepEqual(await db.query(`select pattern_name from lh_pattern_performance where performance_date = '2026-01-20'`), [{ pattern_name: 'business_detection' }]);
    }));

    it('duplicate truths for one validation count once: identical copies, and a same-instant contradiction (highest id wins)', () => withDb(target, async (db) => {
      await db.query(`insert into lh_validation_history (id, lead_id, pattern_name, predicted, validated_at) values
        (1, 1, 'business_detection', true, '2026-01-19T10:00Z'), (2, 2, 'business_detection', true, '2026-01-19T10:00Z')`);
      // validation 1: the same truth sent three times; validation 2: true then false at the same instant
      await db.query(`insert into lh_feedback_log (id, validation_id, actual, created_at) values
        (1, 1, true, '2026-01-20T09:00Z'), (2, 1, true, '2026-01-20T09:00Z'), (3, 1, true, '2026-01-20T09:00Z'),
        (4, 2, true, '2026-01-20T11:00Z'), (5, 2, false, '2026-01-20T11:00Z')`);
      await db.query("select lh_update_pattern_performance('2026-01-20')");
      const [row] = await db.query<{ true_positives: number; false_positives: number; sample_size: number }>(
        `select true_positives, false_positives, sample_size from lh_pattern_performance where performance_date = '2026-01-20'`);
      assert.deepEqual(row, { true_positives: 1, false_positives: 1, sample_size: 2 });
    }));

    it('a 10-year response time is counted as implausible, kept out of the stored mean, and fires no bottleneck', () => withDb(target, async (db) => {
      // 10 leads a day for 7 days, each answered after 2 h; plus one lead created 2016-01-20 and contacted on D
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at)
        select 'zillow', 'contacted', d + h * interval '1 hour', d + (h + 2) * interval '1 hour'
        from generate_series('2026-01-14'::timestamptz, '2026-01-20'::timestamptz, interval '1 day') d, generate_series(8, 17) h`);
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at) values ('zillow', 'contacted', '2016-01-20T12:00Z', '2026-01-20T12:00Z')`);
      const r = await runDailyJob({ db, clock: fixedClock(new Date('2026-01-21T00:01:00Z')), logger: silentLogger });
      const m = r.days[0]!.metrics;
      // 2016-01-20 → 2026-01-20 is 3,653 days = 87,672 h, beyond max_plausible_delay_days (90): it counts as a
      // contact of the day but stays out of the mean, which is the ten 2-hour answers
      assert.equal(m.contactedCount, 11);
      assert.equal(m.avgResponseTimeHours, 2);
      assert.equal(m.medianResponseTimeHours, 2);
      assert.equal(m.invalidRowsCount, 1);
      // detection reads the same lead facts: the outlier is invalid there too, so the window's mean is the
      // stored 2 h (before lh_lead_facts it saw ~1,250 h, "above 4 but not credibly"), and no
      // instant-responder is spawned for it
      assert.ok(!r.days[0]!.bottlenecks.some((b) => b.type === 'low_response_rate'));
      const quiet = r.days[0]!.quietRules.find((q) => q.type === 'low_response_rate');
      assert.match(quiet?.reasons.join(' ') ?? '', /average response time 2 h is not above 4 h/);
      assert.ok(!r.spawned.some((s) => s.skill.skillType === 'instant-responder'));
    }));
  });
}
