/**
 * The baselines: plain SQL aggregates computing the numbers each job needs, with nothing around them
 * (no PL/pgSQL, no upsert, no JSON building, no TypeScript, no statistics). The job's time divided by
 * this is its overhead; target ≤ 1.5×.
 *
 * Daily (metric day D, UTC): the day's funnel counts and averages; per-source conversion over 30 days;
 * the confusion matrix per pattern of the truths that arrived on D; lead-quality feedback per source on
 * D; and what bottleneck detection reads: the funnel of the recent 7 / baseline 28 days, a rank test of
 * response times, and outcome cohorts shifted by their maturity.
 * Analysis: per running test, the per-unit outcome's count / sum / sum of squares by group and by
 * group × source, the group sizes (SRM), and the same sums per other overlapping test and pair of groups
 * (the interaction checks).
 */
import type { Queryable } from '../src/db/port.ts';

/**
 * A lead's validity written out by hand (the rules of lh_lead_facts, migration 20261201000100, without the
 * function and without its as-of refinements): finite times, events in order, delays within 90 days. The
 * job must apply these rules, so its bare SQL does too; the ratio then measures what reading the one
 * definition costs over writing the rules into each query.
 */
const VALID = `(isfinite(created_at) and coalesce(isfinite(contacted_at), true) and coalesce(isfinite(qualified_at), true)
    and coalesce(isfinite(closed_at), true) and coalesce(contacted_at >= created_at, true) and coalesce(closed_at >= created_at, true)
    and coalesce(qualified_at >= coalesce(contacted_at, created_at), true)
    and coalesce(contacted_at <= created_at + interval '90 days', true)
    and coalesce(qualified_at <= coalesce(contacted_at, created_at) + interval '90 days', true))`;

const DAY_FUNNEL = `
  select count(*) filter (where created_at >= $1::timestamptz and created_at < $2::timestamptz)::int as new_leads,
    count(*) filter (where contacted_at >= $1::timestamptz and contacted_at < $2::timestamptz)::int as contacted,
    count(*) filter (where qualified_at >= $1::timestamptz and qualified_at < $2::timestamptz)::int as qualified,
    count(*) filter (where closed_at >= $1::timestamptz and closed_at < $2::timestamptz)::int as closed,
    avg(extract(epoch from contacted_at - created_at) / 3600) filter (where contacted_at >= $1::timestamptz and contacted_at < $2::timestamptz and ${VALID})::float8 as avg_resp,
    (percentile_cont(0.5) within group (order by extract(epoch from contacted_at - created_at) / 3600)
      filter (where contacted_at >= $1::timestamptz and contacted_at < $2::timestamptz and ${VALID}))::float8 as med_resp,
    avg(extract(epoch from qualified_at - contacted_at) / 3600) filter (where qualified_at >= $1::timestamptz and qualified_at < $2::timestamptz and ${VALID})::float8 as avg_qual
  from public.lh_lead_status
  where (created_at >= $1::timestamptz and created_at < $2::timestamptz) or (contacted_at >= $1::timestamptz and contacted_at < $2::timestamptz)
     or (qualified_at >= $1::timestamptz and qualified_at < $2::timestamptz) or (closed_at >= $1::timestamptz and closed_at < $2::timestamptz)`;

const SOURCE_WINDOW = `
  select source, count(*)::int as leads, count(*) filter (where contacted_at is not null)::int as contacted,
    count(*) filter (where qualified_at is not null or closed_at is not null)::int as converted
  from public.lh_lead_status where created_at >= $1::timestamptz - interval '29 days' and created_at < $2::timestamptz and ${VALID} group by source`;

const CONFUSION = `
  select v.pattern_name, count(*) filter (where v.predicted and f.actual)::int as tp,
    count(*) filter (where v.predicted and not f.actual)::int as fp,
    count(*) filter (where not v.predicted and f.actual)::int as fn,
    count(*) filter (where not v.predicted and not f.actual)::int as tn
  from public.lh_feedback_log f join public.lh_validation_history v on v.id = f.validation_id
  where f.created_at >= $1::timestamptz and f.created_at < $2::timestamptz and f.actual is not null group by v.pattern_name`;

