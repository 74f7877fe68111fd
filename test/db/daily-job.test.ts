/**
 * runDailyJob end to end on both databases, from RAW pipeline rows (leads, validations, feedback; never
 * hand-written metric rows): each of the five bottleneck types fires from its own fixture and spawns
 * exactly its skill; empty and tiny days fire nothing; a re-run, and three runs at once, leave the state
 * of one run; an injected failure between the skill and test inserts leaves neither; backfill ranges;
 * the lead-quality feedback summary per source; the day's bottlenecks stored in lh_detected_bottlenecks
 * with their spawn outcome (per day, unchanged by a re-run, deleted when they stop firing, no duplicates
 * from concurrent runs). Run "as of" 2026-01-21T00:01Z, so D = 2026-01-20 (UTC).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import type { BottleneckType, SkillType } from '../../src/detect/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { DailyJobInputError, runDailyJob, type DailyJobOptions } from '../../src/jobs/daily.ts';
import { sqlState } from '../../src/db/port.ts';
import { dbTargets, postgresUrlOf } from '../support/databases.ts';

const NOW = new Date('2026-01-21T00:01:00Z');
const D = Date.parse('2026-01-20T00:00:00Z');
const H = 3_600_000;
const DAY = 24 * H;
const at = (daysBeforeD: number, hour: number) => new Date(D - daysBeforeD * DAY + hour * H).toISOString();

interface Lead { source: string; created: string; contactedAfterH?: number; qualifiedAfterD?: number }

async function insertLeads(db: Queryable, leads: Lead[]): Promise<void> {
  const rows = leads.map((l) => {
    const created = Date.parse(l.created);
    const contacted = l.contactedAfterH === undefined ? null : created + l.contactedAfterH * H;
    const qualified = contacted === null || l.qualifiedAfterD === undefined ? null : contacted + l.qualifiedAfterD * DAY;
    const status = qualified !== null ? 'qualified' : contacted !== null ? 'contacted' : 'new';
    return [l.source, status, l.created, contacted && new Date(contacted).toISOString(), qualified && new Date(qualified).toISOString()];
  });
  await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at, qualified_at)
    select * from jsonb_to_recordset($1::text::jsonb) as x(source text, status text, created_at timestamptz, contacted_at timestamptz, qualified_at timestamptz)`,
  [JSON.stringify(rows.map(([source, status, created_at, contacted_at, qualified_at]) => ({ source, status, created_at, contacted_at, qualified_at })))]);
}

/**
 * One lead created 60 days before D, never contacted: outside every detection window, so it changes no
 * figure, but it gives the pipeline a history. Without it a fixture whose leads all fall in the recent
 * week IS a pipeline one week old, and detection rightly stays quiet on it (the cold-start guard).
 */
const HISTORY: Lead = { source: 'referral', created: at(60, 9) };

/** 6 leads a day over the recent window D−6..D, created 08:00–13:00; `shape(i)` sets contact and qualification. */
function week(shape: (i: number) => Omit<Lead, 'created' | 'source'>): Lead[] {
  return Array.from({ length: 42 }, (_, i) => ({ source: 'referral', created: at(6 - Math.floor(i / 6), 8 + (i % 6)), ...shape(i) }));
}
/** Healthy: contacted after 1–2 h, half qualify 1–2 days after contact. */
const healthy = (i: number) => ({ contactedAfterH: 1 + (i % 2), qualifiedAfterD: i % 2 === 0 ? 1 + (i % 3) / 2 : undefined });

