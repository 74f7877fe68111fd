/**
 * The skills of migration 20261209000100 on PGlite and PostgreSQL, through the same tick as instant-responder:
 * follow-up-sequencer (days 1, 3, 7, 14 after contact, cancelled once qualified), source-optimizer (nurture for
 * the weak source's treatment leads) and pattern-optimizer (per-pattern thresholds fitted on 70 % of the last
 * 28 days of labels and checked on 30 %; revalidate only with a threshold that passed). Treatment leads only,
 * never control; the tick twice adds nothing. The fitted threshold is checked against an independent brute
 * force over the same labels (a loop here, window sums in SQL).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queryable } from '../../src/db/port.ts';
import { fitPatternThresholds, generateSkillActions, listSkillActions } from '../../src/db/queries/skill-actions.ts';
import { dbTargets, withFreshDb } from '../support/databases.ts';
import { mulberry32 } from '../support/rng.ts';

const T0 = new Date('2026-03-01T00:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const DAY = 86_400_000;

/** A testing skill of `type` (segment optional) with its running test started at T0; returns [skill id, test id]. */
async function skillUnderTest(db: Queryable, type: string, metric: string, segment: string | null = null): Promise<[number, number]> {
  const [s] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, segment, spawned_at)
    values ($1, $1 || ' test', 'testing', $2, $3) returning id`, [type, segment, T0]);
  const [t] = await db.query<{ id: number }>(`insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at, segment)
    values ('t', $1, $2, 'running', $3, $4) returning id`, [s!.id, metric, T0, segment]);
  return [Number(s!.id), Number(t!.id)];
}

/** n leads of `source`, one an hour from hour `from`; returns their ids. */
async function leads(db: Queryable, n: number, from: number, source = 'zillow'): Promise<number[]> {
  const rows = await db.query<{ id: number }>(`insert into lh_lead_status (source, status, created_at)
    select $3, 'new', $2::timestamptz + (i - 1) * interval '1 hour' from generate_series(1, $1::int) i returning id`, [n, hours(from), source]);
  return rows.map((r) => Number(r.id));
}

const groupsOf = async (db: Queryable, testId: number) => new Map((await db.query<{ lead_id: number; ab_group: string }>(
  'select lead_id, ab_group from lh_ab_assignments where test_id = $1', [testId])).map((r) => [Number(r.lead_id), r.ab_group]));

/** F1 with a null for "nothing to score", as lh_f1. */
const f1 = (tp: number, fp: number, fn: number): number | null => (2 * tp + fp + fn === 0 ? null : (2 * tp) / (2 * tp + fp + fn));

interface Label { id: number; confidence: number; actual: boolean; predicted: boolean }

/** The independent reference: every training confidence as the threshold, the best F1 (ties: the higher threshold). */
function bruteForce(labels: readonly Label[]): { threshold: number; trainF1: number; holdoutF1: number | null; holdoutF1Current: number | null } {
  const train = labels.filter((l) => l.id % 10 >= 3);
  const holdout = labels.filter((l) => l.id % 10 < 3);
  const score = (set: readonly Label[], say: (l: Label) => boolean) => f1(
    set.filter((l) => l.actual && say(l)).length, set.filter((l) => !l.actual && say(l)).length, set.filter((l) => l.actual && !say(l)).length);
  let best = { threshold: Number.NaN, f: -1 };
  for (const t of [...new Set(train.map((l) => l.confidence))]) {
    const f = score(train, (l) => l.confidence >= t) ?? -1;
    if (f > best.f || (f === best.f && t > best.threshold)) best = { threshold: t, f };
  }
  return {
    threshold: best.threshold, trainF1: best.f,
    holdoutF1: score(holdout, (l) => l.confidence >= best.threshold), holdoutF1Current: score(holdout, (l) => l.predicted),
  };
}

for (const target of await dbTargets()) {
  describe(`the skills' actions on ${target.name}`, () => {
    it('follow-up-sequencer: days 1, 3, 7, 14 after contact for contacted treatment leads; cancelled once qualified', () => withFreshDb(target, async (db) => {
      const [skillId, testId] = await skillUnderTest(db, 'follow-up-sequencer', 'qualification_rate');
      const ids = await leads(db, 24, 1);
      await db.query('select lh_assign_pending_leads($1)', [hours(30)]);
      const groups = await groupsOf(db, testId);
      const treated = ids.filter((id) => groups.get(id) === 'treatment');
      const control = ids.filter((id) => groups.get(id) === 'control');
      assert.ok(treated.length >= 4 && control.length >= 2, `${treated.length} / ${control.length}`);
      // every lead but the last two of each group contacted 2 hours after it arrived
      const contacted = [...treated.slice(0, -2), ...control.slice(0, -2)];
      await db.query("update lh_lead_status set status = 'contacted', contacted_at = created_at + interval '2 hours' where id = any($1::bigint[])", [contacted]);
      const first = await generateSkillActions(db, hours(30));
      const got = treated.slice(0, -2);
      assert.equal(first.created['follow_up'], 4 * got.length);
      const rows = await db.query<{ lead_id: number; step: string; due: Date; contacted: Date; test_id: number }>(
        `select a.lead_id, a.step, a.due_at as due, l.contacted_at as contacted, a.test_id from lh_skill_actions a
           join lh_lead_status l on l.id = a.lead_id where a.action = 'follow_up' order by a.lead_id, a.due_at`);
      assert.deepEqual([...new Set(rows.map((r) => Number(r.lead_id)))], got, 'contacted treatment leads only');
      for (const id of got) {
        const mine = rows.filter((r) => Number(r.lead_id) === id);
        assert.deepEqual(mine.map((r) => r.step), ['day-1', 'day-3', 'day-7', 'day-14']);
        assert.deepEqual(mine.map((r) => (new Date(r.due).getTime() - new Date(r.contacted).getTime()) / DAY), [1, 3, 7, 14]);
        assert.ok(mine.every((r) => Number(r.test_id) === testId));
      }
      assert.equal((await generateSkillActions(db, hours(31))).created['follow_up'], 0, 'the tick again adds nothing');
      // a lead qualified meanwhile: its remaining follow-ups are cancelled
      await db.query("update lh_lead_status set status = 'qualified', qualified_at = contacted_at + interval '1 day' where id = $1", [got[0]]);
      const after = await generateSkillActions(db, hours(32));
      assert.equal(after.cancelled, 4);
      assert.deepEqual((await listSkillActions(db, { leadId: got[0]!, limit: 10 })).map((a) => a.status), ['cancelled', 'cancelled', 'cancelled', 'cancelled']);
      assert.ok((await listSkillActions(db, { skillId, status: 'pending', limit: 100 })).every((a) => a.leadId !== got[0]));
    }));

    it("source-optimizer: nurture for the weak source's treatment leads only", () => withFreshDb(target, async (db) => {
      const [, testId] = await skillUnderTest(db, 'source-optimizer', 'qualification_rate', 'zillow');
      const weak = await leads(db, 20, 1, 'zillow');
      const other = await leads(db, 10, 1, 'referral');
      const r = await generateSkillActions(db, hours(24));
      const groups = await groupsOf(db, testId);
      const treated = weak.filter((id) => groups.get(id) === 'treatment');
      assert.ok(treated.length > 0);
      assert.equal(r.created['nurture'], treated.length);
      const rows = await db.query<{ lead_id: number; source: string; sequence: string }>(
        "select lead_id, payload->>'source' as source, payload->>'sequence' as sequence from lh_skill_actions where action = 'nurture' order by lead_id");
      assert.deepEqual(rows.map((x) => Number(x.lead_id)), treated);
      assert.ok(rows.every((x) => x.source === 'zillow' && x.sequence === 'nurture'));
      assert.ok(other.every((id) => !rows.some((x) => Number(x.lead_id) === id)), 'other sources get nothing');
      assert.equal((await generateSkillActions(db, hours(25))).created['nurture'], 0);
    }));

    it('pattern-optimizer: the F1-best threshold on 70 % of 28 days of labels, checked on 30 %, equals a brute force; revalidate carries it', () => withFreshDb(target, async (db) => {
      const [skillId, testId] = await skillUnderTest(db, 'pattern-optimizer', 'f1_score');
      // phone: the truth follows the confidence around 0.6, the pattern says valid from 0.3 (too lax)
      const rnd = mulberry32(7);
      const labels: Label[] = [];
      for (let i = 0; i < 400; i++) {
        const confidence = Math.round(rnd() * 1000) / 1000;
        const actual = confidence + (rnd() - 0.5) * 0.3 > 0.6;
        const at = new Date(Date.parse('2026-03-01T12:00:00Z') + Math.floor(rnd() * 27) * DAY);
        const [v] = await db.query<{ id: number }>(`insert into lh_validation_history (lead_id, pattern_name, predicted, confidence, validated_at)
          values ($1, 'phone', $2, $3, $4) returning id`, [1_000 + i, confidence >= 0.3, confidence, at]);
        await db.query('insert into lh_feedback_log (lead_id, validation_id, pattern_name, actual, created_at) values ($1, $2, $3, $4, $5)',
          [1_000 + i, v!.id, 'phone', actual, new Date(at.getTime() + 3_600_000)]);
        labels.push({ id: Number(v!.id), confidence, actual, predicted: confidence >= 0.3 });
      }
      // email: five labels, all valid: nothing to check a threshold on
      for (let i = 0; i < 5; i++) {
        const [v] = await db.query<{ id: number }>(`insert into lh_validation_history (lead_id, pattern_name, predicted, confidence, validated_at)
          values ($1, 'email', true, 0.9, '2026-03-20T10:00Z') returning id`, [2_000 + i]);
        await db.query("insert into lh_feedback_log (lead_id, validation_id, pattern_name, actual, created_at) values ($1, $2, 'email', true, '2026-03-20T11:00Z')", [2_000 + i, v!.id]);
      }
      const fit = await fitPatternThresholds(db, '2026-03-28', 'UTC');
      assert.equal(fit.fitted, 2);
      const want = bruteForce(labels);
      const [phone] = await db.query<{ threshold: string; train_n: number; train_f1: number; holdout_n: number; holdout_f1: number; holdout_f1_current: number; used: boolean; reason: string }>(
        "select threshold::text, train_n, train_f1, holdout_n, holdout_f1, holdout_f1_current, used, reason from lh_pattern_thresholds where pattern_name = 'phone'");
      assert.equal(Number(phone!.threshold), want.threshold);
      assert.ok(Math.abs(want.threshold - 0.6) < 0.1, `threshold ${want.threshold} near the truth's 0.6`);
      assert.equal(phone!.train_n + phone!.holdout_n, 400);
      assert.equal(phone!.holdout_n, labels.filter((l) => l.id % 10 < 3).length);
      assert.ok(Math.abs(phone!.train_f1 - want.trainF1) < 1e-12);
      assert.ok(Math.abs(phone!.holdout_f1 - want.holdoutF1!) < 1e-12);
      assert.ok(Math.abs(phone!.holdout_f1_current - want.holdoutF1Current!) < 1e-12);
      assert.ok(phone!.holdout_f1 > phone!.holdout_f1_current, 'the fitted threshold beats the lax one on the holdout');
      assert.equal(phone!.used, true, phone!.reason);
      const [email] = await db.query<{ used: boolean; reason: string }>("select used, reason from lh_pattern_thresholds where pattern_name = 'email'");
      assert.equal(email!.used, false);
      assert.match(email!.reason, /lacks a valid or an invalid contact/);
      assert.equal((await fitPatternThresholds(db, '2026-03-28', 'UTC')).fitted, 0, 'fitting the same day again adds nothing');

      // revalidate for treatment leads, with the thresholds in use (phone only)
      const ids = await leads(db, 16, 28 * 24);
      const r = await generateSkillActions(db, hours(28 * 24 + 20));
      const groups = await groupsOf(db, testId);
      const treated = ids.filter((id) => groups.get(id) === 'treatment');
      assert.equal(r.created['revalidate'], treated.length);
      const rows = await db.query<{ lead_id: number; payload: { thresholds: Record<string, number>; fittedFor: string }; skill_id: number }>(
        "select lead_id, payload, skill_id from lh_skill_actions where action = 'revalidate' order by lead_id");
      assert.deepEqual(rows.map((x) => Number(x.lead_id)), treated);
      for (const x of rows) {
        assert.equal(Number(x.skill_id), skillId);
        assert.deepEqual(Object.keys(x.payload.thresholds), ['phone']);
        assert.equal(Number(x.payload.thresholds['phone']), want.threshold);
        assert.equal(x.payload.fittedFor, '2026-03-28');
      }
    }));

    it('lh_settings.skill_actions tunes the skills (call after 10 minutes, follow up on days 2 and 5) and a bad document is refused with why', () => withFreshDb(target, async (db) => {
      const [, irTest] = await skillUnderTest(db, 'instant-responder', 'avg_response_time_hours');
      const [, fuTest] = await skillUnderTest(db, 'follow-up-sequencer', 'qualification_rate');
      await db.query(`insert into lh_settings (key, value) values ('skill_actions', '{"callNowAfterMinutes": 10, "followUpDays": [2, 5]}')`);
      const ids = await leads(db, 16, 1);
      await db.query('select lh_assign_pending_leads($1)', [hours(20)]);
      await db.query("update lh_lead_status set status = 'contacted', contacted_at = created_at + interval '3 hours' where id = any($1::bigint[])", [ids.slice(8)]);
      await generateSkillActions(db, hours(20));
      const ir = await groupsOf(db, irTest);
      const fu = await groupsOf(db, fuTest);
      const calls = await db.query<{ lag: number }>(`select extract(epoch from a.due_at - l.created_at)::int as lag
        from lh_skill_actions a join lh_lead_status l on l.id = a.lead_id where a.action = 'call_now'`);
      assert.equal(calls.length, ids.slice(0, 8).filter((id) => ir.get(id) === 'treatment').length);
      assert.ok(calls.length > 0 && calls.every((c) => c.lag === 600), JSON.stringify(calls));
      const steps = await db.query<{ lead_id: number; step: string }>("select lead_id, step from lh_skill_actions where action = 'follow_up' order by lead_id, due_at");
      const followed = ids.slice(8).filter((id) => fu.get(id) === 'treatment');
      assert.deepEqual(steps.map((r) => [Number(r.lead_id), r.step]), followed.flatMap((id) => [[id, 'day-2'], [id, 'day-5']]));

      for (const [doc, problem] of [
        ['{"callNowAfterMinutes": -1}', /callNowAfterMinutes must be a whole number from 0 to 1440, got -1/],
        ['{"followUpDays": [3, 1]}', /followUpDays must be whole days from 1 to 365 in increasing order/],
        ['{"followUpDays": []}', /followUpDays must be a list of 1 to 10 days/],
        ['{"expireAfterHours": 1.5}', /expireAfterHours must be a whole number from 1 to 720, got 1.5/],
        ['{"callNowAfterMinute": 5}', /unknown key 'callNowAfterMinute'/],
        ['[1]', /must be a JSON object/],
        ['{oops', /not valid JSON/],
      ] as const) {
        const [r] = await db.query<{ p: string | null }>("select lh_setting_problem('skill_actions', $1) as p", [doc]);
        assert.match(r!.p ?? '', problem, doc);
      }
      // a bad stored document stops the tick with the reason, as it stops the jobs
      await db.query(`update lh_settings set value = '{"lookbackHours": 0}' where key = 'skill_actions'`);
      await assert.rejects(generateSkillActions(db, hours(21)), /lookbackHours must be a whole number from 1 to 720, got 0/);
    }));

    it('pattern-optimizer without a usable threshold writes no revalidate action', () => withFreshDb(target, async (db) => {
      await skillUnderTest(db, 'pattern-optimizer', 'f1_score');
      const fit = await fitPatternThresholds(db, '2026-03-28', 'UTC');
      assert.deepEqual([fit.fitted, fit.used], [0, 0], 'no labels: nothing to fit');
      await leads(db, 10, 28 * 24);
      assert.equal((await generateSkillActions(db, hours(28 * 24 + 12))).created['revalidate'], 0);
    }));
  });
}
