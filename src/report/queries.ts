/**
 * The SQL the report runs. Only output tables (aggregates the jobs wrote), each read bounded by a date
 * range or a LIMIT, so the report costs the same however many leads there are.
 */
import type { Queryable } from '../db/port.ts';

export interface WindowRow extends Record<string, unknown> {
  time_zone: string;
  from_date: string;
  to_date: string;
}

/** The business time zone and the window [to − days + 1, to], where `to` is now's date in that zone. */
export async function queryWindow(db: Queryable, now: Date, days: number): Promise<WindowRow> {
  const rows = await db.query<WindowRow>(
    `with tz as (
       select coalesce((select s.value from public.lh_settings s where s.key = 'business_time_zone'), 'UTC') as time_zone
     ), today as (
       select tz.time_zone, case when public.lh_is_time_zone(tz.time_zone)
         then ($1::timestamptz at time zone tz.time_zone)::date end as d from tz
     )
     select time_zone, to_char(d - ($2::int - 1), 'YYYY-MM-DD') as from_date, to_char(d, 'YYYY-MM-DD') as to_date from today`,
    [now.toISOString(), days],
  );
  const row = rows[0];
  if (!row) throw new Error('report window query returned no row');
  if (row.to_date === null) {
    throw new Error(`lh_settings.business_time_zone holds an unknown time zone "${row.time_zone}": set an IANA name such as Europe/Berlin`);
  }
  return row;
}

export interface TrendRow extends Record<string, unknown> {
  date: string;
  has_data: boolean;
  new_leads_count: number | null;
  contacted_count: number | null;
  qualified_count: number | null;
  closed_count: number | null;
  avg_response_time_hours: number | null;
  avg_time_to_qualify_hours: number | null;
  contact_rate: number | null;
  qualification_rate: number | null;
  f1_score: number | null;
}

/** One row per day of the window (days without a computed row come back with has_data = false). */
export async function queryTrend(db: Queryable, fromDate: string, days: number): Promise<TrendRow[]> {
  return db.query<TrendRow>(
    `with days as (
       select ($1::date + i) as d from generate_series(0, $2::int - 1) as g(i)
     ), f1 as (
       select p.performance_date, avg(p.avg_f1_score)::float8 as f1_score
       from public.lh_pattern_performance p
       where p.performance_date >= $1::date and p.performance_date < $1::date + $2::int
       group by p.performance_date
     )
     select to_char(days.d, 'YYYY-MM-DD') as date, (m.metric_date is not null) as has_data,
       m.new_leads_count, m.contacted_count, m.qualified_count, m.closed_count,
       m.avg_response_time_hours::float8 as avg_response_time_hours,
       m.avg_time_to_qualify_hours::float8 as avg_time_to_qualify_hours,
       m.contact_rate::float8 as contact_rate, m.qualification_rate::float8 as qualification_rate,
       f1.f1_score
     from days
     left join public.lh_daily_metrics m on m.metric_date = days.d
     left join f1 on f1.performance_date = days.d
     order by days.d`,
    [fromDate, days],
  );
}

export interface SkillRow extends Record<string, unknown> {
  id: number;
  skill_type: string;
  skill_name: string;
  status: string;
  problem_detected: string | null;
  target_metric: string | null;
  segment: string | null;
  baseline_value: number | null;
  target_value: number | null;
  actual_lift_pct: number | null;
  spawned_at: Date;
  decision_made_at: Date | null;
  decision_reason: string | null;
  spawned_for_date: string | null;
  evidence: unknown;
}

const SKILL_COLUMNS = `id, skill_type, skill_name, status, problem_detected, target_metric, segment,
  baseline_value::float8 as baseline_value, target_value::float8 as target_value,
  actual_lift_pct::float8 as actual_lift_pct, spawned_at, decision_made_at, decision_reason,
  to_char(spawned_for_date, 'YYYY-MM-DD') as spawned_for_date, evidence`;

/** The most recent skills, newest first. */
export async function querySkills(db: Queryable, limit: number): Promise<SkillRow[]> {
  return db.query<SkillRow>(
    `select ${SKILL_COLUMNS} from public.lh_spawned_skills order by spawned_at desc, id desc limit $1`,
    [limit],
  );
}

export interface ActionCountRow extends Record<string, unknown> {
  skill_id: number;
  produced: number;
  pending: number;
  claimed: number;
  done: number;
  expired: number;
  cancelled: number;
}