const FIXTURES: Record<BottleneckType, { skill: SkillType; seed: (db: Queryable) => Promise<void> }> = {
  // every lead answered after 7–9 hours: average 8 h over 42 contacts, above the 4 h line
  low_response_rate: { skill: 'instant-responder', seed: (db) => insertLeads(db, [HISTORY, ...week((i) => ({ ...healthy(i), contactedAfterH: 7 + (i % 3) }))]) },
  // contacted after 1–2 h, but only 1 in 7 qualifies: 6 qualified / 42 contacted, below 0.3
  poor_qualification: { skill: 'lead-scorer', seed: (db) => insertLeads(db, [HISTORY, ...week((i) => ({ contactedAfterH: 1 + (i % 2), qualifiedAfterD: i % 7 === 0 ? 0.1 : undefined }))]) },
  // a healthy funnel, and 40 truths arriving on D: tp 20, fp 10, fn 10 → F1 = 40/60 ≈ 0.667 < 0.8
  validation_accuracy_drop: { skill: 'pattern-optimizer', seed: async (db) => {
    await insertLeads(db, week(healthy));
    for (let i = 0; i < 40; i++) {
      const predicted = i < 30; // 0..19 tp, 20..29 fp, 30..39 fn
      const actual = i < 20 || i >= 30;
      const [v] = await db.query<{ id: number }>(`insert into lh_validation_history (lead_id, pattern_name, predicted, validated_at)
        values ($1, 'business_detection', $2, $3) returning id`, [1000 + i, predicted, at(1, 12)]);
      await db.query('insert into lh_feedback_log (validation_id, actual, agent_id, created_at) values ($1, $2, $3, $4)', [v!.id, actual, 'agent-1', at(0, 9 + (i % 8))]);
    }
  } },
  // 42 leads qualify on D−6..D, 7–9 days after their contact: average 8 days, above the 5-day line
  slow_follow_up: { skill: 'follow-up-sequencer', seed: (db) => insertLeads(db, Array.from({ length: 42 }, (_, i) => {
    const delay = 7 + (i % 3);
    return { source: 'referral', created: at(6 - Math.floor(i / 6) + delay, 9 + (i % 6)), contactedAfterH: 1, qualifiedAfterD: delay };
  })) },
  // matured cohorts created D−43..D−14: referral converts 16/40 = 40%, zillow 2/40 = 5%
  weak_lead_source: { skill: 'source-optimizer', seed: (db) => insertLeads(db, Array.from({ length: 80 }, (_, k) => {
    const i = k % 40;
    const zillow = k >= 40;
    const converts = zillow ? i % 20 === 0 : i % 5 < 2;
    return { source: zillow ? 'zillow' : 'referral', created: at(43 - Math.floor((i * 30) / 40), 9 + (i % 3)), contactedAfterH: 1,
      qualifiedAfterD: converts ? 2 : undefined };
  })) },
};

