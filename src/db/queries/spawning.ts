/**
 * The statements of one spawning decision (docs/design.md §3 step 3). All run on the transaction handle that first
 * took the spawning lock, so concurrent daily runs decide one after another and see each other's inserts.
 */
import type { Queryable } from '../port.ts';

/**
 * Advisory lock key that serialises spawning across every runner (CLI, edge function, worker).
 * An arbitrary fixed bigint ("LHBSPN" in ASCII digits); passed as text so it stays exact.
 */
export const SPAWN_LOCK_KEY = '7672667383807800';

/** Block until no other spawning transaction holds the lock; released at commit or rollback. */
export async function takeSpawnLock(tx: Queryable): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1::bigint)', [SPAWN_LOCK_KEY]);
}

/** The skill of this type currently under test, if any (there is at most one: unique partial index). */
export async function findTestingSkill(tx: Queryable, skillType: string, segment: string | null): Promise<{ id: number } | undefined> {
  const rows = await tx.query<{ id: number }>(
    `select id from public.lh_spawned_skills
     where skill_type = $1 and coalesce(segment, '') = coalesce($2::text, '') and status = 'testing' order by id limit 1`,
    [skillType, segment]);
  return rows[0];
}

/** The most recently killed skill of this identity (type and segment), by decision time. */
export async function findLatestKill(tx: Queryable, skillType: string, segment: string | null): Promise<{ id: number; decided_at: Date; kill_reason: string | null } | undefined> {
  const rows = await tx.query<{ id: number; decided_at: Date; kill_reason: string | null }>(
    `select s.id, s.decision_made_at as decided_at,
            (select t.kill_reason from public.lh_ab_tests t where t.skill_id = s.id order by t.id desc limit 1) as kill_reason
     from public.lh_spawned_skills s
     where s.skill_type = $1 and coalesce(s.segment, '') = coalesce($2::text, '')
       and s.status = 'killed' and s.decision_made_at is not null
     order by s.decision_made_at desc, s.id desc limit 1`,
    [skillType, segment]);
  return rows[0];
}

/** The latest KEEP (skill now active) of a skill type for the same segment, if any. */
export async function findLatestKeep(tx: Queryable, skillType: string, segment: string | null): Promise<{ id: number; decided_at: Date } | undefined> {
  const rows = await tx.query<{ id: number; decided_at: Date }>(
    `select id, decision_made_at as decided_at from public.lh_spawned_skills
     where skill_type = $1 and status = 'active' and decision_made_at is not null
       and coalesce(segment, '') = coalesce($2::text, '')
     order by decision_made_at desc, id desc limit 1`,
    [skillType, segment]);
  return rows[0];
}

/**
 * How many tests the skill identity (skill type + segment) has had since its latest KEEP (all of them when it
 * was never kept): the new test's place in the identity's α budget is this + 1 (src/experiments/alpha-budget.ts).
 * Counts every earlier test of the identity's skills, whatever its policy or end, started before `before`
 * (the new skill's own test is not inserted yet). A KEEP is a test whose recommendation is KEEP.
 */
export async function countTestsSinceKeep(tx: Queryable, skillType: string, segment: string | null, before: Date): Promise<number> {
  const rows = await tx.query<{ n: number | string }>(
    `with family as (
       select t.id, t.started_at, t.recommendation
       from public.lh_ab_tests t join public.lh_spawned_skills s on s.id = t.skill_id
       where s.skill_type = $1 and coalesce(s.segment, '') = coalesce($2::text, '') and t.started_at < $3::timestamptz
     )
     select count(*)::int as n from family
     where started_at > coalesce((select max(started_at) from family where recommendation = 'KEEP'), '-infinity'::timestamptz)`,
    [skillType, segment, before.toISOString()]);
  return Number(rows[0]?.n ?? 0);
}

/** A running test on the same metric and segment (the unique index's key), if any. */
export async function findRunningTest(tx: Queryable, metric: string, segment: string | null): Promise<{ id: number; test_name: string } | undefined> {
  const rows = await tx.query<{ id: number; test_name: string }>(
    `select id, test_name from public.lh_ab_tests
     where status = 'running' and metric_tracked = $1 and coalesce(segment, '') = coalesce($2::text, '')
     order by id limit 1`,
    [metric, segment]);
  return rows[0];
}

export interface NewSkill {
  readonly skillType: string;
  readonly skillName: string;
  readonly problemDetected: string;
  readonly targetMetric: string;
  readonly baselineValue: number;
  readonly targetValue: number;
  readonly segment: string | null;
  readonly evidence: unknown;
  readonly spawnedForDate: string;
  readonly spawnedAt: Date;
}

/**
 * Insert a `testing` skill; returns its id. The evidence goes in as text cast to jsonb: postgres.js would
 * JSON-encode a string bound straight to a jsonb parameter a second time (a JSON string, not an object).
 */