/** Each listed skill's actions counted by status (the unique key's leading skill_id serves the lookup). */
export async function querySkillActionCounts(db: Queryable, skillIds: readonly number[]): Promise<ActionCountRow[]> {
  if (skillIds.length === 0) return [];
  return db.query<ActionCountRow>(
    `select a.skill_id, count(*)::int as produced,
            count(*) filter (where a.status = 'pending')::int as pending, count(*) filter (where a.status = 'claimed')::int as claimed,
            count(*) filter (where a.status = 'done')::int as done, count(*) filter (where a.status = 'expired')::int as expired,
            count(*) filter (where a.status = 'cancelled')::int as cancelled
       from public.lh_skill_actions a where a.skill_id = any($1::bigint[]) group by a.skill_id`,
    [[...skillIds]],
  );
}

/** The skills still under test: the bottlenecks currently being worked on (one per type at most). */
export async function queryTestingSkills(db: Queryable, limit: number): Promise<SkillRow[]> {
  return db.query<SkillRow>(
    `select ${SKILL_COLUMNS} from public.lh_spawned_skills where status = 'testing'
     order by spawned_at desc, id desc limit $1`,
    [limit],
  );
}

export interface TestRow extends Record<string, unknown> {
  id: number;
  test_name: string;
  skill_id: number | null;
  metric_tracked: string;
  segment: string | null;
  status: string;
  policy: string;
  started_at: Date;
  ended_at: Date | null;
  min_sample_size: number;
  confidence_level: number;
  control_sample_size: number | null;
  treatment_sample_size: number | null;
  control_conversion_rate: number | null;
  treatment_conversion_rate: number | null;
  lift_pct: number | null;
  p_value: number | null;
  winner: string | null;
  recommendation: string | null;
  decision_reason: string | null;
  kill_reason: string | null;
  results: unknown;
}

/** The most recent tests, running ones first, then newest first. */
export async function queryTests(db: Queryable, limit: number): Promise<TestRow[]> {
  return db.query<TestRow>(
    `select id, test_name, skill_id, metric_tracked, segment, status, policy, started_at, ended_at,
       min_sample_size, confidence_level::float8 as confidence_level,
       control_sample_size, treatment_sample_size,
       control_conversion_rate::float8 as control_conversion_rate,
       treatment_conversion_rate::float8 as treatment_conversion_rate,
       lift_pct::float8 as lift_pct, p_value::float8 as p_value, winner, recommendation,
       decision_reason, kill_reason, results
     from public.lh_ab_tests
     order by (status = 'running') desc, started_at desc, id desc
     limit $1`,
    [limit],
  );
}

export interface DetectedBottleneckRow extends Record<string, unknown> {
  metric_date: string | null;
  id: number | null;
  bottleneck_type: string | null;
  segment: string | null;
  severity: string | null;
  metric_tracked: string | null;
  current_value: number | null;
  target_value: number | null;
  suggested_skill: string | null;
  evidence: unknown;
  detected_at: Date | null;
  spawn_outcome: string | null;
  skill_id: number | null;
  skill_status: string | null;
}

/**
 * The bottlenecks detected on the latest computed metric day on or before `toDate`, most severe first.
 * Always at least one row: its metric_date is that day (null when none is computed); when the day has
 * no bottleneck, the single row's id is null.
 */
export async function queryCurrentBottlenecks(db: Queryable, toDate: string, limit: number): Promise<DetectedBottleneckRow[]> {
  return db.query<DetectedBottleneckRow>(
    `with latest as (
       select max(m.metric_date) as d from public.lh_daily_metrics m where m.metric_date <= $1::date
     )
     select to_char(latest.d, 'YYYY-MM-DD') as metric_date, b.id, b.bottleneck_type, b.segment, b.severity,
       b.metric_tracked, b.current_value::float8 as current_value, b.target_value::float8 as target_value,
       b.suggested_skill, b.evidence, b.detected_at, b.spawn_outcome, s.id as skill_id, s.status as skill_status
     from latest
     left join public.lh_detected_bottlenecks b on b.metric_date = latest.d
     left join public.lh_spawned_skills s on s.id = b.skill_id
     order by case b.severity when 'high' then 0 when 'medium' then 1 else 2 end, b.bottleneck_type, b.segment nulls first
     limit $2`,
    [toDate, limit],
  );
}