const deps = (db: Database) => ({ db, clock: fixedClock(NOW), logger: silentLogger });
const run = (db: Database, options: DailyJobOptions = {}) => runDailyJob(deps(db), options);
const count = async (db: Queryable, table: string): Promise<number> =>
  (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
/** The full contents of every table the job writes, with each row's version (xmin). */
const state = async (db: Queryable) => Promise.all(['lh_daily_metrics', 'lh_pattern_performance', 'lh_spawned_skills', 'lh_ab_tests',
  'lh_detected_bottlenecks'].map((t) => db.query(`select t.*, t.xmin::text as row_version from ${t} t order by 1, 2`)));

interface StoredRow { metric_date: string; bottleneck_type: string; segment: string | null; severity: string; metric_tracked: string;
  current_value: number; target_value: number; suggested_skill: string; evidence: unknown; detected_at: Date;
  spawn_outcome: string | null; skill_id: number | null; [k: string]: unknown }
/** lh_detected_bottlenecks, by day, type and segment. */
const stored = (db: Queryable) => db.query<StoredRow>(`select to_char(metric_date, 'YYYY-MM-DD') as metric_date, bottleneck_type, segment,
  severity, metric_tracked, current_value, target_value, suggested_skill, evidence, detected_at, spawn_outcome, skill_id
  from lh_detected_bottlenecks order by metric_date, bottleneck_type, segment`);

for (const target of await dbTargets()) {
  describe(`runDailyJob on ${target.name}`, () => {
    for (const [type, fx] of Object.entries(FIXTURES) as Array<[BottleneckType, (typeof FIXTURES)[BottleneckType]]>) {
      it(`${type} fires from raw rows and spawns exactly ${fx.skill}`, async () => {
        const db = await target.fresh();
        try {
          await fx.seed(db);
          const r = await run(db);
          assert.equal(r.to, '2026-01-20');
          const day = r.days[0]!;
          assert.deepEqual(day.bottlenecks.map((b) => b.type), [type], JSON.stringify(day.quietRules, null, 1));
          assert.deepEqual(r.spawned.map((s) => s.skill.skillType), [fx.skill]);
          assert.deepEqual(r.skipped, []);
          const skills = await db.query<{ skill_type: string; status: string }>('select skill_type, status from lh_spawned_skills');
          assert.deepEqual(skills, [{ skill_type: fx.skill, status: 'testing' }]);
          const tests = await db.query<{ metric_tracked: string; skill_id: number }>('select metric_tracked, skill_id from lh_ab_tests');
          assert.deepEqual(tests, [{ metric_tracked: day.bottlenecks[0]!.metric, skill_id: r.spawned[0]!.skill.id }]);
          assert.deepEqual(JSON.parse(JSON.stringify(r)), r); // JSON-able as it is
          // stored for the day, exactly as detected, with the spawned skill
          const b = day.bottlenecks[0]!;
          assert.deepEqual(await stored(db), [{ metric_date: '2026-01-20', bottleneck_type: type, segment: b.segment, severity: b.severity,
            metric_tracked: b.metric, current_value: b.currentValue, target_value: b.targetValue, suggested_skill: fx.skill,
            evidence: JSON.parse(JSON.stringify(b.evidence)), detected_at: NOW, spawn_outcome: 'spawned', skill_id: r.spawned[0]!.skill.id }]);
        } finally {
          await db.close();
        }
      });
    }

    it('nothing fires on an empty day or a tiny one', async () => {
      const db = await target.fresh();
      try {
        const empty = await run(db);
        assert.deepEqual([empty.days[0]!.bottlenecks, empty.spawned, empty.skipped], [[], [], []]);
        assert.equal(empty.days[0]!.quietRules.length, 5);
        // three awful leads and three wrong predictions: far past every line, but far below minimum volume
        await insertLeads(db, [0, 1, 2].map((i) => ({ source: i ? 'zillow' : 'referral', created: at(0, 1), contactedAfterH: 20, qualifiedAfterD: i ? undefined : 9 })));
        for (let i = 0; i < 3; i++) {
          const [v] = await db.query<{ id: number }>("insert into lh_validation_history (pattern_name, predicted, validated_at) values ('p', true, $1) returning id", [at(1, 1)]);
          await db.query('insert into lh_feedback_log (validation_id, actual, created_at) values ($1, false, $2)', [v!.id, at(0, 5)]);
        }
        const tiny = await run(db);
        assert.equal(tiny.days[0]!.metrics.avgResponseTimeHours, 20);
        assert.equal(tiny.days[0]!.patternPerformance.avgF1Score, 0);
        assert.deepEqual([tiny.days[0]!.bottlenecks, tiny.spawned], [[], []]);
        assert.equal(await count(db, 'lh_spawned_skills'), 0);
        assert.equal(await count(db, 'lh_detected_bottlenecks'), 0);
      } finally {
        await db.close();
      }
    });

    it('a re-run leaves every written table exactly as one run did', async () => {
      const db = await target.fresh();
      try {
        await FIXTURES.validation_accuracy_drop.seed(db);
        const first = await run(db);
        assert.equal(first.spawned.length, 1);
        const before = await state(db);
        const second = await run(db);
        assert.deepEqual(second.spawned, []);
        assert.deepEqual(second.skipped.map((s) => [s.reason, s.skill]), [['already-testing', 'pattern-optimizer']]);
        assert.deepEqual(await state(db), before); // lh_detected_bottlenecks included: not one row version changed
        assert.deepEqual(second.days, first.days);
        // the re-run's skip ('already-testing': blocked by the skill the first run spawned) does not overwrite 'spawned'
        assert.deepEqual((await stored(db)).map((s) => [s.bottleneck_type, s.spawn_outcome, s.skill_id, s.detected_at]),
          [['validation_accuracy_drop', 'spawned', first.spawned[0]!.skill.id, NOW]]);
      } finally {
        await db.close();
      }
    });

    it('three runs at once: exactly one skill and one test', async () => {
      const db = await target.fresh();
      const url = postgresUrlOf(db);
      const conns: Database[] = url ? [0, 1, 2].map(() => connectPostgres(url, { max: 2 })) : [db, db, db];
      try {
        await FIXTURES.low_response_rate.seed(db);
        const results = await Promise.all(conns.map((c) => run(c)));
        assert.equal(results.flatMap((r) => r.spawned).length, 1);
        assert.deepEqual(results.flatMap((r) => r.skipped.map((s) => s.reason)), ['already-testing', 'already-testing']);
        assert.equal(await count(db, 'lh_spawned_skills'), 1);
        assert.equal(await count(db, 'lh_ab_tests'), 1);
        assert.equal(await count(db, 'lh_daily_metrics'), 1);
        // one stored bottleneck, and it says 'spawned' whichever run recorded its outcome last
        const skillId = results.flatMap((r) => r.spawned)[0]!.skill.id;
        assert.deepEqual((await stored(db)).map((s) => [s.metric_date, s.bottleneck_type, s.spawn_outcome, s.skill_id]),
          [['2026-01-20', 'low_response_rate', 'spawned', skillId]]);
      } finally {
        if (url) for (const c of conns) await c.close();
        await db.close();
      }
    });

    it('an injected failure after the skill insert leaves no skill and no test', async () => {
      const db = await target.fresh();
      try {
        await FIXTURES.poor_qualification.seed(db);
        await assert.rejects(run(db, { afterSkillInsert: async () => { throw new Error('injected between the inserts'); } }), /injected between/);
        assert.equal(await count(db, 'lh_spawned_skills'), 0);
        assert.equal(await count(db, 'lh_ab_tests'), 0);
        const again = await run(db); // nothing blocks the next run
        assert.deepEqual(again.spawned.map((s) => s.skill.skillType), ['lead-scorer']);
      } finally {
        await db.close();
      }
    });

    it('a backfill range computes every day and spawns for the last one only', async () => {
      const db = await target.fresh();
      try {
        await FIXTURES.low_response_rate.seed(db);
        const seen: string[] = [];
        const r = await run(db, { from: '2026-01-18', to: '2026-01-20', progress: (done, total, label) => seen.push(`${done}/${total} ${label}`) });
        assert.deepEqual(r.days.map((d) => d.date), ['2026-01-18', '2026-01-19', '2026-01-20']);
        assert.deepEqual(seen, ['0/3 2026-01-18', '1/3 2026-01-19', '2/3 2026-01-20', '3/3 2026-01-20']);
        assert.equal(r.spawnDate, '2026-01-20');
        assert.equal(await count(db, 'lh_daily_metrics'), 3);
        assert.deepEqual(r.spawned.map((s) => s.skill.skillName), ['instant-responder for 2026-01-20']);
        // every day's bottlenecks are stored; only the last day has a spawning decision
        const rows = await stored(db);
        assert.deepEqual(rows.map((s) => [s.metric_date, s.bottleneck_type, s.spawn_outcome]),
          r.days.flatMap((d) => d.bottlenecks.map((b) => [d.date, b.type, d.date === '2026-01-20' ? 'spawned' : null])));
        assert.deepEqual(rows.map((s) => s.metric_date), ['2026-01-18', '2026-01-19', '2026-01-20']);
      } finally {
        await db.close();
      }
    });

    it('a re-run updates a bottleneck whose figures changed and deletes one that no longer fires', async () => {
      const db = await target.fresh();
      try {
        await FIXTURES.low_response_rate.seed(db);
        const first = await run(db);
        const skillId = first.spawned[0]!.skill.id;
        // answers got slower still: the same bottleneck with other figures, stored at the re-run's clock
        await db.query(`update lh_lead_status set contacted_at = contacted_at + interval '2 hours' where contacted_at is not null`);
        const later = new Date('2026-01-21T06:00:00Z');
        const second = await runDailyJob({ db, clock: fixedClock(later), logger: silentLogger }, { date: '2026-01-20' });
        const [row] = await stored(db);
        assert.equal(row!.current_value, second.days[0]!.bottlenecks[0]!.currentValue);
        assert.ok(row!.current_value > first.days[0]!.bottlenecks[0]!.currentValue);
        assert.deepEqual([row!.detected_at, row!.spawn_outcome, row!.skill_id], [later, 'spawned', skillId]);
        // answered within the hour: nothing fires any more, and the day's row goes
        await db.query(`update lh_lead_status set contacted_at = created_at + interval '30 minutes' where contacted_at is not null`);
        const third = await run(db);
        assert.deepEqual(third.days[0]!.bottlenecks, []);
        assert.deepEqual(await stored(db), []);
        assert.equal(await count(db, 'lh_spawned_skills'), 1, 'the skill itself stays');
      } finally {
        await db.close();
      }
    });

    it('the table refuses a second row for the same day, type and segment', async () => {
      const db = await target.fresh();
      try {
        const ins = `insert into lh_detected_bottlenecks (metric_date, bottleneck_type, segment, severity, metric_tracked, current_value,
          target_value, suggested_skill) values ('2026-01-20', 'weak_lead_source', $1, 'low', 'source_conversion_rate', 0.05, 0.2, 'source-optimizer')`;
        await db.query(ins, [null]);
        await assert.rejects(db.query(ins, [null]), (e: unknown) => sqlState(e) === '23505');
        await db.query(ins, ['zillow']);
        await assert.rejects(db.query(ins, ['zillow']), (e: unknown) => sqlState(e) === '23505');
        await assert.rejects(db.query(`insert into lh_detected_bottlenecks (metric_date, bottleneck_type, severity, metric_tracked,
          current_value, target_value, suggested_skill) values ('2026-01-20', 'slow_follow_up', 'low', 'avg_days_to_qualify', 'NaN', 3,
          'follow-up-sequencer')`), (e: unknown) => sqlState(e) === '23514');
      } finally {
        await db.close();
      }
    });

    it('rejects impossible options with DailyJobInputError', async () => {
      const db = await target.fresh();
      try {
        for (const o of [{ date: '2026-02-30' }, { from: '2026-01-03', to: '2026-01-01' }, { from: '2026-01-01' },
          { date: '2026-01-01', from: '2026-01-01', to: '2026-01-02' }, { timeZone: 'Mars/Olympus' }]) {
          await assert.rejects(run(db, o), DailyJobInputError, JSON.stringify(o));
        }
        assert.equal(await count(db, 'lh_daily_metrics'), 0);
      } finally {
        await db.close();
      }
    });

    it('summarises lead-quality feedback per source (hand-counted)', async () => {
      const db = await target.fresh();
      try {
        await db.query(`insert into lh_lead_status (id, source, created_at) values (1, 'zillow', $1), (2, 'zillow', $1), (3, 'referral', $1)`, [at(3, 1)]);
        await db.query(`insert into lh_feedback_log (lead_id, lead_quality, reason, created_at) values
          (1, 1, 'wrong_contact', $1), (2, 2, ' Wrong_Contact ', $1), (2, 4, null, $1), (1, null, 'duplicate', $1),
          (3, 5, null, $1), (99, 3, 'not_distressed', $1), (3, 1, 'duplicate', $2)`, [at(0, 10), at(1, 10)]);
        await db.query("insert into lh_feedback_log (lead_id, actual, pattern_name, created_at) values (1, true, 'p', $1)", [at(0, 11)]);
        const r = await run(db);
        assert.deepEqual(r.days[0]!.feedbackSummary, [
          { source: 'referral', feedbackCount: 1, ratedCount: 1, avgRating: 5, lowQualityCount: 0, ratings: { 5: 1 }, reasons: {} },
          { source: 'unknown', feedbackCount: 1, ratedCount: 1, avgRating: 3, lowQualityCount: 0, ratings: { 3: 1 }, reasons: { not_distressed: 1 } },
          { source: 'zillow', feedbackCount: 4, ratedCount: 3, avgRating: 7 / 3, lowQualityCount: 2, ratings: { 1: 1, 2: 1, 4: 1 },
            reasons: { duplicate: 1, wrong_contact: 2 } },
        ]);
      } finally {
        await db.close();
      }
    });
  });
}