const FEEDBACK_BY_SOURCE = `
  select coalesce(l.source, 'unknown') as source, count(f.lead_quality)::int as rated, avg(f.lead_quality)::float8 as avg_rating,
    count(*) filter (where f.reason = 'wrong_contact')::int as wrong_contact
  from public.lh_feedback_log f left join public.lh_lead_status l on l.id = f.lead_id
  where f.created_at >= $1::timestamptz and f.created_at < $2::timestamptz group by 1`;

const DETECTION_WINDOWS = `
  select case when created_at >= $2::timestamptz - interval '7 days' then 'recent' else 'baseline' end as w,
    count(*)::int as n, count(contacted_at)::int as contacted, count(qualified_at)::int as qualified,
    avg(ln(greatest(extract(epoch from contacted_at - created_at) / 3600, 1.0 / 60))) filter (where ${VALID})::float8 as resp_log,
    avg(ln(greatest(extract(epoch from qualified_at - contacted_at) / 86400, 1.0 / 1440))) filter (where ${VALID})::float8 as qual_log
  from public.lh_lead_status
  where created_at >= $2::timestamptz - interval '35 days' and created_at < $2::timestamptz and $1::timestamptz is not null
  group by 1`;

// The detection's baseline-drop tests (docs/design.md §3) need more than the day: a rank test of response times
// over both windows, and outcome cohorts shifted back by their maturity (contact 2 d, qualify 7 d,
// source 14 d). Bare equivalents of those scans:
const RESPONSE_RANKS = `
  select count(*) filter (where recent)::int as n_recent, sum(rk) filter (where recent)::float8 as rank_sum
  from (select contacted_at >= $2::timestamptz - interval '7 days' as recent,
          rank() over (order by contacted_at - created_at) as rk
        from public.lh_lead_status
        where contacted_at >= $2::timestamptz - interval '35 days' and contacted_at < $2::timestamptz
          and ${VALID} and $1::timestamptz is not null) r`;

const CONTACT_COHORT = `
  select created_at >= $1::timestamptz - interval '8 days' as recent, count(*)::int as n,
    count(*) filter (where contacted_at < created_at + interval '2 days' and contacted_at < $2::timestamptz)::int as ok
  from public.lh_lead_status
  where created_at >= $1::timestamptz - interval '36 days' and created_at < $1::timestamptz - interval '1 day' and ${VALID}
  group by 1`;

const QUALIFY_COHORT = `
  select contacted_at >= $1::timestamptz - interval '13 days' as recent, count(*)::int as n,
    count(*) filter (where qualified_at < contacted_at + interval '7 days' and qualified_at < $2::timestamptz)::int as ok
  from public.lh_lead_status
  where contacted_at >= $1::timestamptz - interval '41 days' and contacted_at < $1::timestamptz - interval '6 days'
    and ${VALID}
  group by 1`;

const SOURCE_COHORTS = `
  select source, created_at >= $1::timestamptz - interval '20 days' as recent, count(*)::int as n,
    count(*) filter (where least(qualified_at, closed_at) < created_at + interval '14 days'
      and least(qualified_at, closed_at) < $2::timestamptz)::int as ok
  from public.lh_lead_status
  where created_at >= $1::timestamptz - interval '48 days' and created_at < $1::timestamptz - interval '13 days' and ${VALID}
  group by 1, 2`;

/** Day bounds of D in UTC. */
export function dayBounds(day: string): [string, string] {
  const start = new Date(`${day}T00:00:00Z`);
  return [start.toISOString(), new Date(start.getTime() + 86_400_000).toISOString()];
}

export const DAILY_METRIC_QUERIES = { DAY_FUNNEL, SOURCE_WINDOW, CONFUSION, FEEDBACK_BY_SOURCE };
export const DETECTION_QUERIES = { DETECTION_WINDOWS, RESPONSE_RANKS, CONTACT_COHORT, QUALIFY_COHORT, SOURCE_COHORTS };
export const DAILY_QUERIES = { ...DAILY_METRIC_QUERIES, ...DETECTION_QUERIES };

/** The aggregates of `queries` for D, as bare SELECTs (default: everything the daily job needs). */
export async function bareDaily(db: Queryable, day: string, queries: Record<string, string> = DAILY_QUERIES): Promise<void> {
  const b = dayBounds(day);
  for (const q of Object.values(queries)) await db.query(q, b);
}

