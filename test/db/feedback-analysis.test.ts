/**
 * lh_update_pattern_performance against confusion matrices counted by hand (see each validation's
 * comment). Metric definitions as in scikit-learn's precision_recall_fscore_support: precision =
 * tp/(tp+fp), recall = tp/(tp+fn), F1 = 2tp/(2tp+fp+fn); undefined ratios are null here, never NaN.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queryable } from '../../src/db/port.ts';
import { dbTargets } from '../support/databases.ts';

// [id, lead_id, pattern, predicted, validated_at]
const VALIDATIONS: Array<[number, number, string, boolean | null, string]> = [
  [1, 1, 'business_detection', true, '2026-01-19T10:00Z'], // f1 actual true → TP
  [2, 2, 'business_detection', true, '2026-01-19T10:00Z'], // f2 actual false → FP
  [3, 3, 'business_detection', false, '2026-01-19T10:00Z'], // f3a true, then f3b false (latest wins) → TN
  [4, 4, 'business_detection', false, '2026-01-19T10:00Z'], // f4 by lead + pattern, actual true → FN
  [5, 5, 'business_detection', true, '2026-01-19T10:00Z'], // f5 on 01-19 (other day); f12 on D true → TP
  [6, 1, 'owner_match', true, '2026-01-18T10:00Z'], // superseded by 7 for lead 1
  [7, 1, 'owner_match', false, '2026-01-20T08:00Z'], // f6 by lead + pattern at 12:00, actual false → TN
  [8, 2, 'owner_match', false, '2026-01-20T15:00Z'], // after f7: not its validation
  [9, 2, 'owner_match', true, '2026-01-19T10:00Z'], // f7 by lead + pattern at 12:00, actual true → TP
  [10, 6, 'phone_valid', null, '2026-01-19T10:00Z'], // f8: no prediction → unscorable
  [11, 7, 'phone_valid', false, '2026-01-19T10:00Z'], // f13 actual false → TN
  [12, 8, 'distress_match', true, '2026-01-19T10:00Z'], // f14 actual false → FP
];
// [id, validation_id, lead_id, pattern, actual, lead_quality, created_at]
const FEEDBACK: Array<[number, number | null, number | null, string | null, boolean | null, number | null, string]> = [
  [1, 1, null, null, true, null, '2026-01-20T09:00Z'],
  [2, 2, null, null, false, null, '2026-01-20T09:00Z'],
  [3, 3, null, null, true, null, '2026-01-20T10:00Z'],
  [4, 3, null, null, false, null, '2026-01-20T11:00Z'],
  [5, null, 4, 'business_detection', true, null, '2026-01-20T09:00Z'],
  [6, 5, null, null, true, null, '2026-01-19T23:00Z'],
  [7, null, 1, 'owner_match', false, null, '2026-01-20T12:00Z'],
  [8, null, 2, 'owner_match', true, null, '2026-01-20T12:00Z'],
  [9, 10, null, null, true, null, '2026-01-20T09:00Z'],
  [10, null, 99, 'business_detection', true, null, '2026-01-20T09:00Z'], // no such validation → unlinked
  [11, 11, null, null, null, 2, '2026-01-20T09:00Z'], // quality only: not a truth
  [12, 5, null, null, true, null, '2026-01-20T23:59:59Z'],
  [13, 11, null, null, false, null, '2026-01-20T13:00Z'],
  [14, 12, null, null, false, null, '2026-01-20T13:00Z'],
  [15, null, 7, 'phone_valid', true, null, '2026-01-21T00:00Z'], // next day
];

async function seed(db: Queryable): Promise<void> {
  for (const v of VALIDATIONS) {
    await db.query('insert into lh_validation_history (id, lead_id, pattern_name, predicted, validated_at) values ($1, $2, $3, $4, $5)', v);
  }
  for (const f of FEEDBACK) {
    await db.query(`insert into lh_feedback_log (id, validation_id, lead_id, pattern_name, actual, lead_quality, created_at)
      values ($1, $2, $3, $4, $5, $6, $7)`, f);
  }
}

interface PerfRow {
  pattern_name: string; true_positives: number; false_positives: number; false_negatives: number; true_negatives: number;
  precision: number | null; recall: number | null; f1_score: number | null; sample_size: number; avg_f1_score: number | null;
}
const perf = (db: Queryable, date: string) => db.query<PerfRow & Record<string, unknown>>(
  `select pattern_name, true_positives, false_positives, false_negatives, true_negatives, precision, recall, f1_score,
     sample_size, avg_f1_score from lh_pattern_performance where performance_date = $1 order by pattern_name`, [date]);
const close = (a: number | null | undefined, b: number) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-12, `${a} ≈ ${b}`);

for (const target of await dbTargets()) {
  describe(`lh_update_pattern_performance on ${target.name}`, () => {
    it('matches the hand-counted confusion matrices of a UTC day', async () => {
      const db = await target.fresh();
      try {
        await seed(db);
        const [res] = await db.query<{ p: Record<string, unknown> }>("select lh_update_pattern_performance('2026-01-20') as p");
        const rows = await perf(db, '2026-01-20');
        assert.deepEqual(rows.map((r) => r.pattern_name), ['business_detection', 'distress_match', 'owner_match', 'phone_valid']);
        const [bd, dm, om, pv] = rows;
        // business_detection: TP 1, 5; FP 2; FN 4; TN 3
        assert.deepEqual([bd!.true_positives, bd!.false_positives, bd!.false_negatives, bd!.true_negatives, bd!.sample_size], [2, 1, 1, 1, 5]);
        close(bd!.precision, 2 / 3); close(bd!.recall, 2 / 3); close(bd!.f1_score, 2 / 3);
        // distress_match: one FP → precision 0, recall undefined, F1 = 0 / (0 + 1 + 0) = 0
        assert.deepEqual([dm!.true_positives, dm!.false_positives, dm!.false_negatives, dm!.true_negatives], [0, 1, 0, 0]);
        assert.equal(dm!.precision, 0); assert.equal(dm!.recall, null); assert.equal(dm!.f1_score, 0);
        // owner_match: TP 9, TN 7 (latest validation at or before the feedback)
        assert.deepEqual([om!.true_positives, om!.false_positives, om!.false_negatives, om!.true_negatives], [1, 0, 0, 1]);
        assert.equal(om!.precision, 1); assert.equal(om!.recall, 1); assert.equal(om!.f1_score, 1);
        // phone_valid: one TN (validation 10 has no prediction) → every ratio undefined
        assert.deepEqual([pv!.true_positives, pv!.false_positives, pv!.false_negatives, pv!.true_negatives, pv!.sample_size], [0, 0, 0, 1, 1]);
        assert.equal(pv!.precision, null); assert.equal(pv!.recall, null); assert.equal(pv!.f1_score, null);
        // the day's mean F1 over patterns that have one: (2/3 + 0 + 1) / 3 = 5/9, on every row
        for (const r of rows) close(r.avg_f1_score, 5 / 9);
        const p = res!.p;
        assert.equal(p['unlinked_feedback'], 1);
        assert.equal(p['unscorable_validations'], 1);
        close(p['avg_f1_score'] as number, 5 / 9);
        assert.equal((p['patterns'] as unknown[]).length, 4);
      } finally {
        await db.close();
      }
    });

    it('scores the previous day and the next day separately', async () => {
      const db = await target.fresh();
      try {
        await seed(db);
        await db.query("select lh_update_pattern_performance('2026-01-19')");
        await db.query("select lh_update_pattern_performance('2026-01-21')");
        const d19 = await perf(db, '2026-01-19');
        assert.equal(d19.length, 1); // f6: validation 5 (true) is a TP
        assert.deepEqual([d19[0]!.pattern_name, d19[0]!.true_positives, d19[0]!.sample_size, d19[0]!.f1_score], ['business_detection', 1, 1, 1]);
        const d21 = await perf(db, '2026-01-21');
        assert.equal(d21.length, 1); // f15: validation 11 predicted false, actual true → FN
        assert.deepEqual([d21[0]!.pattern_name, d21[0]!.false_negatives, d21[0]!.recall, d21[0]!.f1_score, d21[0]!.avg_f1_score],
          ['phone_valid', 1, 0, 0, 0]);
      } finally {
        await db.close();
      }
    });

    it('honours the business time zone from lh_settings', async () => {
      const db = await target.fresh();
      try {
        await seed(db);
        await db.query("update lh_settings set value = 'America/New_York' where key = 'business_time_zone'");
        await db.query("select lh_update_pattern_performance('2026-01-20')");
        // New York day = [01-20T05:00Z, 01-21T05:00Z): f15 (validation 11 via lead 7, actual true) now arrives on
        // the same day as f13 (validation 11, actual false) and is later, so it wins: one FN, no TN.
        // f6 (01-19T23:00Z = 18:00 New York on 01-19) stays out, f12 stays in: business_detection unchanged.
        const rows = await perf(db, '2026-01-20');
        const pv = rows.find((r) => r.pattern_name === 'phone_valid')!;
        assert.deepEqual([pv.true_positives, pv.false_positives, pv.false_negatives, pv.true_negatives, pv.sample_size], [0, 0, 1, 0, 1]);
        const bd = rows.find((r) => r.pattern_name === 'business_detection')!;
        assert.deepEqual([bd.true_positives, bd.false_positives, bd.false_negatives, bd.true_negatives], [2, 1, 1, 1]);
        await assert.rejects(db.query("select lh_update_pattern_performance('2026-01-20', 'Nowhere/City')"), /unknown time zone/);
      } finally {
        await db.close();
      }
    });

    it('is idempotent (table unchanged, same xmin) and drops a pattern whose feedback is gone', async () => {
      const db = await target.fresh();
      try {
        await seed(db);
        const all = () => db.query('select *, xmin::text as xmin from lh_pattern_performance order by performance_date, pattern_name');
        await db.query("select lh_update_pattern_performance('2026-01-20')");
        const before = await all();
        await db.query("select lh_update_pattern_performance('2026-01-20')");
        assert.deepEqual(await all(), before);
        await db.query("delete from lh_feedback_log where pattern_name = 'owner_match'");
        await db.query("select lh_update_pattern_performance('2026-01-20')");
        const rows = await perf(db, '2026-01-20');
        assert.deepEqual(rows.map((r) => r.pattern_name), ['business_detection', 'distress_match', 'phone_valid']);
        for (const r of rows) close(r.avg_f1_score, (2 / 3 + 0) / 2);
      } finally {
        await db.close();
      }
    });

    it('an empty day writes nothing and returns nulls', async () => {
      const db = await target.fresh();
      try {
        const [res] = await db.query<{ p: Record<string, unknown> }>("select lh_update_pattern_performance('2026-03-01') as p");
        assert.deepEqual(res!.p, { performance_date: '2026-03-01', time_zone: 'UTC', avg_f1_score: null,
          unlinked_feedback: 0, unscorable_validations: 0, patterns: [] });
        assert.equal((await db.query('select 1 from lh_pattern_performance')).length, 0);
        await assert.rejects(db.query('select lh_update_pattern_performance(null)'), /must not be null/);
      } finally {
        await db.close();
      }
    });
  });
}
