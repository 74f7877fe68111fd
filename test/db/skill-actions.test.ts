/**
 * The skills' action queue (migration 20261206000100, issue 13 part 1) on PGlite and PostgreSQL: instant-responder
 * writes auto_reply and call_now for the treatment leads of its running test only, never control, once however
 * often the tick runs, and not for a lead already contacted; after KEEP every new lead gets them (the rollout);
 * KILL cancels what is still to do. Claims are exactly once (4 concurrent consumers over 10,000 due actions on
 * PostgreSQL), a claim not completed within the visibility timeout returns to pending, and completing is
 * idempotent while completing an unclaimed action is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Queryable } from '../../src/db/port.ts';
import {
  claimSkillActions, completeSkillAction, generateSkillActions, leadPlaybook, listSkillActions, SkillActionRefusedError,
} from '../../src/db/queries/skill-actions.ts';
import { dbTargets, postgresUrlOf, withFreshDb } from '../support/databases.ts';

const T0 = new Date('2026-03-01T00:00:00Z');
const min = (m: number) => new Date(T0.getTime() + m * 60_000);

/** A testing instant-responder with its running test (started at T0, 50 %); returns [skill id, test id]. */
async function instantResponder(db: Queryable): Promise<[number, number]> {
  const [s] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, target_metric, spawned_at)
    values ('instant-responder', 'instant-responder for 2026-02-28', 'testing', 'avg_response_time_hours', $1) returning id`, [T0]);
  const [t] = await db.query<{ id: number }>(`insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at)
    values ('t', $1, 'avg_response_time_hours', 'running', $2) returning id`, [s!.id, T0]);
  return [Number(s!.id), Number(t!.id)];
}

/** n new leads created one a minute from minute `from`, every other one with a phone; returns their ids. */
async function leads(db: Queryable, n: number, from: number): Promise<number[]> {
  const rows = await db.query<{ id: number }>(`with c as (
      insert into lh_contacts (name, phone, email)
      select 'c' || i, case when i % 2 = 0 then '+1555000' || i end, 'c' || i || '@example.com' from generate_series(1, $1::int) i
      returning id, name
    )
    insert into lh_lead_status (contact_id, source, status, created_at)
    select c.id, 'zillow', 'new', $2::timestamptz + (substr(c.name, 2)::int - 1) * interval '1 minute' from c
    returning id`, [n, min(from)]);
  return rows.map((r) => Number(r.id));
}

const groupsOf = async (db: Queryable, testId: number) => new Map((await db.query<{ lead_id: number; ab_group: string }>(
  'select lead_id, ab_group from lh_ab_assignments where test_id = $1', [testId])).map((r) => [Number(r.lead_id), r.ab_group]));

for (const target of await dbTargets()) {
  describe(`skill actions on ${target.name}`, () => {
    it('instant-responder: auto_reply and call_now for treatment leads only, once, with the channel of the contact', () => withFreshDb(target, async (db) => {
      const [skillId, testId] = await instantResponder(db);
      const ids = await leads(db, 40, 1);
      const first = await generateSkillActions(db, min(45));
      assert.equal(first.assigned, 40);
      const groups = await groupsOf(db, testId);
      const treatment = ids.filter((id) => groups.get(id) === 'treatment');
      assert.ok(treatment.length > 5 && treatment.length < 35, `treatment ${treatment.length} of 40`);
      assert.deepEqual(first.created, { auto_reply: treatment.length, call_now: treatment.length, follow_up: 0, nurture: 0, revalidate: 0 });
      const rows = await db.query<{ lead_id: number; action: string; test_id: number; skill_id: number; channel: string | null; due: Date; created: Date }>(
        `select a.lead_id, a.action, a.test_id, a.skill_id, a.payload->>'channel' as channel, a.due_at as due, l.created_at as created
           from lh_skill_actions a join lh_lead_status l on l.id = a.lead_id order by a.lead_id, a.action`);
      assert.deepEqual([...new Set(rows.map((r) => Number(r.lead_id)))].sort((a, b) => a - b), [...treatment].sort((a, b) => a - b));
      for (const r of rows) {
        assert.equal(Number(r.test_id), testId);
        assert.equal(Number(r.skill_id), skillId);
        const lag = new Date(r.due).getTime() - new Date(r.created).getTime();
        assert.equal(lag, r.action === 'call_now' ? 5 * 60_000 : 0, r.action);
      }
      // every other contact has a phone: sms there, e-mail elsewhere
      const channels = new Set(rows.filter((r) => r.action === 'auto_reply').map((r) => r.channel));
      assert.deepEqual([...channels].sort(), ['email', 'sms']);
      // the tick again (and a later one) adds nothing
      assert.deepEqual((await generateSkillActions(db, min(46))).created, { auto_reply: 0, call_now: 0, follow_up: 0, nurture: 0, revalidate: 0 });
      assert.equal((await db.query<{ n: number }>('select count(*)::int as n from lh_skill_actions'))[0]!.n, 2 * treatment.length);
    }));

    it('a lead contacted before the tick gets nothing; one contacted after has its pending actions cancelled', () => withFreshDb(target, async (db) => {
      const [, testId] = await instantResponder(db);
      const ids = await leads(db, 30, 1);
      await db.query('select lh_assign_pending_leads($1)', [min(31)]);
      const groups = await groupsOf(db, testId);
      const [early, late] = ids.filter((id) => groups.get(id) === 'treatment');
      await db.query("update lh_lead_status set status = 'contacted', contacted_at = created_at + interval '1 minute' where id = $1", [early]);
      await generateSkillActions(db, min(40));
      assert.deepEqual(await listSkillActions(db, { leadId: early!, limit: 10 }), []);
      assert.equal((await listSkillActions(db, { leadId: late!, limit: 10 })).length, 2);
      await db.query("update lh_lead_status set status = 'contacted', contacted_at = $2 where id = $1", [late, min(41)]);
      const r = await generateSkillActions(db, min(42));
      assert.ok(r.cancelled >= 2, JSON.stringify(r));
      assert.deepEqual((await listSkillActions(db, { leadId: late!, limit: 10 })).map((a) => a.status), ['cancelled', 'cancelled']);
    }));

    it('claim: only due actions, of the kinds asked for, once; complete is idempotent, an unclaimed action is refused', () => withFreshDb(target, async (db) => {
      await instantResponder(db);
      await leads(db, 20, 1);
      await generateSkillActions(db, min(3)); // leads of minutes 1–2 exist by then
      // at minute 3: auto_replies of the leads created at minutes 1 and 2 are due; no call_now yet (due at +5 minutes)
      const calls = await claimSkillActions(db, { worker: 'w1', maxActions: 100, actions: ['call_now'], now: min(3) });
      assert.deepEqual(calls, []);
      const replies = await claimSkillActions(db, { worker: 'w1', maxActions: 100, now: min(3) });
      assert.ok(replies.length >= 1 && replies.every((a) => a.action === 'auto_reply' && a.status === 'claimed' && a.claimedBy === 'w1'), JSON.stringify(replies));
      assert.deepEqual(await claimSkillActions(db, { worker: 'w2', maxActions: 100, actions: ['auto_reply'], now: min(3) }), [], 'claimed once');
      const done = await completeSkillAction(db, replies[0]!.id, { sent: true }, min(4));
      assert.deepEqual([done.status, done.result, done.doneAt], ['done', { sent: true }, min(4).toISOString()]);
      const again = await completeSkillAction(db, replies[0]!.id, { sent: true }, min(9));
      assert.equal(again.doneAt, min(4).toISOString(), 'completing twice changes nothing');
      const [pending] = await listSkillActions(db, { status: 'pending', limit: 1 });
      const refused = (reason: SkillActionRefusedError['reason'], message: RegExp) => (e: unknown) =>
        e instanceof SkillActionRefusedError && e.reason === reason && message.test(e.message);
      await assert.rejects(completeSkillAction(db, pending!.id, {}, min(4)), refused('not-claimed', /is pending, not claimed/));
      await assert.rejects(completeSkillAction(db, 999_999, {}, min(4)), refused('not-found', /no action 999999/));
      await assert.rejects(claimSkillActions(db, { worker: ' ', maxActions: 1, now: min(4) }), refused('invalid', /worker name must not be empty/));
      await assert.rejects(claimSkillActions(db, { worker: 'w', maxActions: 0, now: min(4) }), refused('invalid', /max_actions must be between 1 and 10000/));
    }));

    it('a claim not completed within the visibility timeout returns to pending and is claimed again', () => withFreshDb(target, async (db) => {
      await instantResponder(db);
      await leads(db, 10, 1);
      await generateSkillActions(db, min(20));
      const taken = await claimSkillActions(db, { worker: 'dies', maxActions: 3, actions: ['auto_reply'], now: min(20), visibilitySeconds: 300 });
      assert.ok(taken.length > 0);
      // 4 minutes later the claims still hold
      const during = await claimSkillActions(db, { worker: 'w2', maxActions: 100, actions: ['auto_reply'], now: min(24), visibilitySeconds: 300 });
      assert.ok(during.every((a) => !taken.some((t) => t.id === a.id)));
      // 6 minutes later they are back, and the next consumer gets them
      const after = await claimSkillActions(db, { worker: 'w3', maxActions: 100, actions: ['auto_reply'], now: min(26), visibilitySeconds: 300 });
      assert.deepEqual(after.map((a) => a.id).sort((a, b) => a - b), taken.map((a) => a.id).sort((a, b) => a - b));
      assert.ok(after.every((a) => a.claimedBy === 'w3' && a.claimedAt === min(26).toISOString()));
      // the new claimant completes it
      assert.equal((await completeSkillAction(db, taken[0]!.id, { by: 'w3' }, min(27))).status, 'done');
    }));

    it('KILL cancels pending and claimed actions; after KEEP every new lead gets them, without a test', () => withFreshDb(target, async (db) => {
      const [skillId, testId] = await instantResponder(db);
      await leads(db, 10, 1);
      await generateSkillActions(db, min(20));
      await claimSkillActions(db, { worker: 'w', maxActions: 2, now: min(20) });
      await db.query("update lh_ab_tests set status = 'completed', ended_at = $2, recommendation = 'KILL' where id = $1", [testId, min(21)]);
      await db.query("update lh_spawned_skills set status = 'killed', decision_made_at = $2 where id = $1", [skillId, min(21)]);
      const statuses = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from lh_skill_actions group by status');
      assert.deepEqual(statuses.map((s) => s.status), ['cancelled']);
      // a kept skill: the rollout
      const [kept] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at, decision_made_at)
        values ('instant-responder', 'kept', 'active', $1, $2) returning id`, [T0, min(30)]);
      const before = await leads(db, 2, 25); // created before the decision: not part of the rollout
      const afterIds = await leads(db, 3, 31);
      await generateSkillActions(db, min(40));
      const rows = await db.query<{ lead_id: number; test_id: number | null }>(
        'select distinct lead_id, test_id from lh_skill_actions where skill_id = $1 order by lead_id', [kept!.id]);
      assert.deepEqual(rows.map((r) => [Number(r.lead_id), r.test_id]), afterIds.map((id) => [id, null]));
      assert.ok(before.every((id) => !rows.some((r) => Number(r.lead_id) === id)));
      // the playbook of a rollout lead names the kept skill, via its rollout
      const book = await leadPlaybook(db, afterIds[0]!, min(40));
      assert.deepEqual(book.skills.map((k) => [k.skillId, k.via, k.testId, k.actions.map((a) => a.action)]),
        [[Number(kept!.id), 'rollout', null, ['auto_reply', 'call_now']]]);
      assert.deepEqual(book.control, []);
    }));

    it('the playbook: a treatment lead gets the skill and its actions, a control lead the test that holds it; an unknown lead is refused', () => withFreshDb(target, async (db) => {
      const [skillId, testId] = await instantResponder(db);
      const ids = await leads(db, 20, 1);
      await generateSkillActions(db, min(25)); // leads of minutes 1–20: every call_now is due by minute 25
      const groups = await groupsOf(db, testId);
      const treated = ids.find((id) => groups.get(id) === 'treatment')!;
      const control = ids.find((id) => groups.get(id) === 'control')!;
      const book = await leadPlaybook(db, treated, min(25));
      assert.equal(book.leadId, treated);
      assert.equal(book.asOf, min(25).toISOString());
      assert.equal(book.skills.length, 1);
      const [skill] = book.skills;
      assert.deepEqual([skill!.skillId, skill!.skillType, skill!.via, skill!.testId], [skillId, 'instant-responder', 'test', testId]);
      assert.deepEqual(skill!.actions.map((a) => [a.action, a.status, a.due]), [['auto_reply', 'pending', true], ['call_now', 'pending', true]]);
      const [created] = await db.query<{ t: Date }>('select created_at as t from lh_lead_status where id = $1', [treated]);
      assert.equal(skill!.actions[1]!.dueAt, new Date(new Date(created!.t).getTime() + 5 * 60_000).toISOString());
      assert.deepEqual(book.control, []);

      const other = await leadPlaybook(db, control, min(25));
      assert.deepEqual(other.skills, []);
      assert.deepEqual(other.control.map((c) => [c.testId, c.skillId, c.skillType]), [[testId, skillId, 'instant-responder']]);
      await assert.rejects(leadPlaybook(db, 987_654, min(25)), (e: unknown) => e instanceof SkillActionRefusedError && e.reason === 'not-found' && /no lead 987654/.test(e.message));
    }));

    it('an action nobody claimed within a day of its due time expires and is never claimed', () => withFreshDb(target, async (db) => {
      await instantResponder(db);
      await leads(db, 10, 1);
      const first = await generateSkillActions(db, min(20));
      const made = first.created['auto_reply']! + first.created['call_now']!;
      assert.ok(made > 0);
      const taken = await claimSkillActions(db, { worker: 'w', maxActions: 1, now: min(20) });
      await completeSkillAction(db, taken[0]!.id, {}, min(21));
      // 23 hours later nothing has expired yet; 25 hours after the last due time everything pending has
      assert.equal((await generateSkillActions(db, min(20 + 23 * 60))).expired, 0);
      const late = await generateSkillActions(db, min(20 + 25 * 60));
      assert.equal(late.expired, made - 1);
      assert.deepEqual(await claimSkillActions(db, { worker: 'w', maxActions: 100, now: min(20 + 25 * 60) }), []);
      const statuses = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from lh_skill_actions group by status order by status');
      assert.deepEqual(statuses.map((s) => [s.status, s.n]), [['done', 1], ['expired', made - 1]]);
      assert.equal((await generateSkillActions(db, min(20 + 26 * 60))).expired, 0, 'expiring twice changes nothing');
    }));
  });
}

