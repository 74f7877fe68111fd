/**
 * One measurement of a lead (issue 10, migration 20261201000100): lh_lead_facts is the one definition of a
 * lead's facts, and the daily metric, the detection input and the A/B outcome read it, so on a fixture
 * full of bad rows they agree to the last digit. Also: the door for non-finite times (rows stored before
 * the constraint are counted, never an error), a source name of 10,000 characters, one implausible
 * response that can no longer flip a KEEP, and the settings the facts depend on, validated with the key and
 * the value in the message. Both databases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { sqlState } from '../../src/db/port.ts';
import { loadDetectionInput } from '../../src/db/queries/detection-input.ts';
import { queryTestStats } from '../../src/db/queries/test-outcomes.ts';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detect/config.ts';
import { runAnalysisJob } from '../../src/jobs/analyze.ts';
import { DailyJobInputError, runDailyJob } from '../../src/jobs/daily.ts';
import { SettingsError } from '../../src/jobs/settings.ts';
import { displaySegment } from '../../src/jobs/spawn-text.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets, withFreshDb } from '../support/databases.ts';

const D = '2026-01-20';
const END_OF_D = new Date('2026-01-20T23:59:59.999999Z');
const deps = (db: Database, now = '2026-01-21T00:01:00Z') => ({ db, clock: fixedClock(new Date(now)), logger: silentLogger });

/**
 * Writes rows the finite-times constraint refuses today, as a database written before the migration holds
 * them: the constraint is dropped for the insert and put back NOT VALID, exactly as the migration adds it.
 */
async function insertPreMigration(db: Queryable, sql: string): Promise<void> {
  const [c] = await db.query<{ def: string }>(
    `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'lh_lead_status_finite_times'`);
  assert.ok(c, 'the finite-times constraint exists');
  await db.query('alter table lh_lead_status drop constraint lh_lead_status_finite_times');
  await db.query(sql);
  await db.query(`alter table lh_lead_status add constraint lh_lead_status_finite_times ${c.def.replace(/\s*NOT VALID\s*$/i, '')} not valid`);
}