export async function insertSkill(tx: Queryable, s: NewSkill): Promise<number> {
  const rows = await tx.query<{ id: number }>(
    `insert into public.lh_spawned_skills (skill_type, skill_name, problem_detected, target_metric, baseline_value,
       target_value, status, segment, evidence, spawned_for_date, spawned_at)
     values ($1, $2, $3, $4, $5::float8, $6::float8, 'testing', $7, ($8::text)::jsonb, $9::date, $10::timestamptz)
     returning id`,
    [s.skillType, s.skillName, s.problemDetected, s.targetMetric, s.baselineValue, s.targetValue, s.segment,
      JSON.stringify(s.evidence), s.spawnedForDate, s.spawnedAt.toISOString()]);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('insertSkill: no id returned');
  return id;
}

export interface NewTest {
  readonly testName: string;
  readonly skillId: number;
  readonly hypothesis: string;
  readonly controlDescription: string;
  readonly treatmentDescription: string;
  readonly metricTracked: string;
  readonly segment: string | null;
  readonly trafficAllocationPct: number;
  readonly minSampleSize: number;
  readonly confidenceLevel: number;
  readonly startedAt: Date;
  readonly policy: 'seed' | 'sequential' | 'planned';
  /** The design of a planned test (stored as lh_ab_tests.design), else null. */
  readonly design: unknown;
  readonly maxDurationDays: number;
}

/** Insert a `running` A/B test for a skill; returns its id. */
export async function insertTest(tx: Queryable, t: NewTest): Promise<number> {
  const rows = await tx.query<{ id: number }>(
    `insert into public.lh_ab_tests (test_name, skill_id, hypothesis, control_description, treatment_description,
       metric_tracked, segment, traffic_allocation_pct, min_sample_size, planned_sample_size, confidence_level, status, started_at,
       policy, design, max_duration_days)
     values ($1, $2::bigint, $3, $4, $5, $6, $7, $8::numeric, $9::int, $9::int, $10::numeric, 'running', $11::timestamptz,
       $12, $13::text::jsonb, $14::int)
     returning id`,
    [t.testName, t.skillId, t.hypothesis, t.controlDescription, t.treatmentDescription, t.metricTracked, t.segment,
      t.trafficAllocationPct, t.minSampleSize, t.confidenceLevel, t.startedAt.toISOString(),
      t.policy, t.design === null ? null : JSON.stringify(t.design), t.maxDurationDays]);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('insertTest: no id returned');
  return id;
}

/** Units entering a new test per day: the metric's units over the last days, and the running tests sharing them. */
export interface MeasuredVolume {
  /** Days of lh_daily_metrics found in the window (≤ windowDays). */
  readonly days: number;
  readonly newLeads: number;
  readonly contacted: number;
  readonly validations: number;
  /** Running tests whose leads a new test on this segment would have to share: 0 when tests overlap (the default), else the running tests it competes with (lh_settings.ab_assignment = 'exclusive'). */
  readonly runningTests: number;
}

/**
 * The volume over the `windowDays` metric days up to `date` (lh_daily_metrics, lh_pattern_performance):
 * new leads and contacted leads (of the segment when one is given: its share of new leads), scored validations.
 */
export async function measureVolume(tx: Queryable, date: string, segment: string | null, windowDays: number): Promise<MeasuredVolume> {
  const rows = await tx.query<{ days: number; new_leads: number; contacted: number; validations: number; running: number }>(
    `with d as (
       select m.new_leads_count, m.contacted_count,
              case when $2::text is null then m.new_leads_count
                   else coalesce((m.source_metrics -> $2::text ->> 'new_today')::integer, 0) end as seg_new
       from public.lh_daily_metrics m
       where m.metric_date > $1::date - $3::int and m.metric_date <= $1::date
     )
     select (select count(*) from d)::int as days,
            coalesce((select sum(seg_new) from d), 0)::float8 as new_leads,
            coalesce((select sum(contacted_count::float8 * case when new_leads_count > 0 then seg_new::float8 / new_leads_count else 0 end) from d), 0)::float8 as contacted,
            coalesce((select sum(p.sample_size) from public.lh_pattern_performance p
                      where p.performance_date > $1::date - $3::int and p.performance_date <= $1::date), 0)::float8 as validations,
            -- the tests a new one shares its leads with: none when tests overlap (migration 20261203000100)
            (select count(*) from public.lh_ab_tests t
              where public.lh_ab_exclusive() and t.status = 'running'
                and (t.segment is null or $2::text is null or t.segment = $2::text))::int as running`,
    [date, segment, windowDays]);
  const r = rows[0];
  return { days: r?.days ?? 0, newLeads: r?.new_leads ?? 0, contacted: r?.contacted ?? 0, validations: r?.validations ?? 0, runningTests: r?.running ?? 0 };
}