describe('exactly-once claims under concurrency (PostgreSQL)', { skip: (await dbTargets()).some((t) => t.name === 'postgres') ? false : 'PostgreSQL not available (CI has it)' }, () => {
  it('4 consumers claiming 10,000 due actions get each exactly once', async () => {
    const pg = (await dbTargets()).find((t) => t.name === 'postgres')!;
    const db = await pg.fresh();
    const url = postgresUrlOf(db)!;
    const consumers = Array.from({ length: 4 }, () => connectPostgres(url, { max: 1 }));
    try {
      const [s] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status) values ('instant-responder', 'x', 'testing') returning id`);
      await db.query(`insert into lh_skill_actions (skill_id, lead_id, action, due_at) select $1, i, 'auto_reply', $2 from generate_series(1, 10000) i`, [s!.id, T0]);
      const claimed = await Promise.all(consumers.map(async (c, k) => {
        const mine: number[] = [];
        for (;;) {
          const batch = await claimSkillActions(c, { worker: `w${k}`, maxActions: 100, now: min(1) });
          if (batch.length === 0) return mine;
          mine.push(...batch.map((a) => a.id));
        }
      }));
      const all = claimed.flat();
      assert.equal(all.length, 10_000);
      assert.equal(new Set(all).size, 10_000, 'no action claimed twice');
      assert.ok(claimed.every((m) => m.length > 0), `every consumer got work: ${claimed.map((m) => m.length).join(', ')}`);
      const [n] = await db.query<{ n: number }>("select count(*)::int as n from lh_skill_actions where status = 'claimed'");
      assert.equal(n!.n, 10_000);
    } finally {
      await Promise.all(consumers.map((c) => c.close()));
      await db.close();
    }
  });
});
