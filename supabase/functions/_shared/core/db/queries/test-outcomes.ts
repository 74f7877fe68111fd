// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The weekly analysis' outcome SQL (SPEC §4): per test and group, and per group and lead source, the
 * sufficient statistics of the per-unit outcome that `metric_tracked` names. Everything is counted and
 * summed in the database (GROUPING SETS); no lead row ever reaches the app.
 *
 * Per-unit outcomes, evaluated "as of" the run's clock ($2): a lead created after it does not exist yet,
 * and an event whose timestamp is after it has not happened yet.
 * - conversion_rate: unit = assigned lead; success = reached qualified or closed (a qualified_at or
 *   closed_at, or — for rows written without a timestamp — status qualified/closed).
 * - source_conversion_rate: the same over leads of the test's segment (its lead source).
 * - contact_rate: unit = assigned lead; success = contacted (contacted_at, or a status past `new`
 *   other than `lost` written without a timestamp).
 * - qualification_rate: unit = contacted lead (as above); success = reached qualified or closed.
 * - avg_response_time_hours: unit = contacted lead with contacted_at; value = hours created → contacted.
 * - avg_days_to_qualify: unit = qualified lead with contacted_at and qualified_at; value = days
 *   contacted → qualified.
 * - f1_score: unit = one validation of an assigned lead whose truth arrived (latest feedback with a
 *   non-null `actual`, by validation_id or else by lead_id + pattern_name); success = predicted = actual.
 *   Named after the pattern F1 the bottleneck watches; per unit it is accuracy (correct / scored).
 * Nonsense: a lead whose timestamps are in an impossible order (contacted before created, qualified
 * before contacted/created, closed before created) is excluded from the test's outcomes and counted by
 * reason; so are validations without a prediction. Group sizes for the SRM check count every assigned
 * lead (the unit of randomisation), excluded or not.
 */
import type { Queryable } from '../port.ts';
import { METRIC_KIND, type TrackedMetric } from '../../metrics.ts';

/** Every lead in the test as of $2, with its as-of event times and nonsense flags. */
const LEADS_CTE = `
  leads as (
    select l.id, l.ab_test_group as grp, coalesce(nullif(l.source, ''), 'unknown') as source, l.status,
      l.created_at,
      case when l.contacted_at <= $2 then l.contacted_at end as c_at,
      case when l.qualified_at <= $2 then l.qualified_at end as q_at,
      case when l.closed_at <= $2 then l.closed_at end as x_at,
      -- a status written without its timestamp counts (as the daily metrics do), flagged for the report
      (l.contacted_at is null and l.status in ('contacted', 'qualified', 'closed')) as contact_by_status,
      (l.qualified_at is null and l.closed_at is null and l.status in ('qualified', 'closed')) as convert_by_status,
      coalesce(l.contacted_at < l.created_at, false) as bad_contact,
      coalesce(l.qualified_at < coalesce(l.contacted_at, l.created_at), false) as bad_qualify,
      coalesce(l.closed_at < l.created_at, false) as bad_close,
      ($3::text is not null and l.source is distinct from $3::text) as off_segment
    from public.lh_lead_status l
    where l.ab_test_id = $1 and l.ab_test_group in ('control', 'treatment') and l.created_at <= $2
  ),
  good as (
    select *,
      (c_at is not null or contact_by_status) as contacted,
      (q_at is not null or x_at is not null or convert_by_status) as converted
    from leads
    where not (bad_contact or bad_qualify or bad_close or off_segment)
  )`;

/** The unit rows (grp, source, y) of each metric; y is 0/1 for rates, the duration for durations. */
const UNITS: Record<TrackedMetric, string> = {
  conversion_rate: `select grp, source, (case when converted then 1 else 0 end)::float8 as y from good`,
  source_conversion_rate: `select grp, source, (case when converted then 1 else 0 end)::float8 as y from good`,
  contact_rate: `select grp, source, (case when contacted then 1 else 0 end)::float8 as y from good`,
  qualification_rate: `select grp, source, (case when converted then 1 else 0 end)::float8 as y from good where contacted`,
  avg_response_time_hours: `select grp, source, (extract(epoch from c_at - created_at) / 3600.0)::float8 as y
    from good where c_at is not null`,
  avg_days_to_qualify: `select grp, source, (extract(epoch from q_at - c_at) / 86400.0)::float8 as y
    from good where q_at is not null and c_at is not null`,
  f1_score: `select g.grp, g.source, (case when s.predicted = s.actual then 1 else 0 end)::float8 as y
    from good g
    join lateral (
      select distinct on (v.id) v.id, v.predicted, f.actual
      from public.lh_validation_history v
      join public.lh_feedback_log f
        on f.actual is not null and f.created_at <= $2
       and (f.validation_id = v.id
            or (f.validation_id is null and f.lead_id = v.lead_id and f.pattern_name = v.pattern_name))
      where v.lead_id = g.id and v.validated_at <= $2
      order by v.id, f.created_at desc, f.id desc
    ) s on s.predicted is not null`,
};