async function runningTest(db: Queryable, id: number, metric: string, policy = 'seed'): Promise<void> {
  await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status, spawned_at) values ($1, 'instant-responder', 's', 'testing', '2026-01-01')`, [id]);
  await db.query(`insert into lh_ab_tests (id, test_name, skill_id, metric_tracked, min_sample_size, policy, started_at)
    values ($1, 'T', $1, $2, 100, $3, '2026-01-01')`, [id, metric, policy]);
}

const LONG_SOURCE = 'x'.repeat(10_000);

for (const target of await dbTargets()) {
  describe(`lead facts on ${target.name}`, () => {
    it('the daily metric, the detection window and the A/B outcome are one measurement on a fixture full of bad rows', () => withFreshDb(target, async (db) => {
      await runningTest(db, 1, 'avg_response_time_hours');
      // every lead is created and contacted on D (UTC), all in test 1, so the three paths measure the same leads
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, qualified_at, ab_test_id, ab_test_group) values
        ('zillow', 'contacted', '2026-01-20T08:00Z', '2026-01-20T10:00Z', null, 1, 'control'),               -- 2 h
        ('zillow', 'contacted', '2026-01-20T08:00Z', '2026-01-20T13:00Z', null, 1, 'treatment'),             -- 5 h
        ($1, 'contacted', '2026-01-20T09:00Z', '2026-01-20T12:30Z', null, 1, 'control'),                     -- 3.5 h, a 10,000-character source
        ('referral', 'qualified', '2026-01-20T01:00Z', '2026-01-20T02:00Z', '2026-01-20T05:00Z', 1, 'treatment'), -- 1 h
        ('zillow', 'contacted', '2026-01-20T12:00Z', '2026-01-20T11:00Z', null, 1, 'control'),               -- contacted before created
        ('zillow', 'qualified', '2026-01-20T03:00Z', '2026-01-20T09:00Z', '2026-01-20T06:00Z', 1, 'treatment'), -- qualified before contacted
        ('zillow', 'contacted', '2026-01-20T04:00Z', null, null, 1, 'control')`, [LONG_SOURCE]);                // status without its time
      // created 123 days before its contact on D: implausible (max_plausible_delay_days = 90); created before
      // D, so it is not new on D but its contact is — and it is in the test
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, ab_test_id, ab_test_group)
        values ('zillow', 'contacted', '2025-09-19T10:00Z', '2026-01-20T10:00Z', 1, 'treatment')`);
      // an infinite contact time written before the constraint existed (created on D, in the test)
      await insertPreMigration(db, `insert into lh_lead_status (source, status, created_at, contacted_at, ab_test_id, ab_test_group)
        values ('zillow', 'contacted', '2026-01-20T07:00Z', 'infinity', 1, 'control')`);

      const valid = [2, 5, 3.5, 1];
      const mean = valid.reduce((a, b) => a + b, 0) / valid.length;

      const r = await runDailyJob(deps(db), { date: D });
      const m = r.days[0]!.metrics;
      assert.ok(Math.abs(m.avgResponseTimeHours! - mean) < 1e-12, `daily ${m.avgResponseTimeHours} vs ${mean}`);
      assert.equal(m.invalidRowsCount, 5);
      const [row] = await db.query<{ invalid_rows: Record<string, number> }>(`select invalid_rows from lh_daily_metrics where metric_date = $1`, [D]);
      assert.deepEqual(row!.invalid_rows, { non_finite_time: 1, contacted_before_created: 1, qualified_before_contacted: 1,
        closed_before_created: 0, missing_timestamp: 1, unknown_status: 0, implausible_delay: 1 });

      const input = await loadDetectionInput(db, D, 'UTC', DEFAULT_DETECTION_CONFIG);
      const w = input.funnel.recent.responseHours;
      assert.equal(w.n, valid.length);
      assert.ok(Math.abs(w.mean! - mean) < 1e-12, `detection ${w.mean} vs ${mean}`);
      assert.equal(input.responseRanks.nRecent, valid.length);

      const stats = await queryTestStats(db, 1, 'avg_response_time_hours', END_OF_D, null);
      const totals = stats.outcomes.filter((o) => o.source === null);
      const n = totals.reduce((a, o) => a + o.n, 0);
      const sum = totals.reduce((a, o) => a + o.sum_y, 0);
      assert.equal(n, valid.length);
      assert.ok(Math.abs(sum / n - mean) < 1e-12, `A/B ${sum / n} vs ${mean}`);
      // every assigned lead counts for SRM; the exclusions are the facts' own reasons
      assert.deepEqual(stats.assignment.map((a) => a.assigned), [5, 4]);
      const excluded = (g: 'control' | 'treatment') => stats.assignment.find((a) => a.grp === g)!.excluded;
      assert.equal(excluded('control')['non_finite_time'], 1);
      assert.equal(excluded('control')['contacted_before_created'], 1);
      assert.equal(excluded('control')['missing_timestamp'], 1);
      assert.equal(excluded('treatment')['implausible_delay'], 1);
      assert.equal(excluded('treatment')['qualified_before_contacted'], 1);
      // and the long source is one source everywhere, by its whole name
      assert.ok(stats.outcomes.some((o) => o.source === LONG_SOURCE));
      assert.equal((m as unknown as { sourceMetrics?: Record<string, unknown> }).sourceMetrics === undefined ||
        Object.keys((m as unknown as { sourceMetrics: Record<string, unknown> }).sourceMetrics).includes(LONG_SOURCE), true);
    }));

    it('non-finite times: new rows are refused at the door (23514); rows stored before are invalid rows, and no job fails on them', () => withFreshDb(target, async (db) => {
      for (const [col, v] of [['contacted_at', 'infinity'], ['qualified_at', 'infinity'], ['closed_at', '-infinity'], ['created_at', '-infinity']] as const) {
        // a literal: postgres.js cannot even send 'infinity' as a timestamptz parameter (it makes a Date of it)
        await assert.rejects(db.query(`insert into lh_lead_status (source, status, ${col}) values ('zillow', 'new', '${v}')`),
          (e: unknown) => sqlState(e) === '23514' && /lh_lead_status_finite_times/.test((e as Error).message), col);
      }
      await assert.rejects(db.query(`insert into lh_feedback_log (created_at) values ('infinity')`), (e: unknown) => sqlState(e) === '23514');
      await runningTest(db, 1, 'conversion_rate');
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, ab_test_id, ab_test_group)
        select 'zillow', 'contacted', '2026-01-10T08:00Z'::timestamptz + i * interval '1 hour', '2026-01-10T09:00Z'::timestamptz + i * interval '1 hour',
          1, case when i % 2 = 0 then 'control' else 'treatment' end from generate_series(1, 40) i`);
      await insertPreMigration(db, `insert into lh_lead_status (source, status, created_at, contacted_at, qualified_at, ab_test_id, ab_test_group) values
        ('zillow', 'contacted', '2026-01-18T10:00Z', 'infinity', null, 1, 'control'),
        ('zillow', 'qualified', '2026-01-18T10:00Z', '2026-01-18T11:00Z', 'infinity', 1, 'treatment'),
        ('zillow', 'new', '-infinity', null, null, 1, 'treatment')`);
      // a week of days whose windows all hold the rows: every one computes
      const r = await runDailyJob(deps(db), { from: '2026-01-14', to: '2026-01-20' });
      assert.equal(r.days.length, 7);
      const [sum] = await db.query<{ n: number }>(`select sum((invalid_rows->>'non_finite_time')::int)::int as n from lh_daily_metrics`);
      assert.equal(sum!.n, 2); // the two leads created on 2026-01-18; the '-infinity' lead is on no day
      // the cold-start guard's first day is a real day, not '-infinity'
      assert.equal((await loadDetectionInput(db, D, 'UTC', DEFAULT_DETECTION_CONFIG)).historyStart, '2026-01-10');
      const a = await runAnalysisJob(deps(db, '2026-01-26T09:00:00Z'));
      const t = a.tests.find((x) => x.testId === 1);
      assert.equal(t?.kind, 'analyzed', JSON.stringify(t));
    }));

    it('one 123-day response in the treatment group no longer turns a clear KEEP (3 h vs 6 h, 150 per group) into KILL', () => withFreshDb(target, async (db) => {
      await runningTest(db, 1, 'avg_response_time_hours');
      // control 4..8 h (mean 6), treatment 1..5 h (mean 3)
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, ab_test_id, ab_test_group)
        select 'zillow', 'contacted', t0, t0 + ((i % 5) + case when g = 'control' then 4 else 1 end) * interval '1 hour', 1, g
        from generate_series(1, 150) i, unnest(array['control', 'treatment']) g,
          lateral (select '2026-01-02T00:00Z'::timestamptz + i * interval '2 hours' as t0) x`);
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, ab_test_id, ab_test_group)
        values ('zillow', 'contacted', '2026-01-03T00:00Z', '2026-05-06T00:00Z', 1, 'treatment')`);
      const a = await runAnalysisJob(deps(db, '2026-05-11T09:00:00Z'));
      const t = a.tests.find((x) => x.testId === 1);
      assert.ok(t && t.kind === 'analyzed', JSON.stringify(t));
      const [row] = await db.query<{ recommendation: string; treatment_sample_size: number; results: { treatment: { excluded: Record<string, number> } } }>(
        'select recommendation, treatment_sample_size, results from lh_ab_tests where id = 1');
      assert.equal(row!.recommendation, 'KEEP');
      assert.equal(row!.treatment_sample_size, 150);
      assert.equal(row!.results.treatment.excluded['implausible_delay'], 1);
    }));

    it('a weak source whose name is 10,000 characters: the daily job detects it, stores it and spawns its optimizer with a shortened name', () => withFreshDb(target, async (db) => {
      // 60 days, two leads a day from each source: the long one never converts, referral converts half, in a day
      await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, qualified_at)
        select s, case when s = 'referral' and i % 2 = 0 then 'qualified' else 'contacted' end,
          t0, t0 + interval '1 hour', case when s = 'referral' and i % 2 = 0 then t0 + interval '1 day' end
        from generate_series(1, 120) i, unnest(array[$1, 'referral']) s,
          lateral (select '2025-11-21T10:00Z'::timestamptz + i * interval '12 hours' as t0) x`, [LONG_SOURCE]);
      const r = await runDailyJob(deps(db), { date: D });
      const weak = r.days[0]!.bottlenecks.find((b) => b.type === 'weak_lead_source');
      assert.ok(weak, JSON.stringify(r.days[0]!.quietRules.find((q) => q.type === 'weak_lead_source')));
      assert.equal(weak.segment, LONG_SOURCE);
      const [stored] = await db.query<{ n: number }>(`select count(*)::int as n from lh_detected_bottlenecks where segment = $1`, [LONG_SOURCE]);
      assert.equal(stored!.n, 1);
      const spawned = r.spawned.find((s) => s.skill.skillType === 'source-optimizer');
      assert.ok(spawned, JSON.stringify(r.skipped));
      assert.equal(spawned.skill.skillName, `source-optimizer (${displaySegment(LONG_SOURCE)}) for ${D}`);
      assert.ok(spawned.skill.skillName.length < 100);
      // a re-run (same day, same data) changes nothing and fails nowhere
      const again = await runDailyJob(deps(db), { date: D });
      assert.equal(again.spawned.length, 0);
    }));

    it('settings: a bad day count, a POSIX offset or an unknown key is refused before any write, naming the key and the value', () => withFreshDb(target, async (db) => {
      await db.query(`insert into lh_lead_status (source, status, created_at) values ('zillow', 'new', '2026-01-20T10:00Z')`);
      const set = (key: string, value: string) => db.query(
        'insert into lh_settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [key, value]);
      const metricsRows = async () => (await db.query<{ n: number }>('select count(*)::int as n from lh_daily_metrics'))[0]!.n;
      for (const bad of ['0', '-1', 'abc', '1.5', '99999']) {
        await set('max_plausible_delay_days', bad);
        await assert.rejects(runDailyJob(deps(db)), (e: unknown) => e instanceof SettingsError
          && e.message.includes('lh_settings.max_plausible_delay_days must be a whole number of days from 1 to 36500')
          && e.message.includes(`'${bad}'`), bad);
        await assert.rejects(runAnalysisJob(deps(db)), (e: unknown) => e instanceof SettingsError, bad);
        // the SQL function says the same (other services may call it directly)
        await assert.rejects(db.query(`select lh_update_daily_metrics('2026-01-20')`),
          (e: unknown) => sqlState(e) === '22023' && /max_plausible_delay_days must be a whole number/.test((e as Error).message), bad);
      }
      await set('max_plausible_delay_days', '90');
      await set('source_window_days', 'abc');
      await assert.rejects(runDailyJob(deps(db)), (e: unknown) => e instanceof SettingsError && /source_window_days .* got 'abc'/.test(e.message));
      await set('source_window_days', '30');
      await set('business_time_zone', 'UTC+5');
      await assert.rejects(runDailyJob(deps(db)), (e: unknown) => e instanceof SettingsError
        && /business_time_zone must be an IANA time zone name .* got 'UTC\+5' \(a POSIX offset: PostgreSQL would read it as hours WEST of UTC/.test(e.message));
      await set('business_time_zone', 'UTC');
      await assert.rejects(runDailyJob(deps(db), { timeZone: 'UTC+5' }), (e: unknown) => e instanceof DailyJobInputError && /the time zone must be an IANA/.test(e.message));
      await set('max_plausable_delay_days', '30');
      await assert.rejects(runDailyJob(deps(db)), (e: unknown) => e instanceof SettingsError && /unknown key 'max_plausable_delay_days'/.test(e.message));
      await db.query(`delete from lh_settings where key = 'max_plausable_delay_days'`);
      await set('detection', '[1, 2]');
      await assert.rejects(runDailyJob(deps(db)), (e: unknown) => e instanceof SettingsError && /lh_settings.detection must be a JSON object, got a JSON array/.test(e.message));
      assert.equal(await metricsRows(), 0);
      await db.query(`delete from lh_settings where key = 'detection'`);
      await runDailyJob(deps(db));
      assert.equal(await metricsRows(), 1);
    }));
  });
}