const Y: Record<string, string> = {
  conversion_rate: '(coalesce(qualified_at <= $2::timestamptz, false) or coalesce(closed_at <= $2::timestamptz, false))::int::float8',
  source_conversion_rate: '(coalesce(qualified_at <= $2::timestamptz, false) or coalesce(closed_at <= $2::timestamptz, false))::int::float8',
  contact_rate: 'coalesce(contacted_at <= $2::timestamptz, false)::int::float8',
  qualification_rate: 'case when contacted_at <= $2::timestamptz then (coalesce(qualified_at <= $2::timestamptz, false) or coalesce(closed_at <= $2::timestamptz, false))::int::float8 end',
  avg_response_time_hours: 'case when contacted_at <= $2::timestamptz and contacted_at >= created_at then extract(epoch from contacted_at - created_at)::float8 / 3600 end',
  avg_days_to_qualify: 'case when qualified_at <= $2::timestamptz and qualified_at >= contacted_at then extract(epoch from qualified_at - contacted_at)::float8 / 86400 end',
};

/** The unit rows (grp, source, y) of test $1's metric as of $2 (segment $3); `other` adds the lead's group in each other test. */
function unitsSql(metric: string, other: boolean): string {
  const b = other ? 'b.test_id as btest, b.ab_group as bgrp, ' : '';
  const join = (lead: string) => (other ? `
       join public.lh_ab_assignments b on b.lead_id = ${lead} and b.test_id <> $1::bigint` : '');
  return metric === 'f1_score'
    ? `select ${b}a.ab_group as grp, l.source, (v.predicted = f.actual)::int::float8 as y
       from public.lh_ab_assignments a join public.lh_lead_status l on l.id = a.lead_id${join('a.lead_id')}
       join public.lh_validation_history v on v.lead_id = l.id
       join public.lh_feedback_log f on f.validation_id = v.id and f.actual is not null and f.created_at <= $2::timestamptz
       where a.test_id = $1::bigint and l.created_at <= $2::timestamptz and ${VALID.replace(/\b(created_at|contacted_at|qualified_at|closed_at)\b/g, 'l.$1')}`
    : `select ${b}a.ab_group as grp, source, ${Y[metric]} as y from public.lh_ab_assignments a join public.lh_lead_status on id = a.lead_id${join('a.lead_id')}
       where a.test_id = $1::bigint and created_at <= $2::timestamptz and ($3::text is null or source = $3::text) and ${VALID}`;
}

export function outcomeSql(metric: string): string {
  return `select grp, source, count(*)::int as n, sum(y)::float8 as s, sum(y * y)::float8 as ss
    from (${unitsSql(metric, false)}) u where y is not null group by grouping sets ((grp), (grp, source))`;
}

/** The interaction cells (overlapping tests): test $1's outcome per other test and pair of groups. */
export function interactionSql(metric: string): string {
  return `select btest, grp, bgrp, count(*)::int as n, sum(y)::float8 as s, sum(y * y)::float8 as ss
    from (${unitsSql(metric, true)}) u where y is not null group by btest, grp, bgrp`;
}

export const SRM_SQL = `select a.ab_group, count(*)::int as n from public.lh_ab_assignments a join public.lh_lead_status l on l.id = a.lead_id
  where a.test_id = $1::bigint and l.created_at <= $2::timestamptz group by 1`;

/** The analysis' aggregates for every running test, as bare SELECTs. */
export async function bareAnalysis(db: Queryable, asOf: Date): Promise<void> {
  const tests = await db.query<{ id: number; metric_tracked: string; segment: string | null }>(
    "select id, metric_tracked, segment from public.lh_ab_tests where status = 'running' order by id");
  for (const t of tests) {
    const params = t.metric_tracked === 'f1_score' ? [t.id, asOf.toISOString()] : [t.id, asOf.toISOString(), t.segment];
    await db.query(outcomeSql(t.metric_tracked), params);
    await db.query(SRM_SQL, [t.id, asOf.toISOString()]);
    // every test overlaps every other here (each lead is in 7), so each has interaction cells to compute
    await db.query(interactionSql(t.metric_tracked), params);
  }
}