/** Validations of good leads that got a truth but carry no prediction (f1_score only). */
const UNSCORABLE_F1 = `
  select g.grp, count(distinct v.id)::int as n
  from good g
  join public.lh_validation_history v on v.lead_id = g.id and v.validated_at <= $2 and v.predicted is null
  where exists (select 1 from public.lh_feedback_log f where f.actual is not null and f.created_at <= $2
    and (f.validation_id = v.id or (f.validation_id is null and f.lead_id = v.lead_id and f.pattern_name = v.pattern_name)))
  group by g.grp`;

/** One aggregated row: a group's total (source null) or a group × source cell. */
export interface OutcomeRow extends Record<string, unknown> {
  grp: 'control' | 'treatment';
  source: string | null;
  n: number;
  /** Σy: successes for rates; total duration for durations. */
  sum_y: number;
  mean: number | null;
  variance: number | null;
  /** Units with y > 0 and the mean/variance of ln(y) over them (durations). */
  n_pos: number;
  log_mean: number | null;
  log_variance: number | null;
  /** Σ pooled average ranks (within the whole test for totals, within the source for cells). */
  rank_sum: number | null;
  /** Σ (t² − 1) over this group's units, t = size of the unit's tie group; summed over both groups = Σ(t³ − t). */
  tie_term: number | null;
}

/** The outcome statistics of one test: totals per group, and per group × source. */
export async function queryOutcomeStats(
  db: Queryable, testId: number, metric: TrackedMetric, asOf: Date, segment: string | null,
): Promise<OutcomeRow[]> {
  // ranks only matter for durations (Mann–Whitney); rates skip the sort
  const ranked = METRIC_KIND[metric] !== 'duration'
    ? 'ranked as (select u.*, null::float8 as r_all, null::float8 as t_all, null::float8 as r_src, null::float8 as t_src from units u)'
    : `ranked as (
    select u.*,
      rank() over (order by y) + (count(*) over (partition by y) - 1) / 2.0 as r_all,
      count(*) over (partition by y) as t_all,
      rank() over (partition by source order by y) + (count(*) over (partition by source, y) - 1) / 2.0 as r_src,
      count(*) over (partition by source, y) as t_src
    from units u)`;
  return db.query<OutcomeRow>(
    `with ${LEADS_CTE}, units as (${UNITS[metric]}), ${ranked}
     select grp, case when grouping(source) = 1 then null else source end as source,
       count(*)::int as n,
       coalesce(sum(y), 0)::float8 as sum_y,
       avg(y)::float8 as mean,
       var_samp(y)::float8 as variance,
       count(*) filter (where y > 0)::int as n_pos,
       avg(ln(y)) filter (where y > 0)::float8 as log_mean,
       var_samp(ln(y)) filter (where y > 0)::float8 as log_variance,
       (case when grouping(source) = 1 then sum(r_all) else sum(r_src) end)::float8 as rank_sum,
       (case when grouping(source) = 1 then sum(t_all * t_all - 1) else sum(t_src * t_src - 1) end)::float8 as tie_term
     from ranked
     group by grouping sets ((grp), (grp, source))
     order by grp, source nulls first`,
    [testId, asOf, segment],
  );
}

/** Assigned leads per group (for SRM) and the nonsense exclusions by reason. */
export interface AssignmentRow extends Record<string, unknown> {
  grp: 'control' | 'treatment';
  assigned: number;
  contacted_before_created: number;
  qualified_before_contacted: number;
  closed_before_created: number;
  outside_segment: number;
  status_without_timestamp: number;
  unscorable_validations: number;
}

/** Per group: every assigned lead as of `asOf`, and how many were excluded and why. */
export async function queryAssignmentCounts(
  db: Queryable, testId: number, metric: TrackedMetric, asOf: Date, segment: string | null,
): Promise<AssignmentRow[]> {
  const unscorable = metric === 'f1_score' ? UNSCORABLE_F1 : `select null::text as grp, 0 as n where false`;
  return db.query<AssignmentRow>(
    `with ${LEADS_CTE}, unscorable as (${unscorable})
     select g.grp,
       count(l.id)::int as assigned,
       count(l.id) filter (where l.bad_contact)::int as contacted_before_created,
       count(l.id) filter (where l.bad_qualify)::int as qualified_before_contacted,
       count(l.id) filter (where l.bad_close)::int as closed_before_created,
       count(l.id) filter (where l.off_segment)::int as outside_segment,
       count(l.id) filter (where l.contact_by_status or l.convert_by_status)::int as status_without_timestamp,
       coalesce(max(u.n), 0)::int as unscorable_validations
     from (values ('control'), ('treatment')) g(grp)
     left join leads l on l.grp = g.grp
     left join unscorable u on u.grp = g.grp
     group by g.grp
     order by g.grp`,
    [testId, asOf, segment],
  );
}
