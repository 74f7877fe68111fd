// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The weekly analysis' outcome SQL (docs/design.md §4): per test and group, and per group and lead source, the
 * sufficient statistics of the per-unit outcome that `metric_tracked` names. Everything is counted and
 * summed in the database (GROUPING SETS); no lead row ever reaches the app.
 *
 * Per-unit outcomes, evaluated "as of" the run's clock ($2) through lh_lead_facts (migration
 * 20261201000100: the one definition of a lead's facts, shared with the daily metrics and detection): a
 * lead created after it does not exist yet, and an event whose timestamp is after it has not happened yet.
 * - conversion_rate: unit = valid assigned lead; success = reached qualified or closed.
 * - source_conversion_rate: the same over leads of the test's segment (its normalised lead source).
 * - contact_rate: unit = valid assigned lead; success = contacted.
 * - qualification_rate: unit = valid contacted lead; success = reached qualified or closed.
 * - avg_response_time_hours: unit = valid contacted lead; value = the facts' response_hours.
 * - avg_days_to_qualify: unit = valid qualified lead; value = the facts' qualify_hours / 24.
 * - f1_score: unit = one validation of a valid assigned lead whose truth arrived (latest feedback with a
 *   non-null `actual`, by validation_id or else by lead_id + pattern_name); success = predicted = actual.
 *   Named after the pattern F1 the bottleneck watches; per unit it is accuracy (correct / scored).
 * Invalid leads (every reason of lh_lead_facts: timestamps in an impossible order, a status without its
 * timestamp, an implausible delay, a non-finite time) are excluded from the outcomes and counted by reason,
 * as are validations without a prediction. Group sizes for the SRM check count every assigned lead (the
 * unit of randomisation), excluded or not.
 */
import type { Queryable } from '../port.ts';
import { METRIC_KIND, type TrackedMetric } from '../../metrics.ts';

/**
 * The test's leads as of $2 with their group, from lh_ab_assignments (index lh_ab_assignments_test; a
 * lead can be in several overlapping tests, migration 20261203000100), with their facts (lh_lead_facts)
 * as of $2. The setting is read once: OFFSET 0 keeps the one-row sub-select from being pulled up, which
 * would put the function call into every expression of the inlined facts (a call per lead and use).
 */
function testLeads(other: boolean): string {
  return `public.lh_ab_assignments a
    join public.lh_lead_status l on l.id = a.lead_id${other ? `
    join public.lh_ab_assignments b on b.lead_id = a.lead_id and b.test_id = any($4::text::bigint[]) and b.test_id <> $1` : ''}
    cross join (select public.lh_max_plausible_delay() as max_delay offset 0) s
    cross join lateral public.lh_lead_facts(l, $2, s.max_delay) f
    where a.test_id = $1 and l.created_at <= $2`;
}

/** The other test and its group (interaction cells, one of $4) or nulls (the test's own statistics). */
const otherGroup = (other: boolean): string => (other ? 'b.test_id as btest, b.ab_group' : 'null::bigint as btest, null::text');

/** Outside the test's segment (its normalised lead source). */
const OFF_SEGMENT = '($3::text is not null and f.source is distinct from $3::text)';

/**
 * Every lead in the test as of $2 with its facts; `good` are the valid leads of the segment. Durations
 * only for duration metrics: each fact is an expression PostgreSQL evaluates for every lead it is read for.
 * For the interaction cells (`other`), `good` pairs each lead with its groups in the other tests of $4;
 * `leads` is MATERIALIZED so the facts are computed once per lead, not once per lead and other test (a
 * pulled-up sub-select evaluates its expressions after the join: 6 times the work with 7 overlapping tests).
 */
function leadsCte(durations: boolean, other = false): string {
  const d = durations ? 'f.response_hours, f.qualify_hours' : 'null::float8 as response_hours, null::float8 as qualify_hours';
  return `
  leads as materialized (
    -- the reasons array only for leads with a problem (most have none: it is not built for them)
    select l.id, a.ab_group as grp, f.source, f.is_valid,
      case when f.has_problem then f.invalid_reasons else '{}'::text[] end as invalid_reasons, f.contacted, f.converted,
      ${d}, ${OFF_SEGMENT} as off_segment
    from ${testLeads(false)}
  ),
  good as (${other
    ? `
    select g.*, b.test_id as btest, b.ab_group as bgrp from leads g
    join public.lh_ab_assignments b on b.lead_id = g.id and b.test_id = any($4::text::bigint[]) and b.test_id <> $1
    where g.is_valid and not g.off_segment`
    : `
    select *, null::bigint as btest, null::text as bgrp from leads where is_valid and not off_segment`}
  )`;
}

/**
 * f1_score only: each validation of a good lead with its latest truth (feedback with a non-null `actual`
 * as of $2, by validation_id, or by lead_id + pattern_name when it names no validation; latest created_at,
 * then id, wins). Two plain equi-joins instead of one join with an OR (which could only be a hash join
 * over every truth and validation). good_ids re-reads the test's leads from the table, NOT the
 * materialized `leads` CTE: the planner then has the table's statistics (a CTE scan of boolean flags was
 * estimated at 3 % of its rows) and walks lh_ab_assignments_test → lh_lead_status → lh_validation_history_lead_pattern →
 * lh_feedback_log_validation, reading only the test's validations (EXPLAIN in bench/README.md).
 */
const f1Ctes = (other: boolean): string => `,
  good_ids as not materialized (
    select l.id, a.ab_group as grp, ${otherGroup(other)} as bgrp, f.source
    from ${testLeads(other)} and f.is_valid and not ${OFF_SEGMENT}
  ),
  truths as (
    select g.grp, g.btest, g.bgrp, g.source, v.id as vid, v.predicted, f.actual, f.created_at, f.id as fid
    from good_ids g
    join public.lh_validation_history v on v.lead_id = g.id and v.validated_at <= $2
    join public.lh_feedback_log f on f.validation_id = v.id
    where f.actual is not null and f.created_at <= $2
    union all
    select g.grp, g.btest, g.bgrp, g.source, v.id, v.predicted, f.actual, f.created_at, f.id
    from good_ids g
    join public.lh_feedback_log f on f.lead_id = g.id
    join public.lh_validation_history v on v.lead_id = f.lead_id and v.pattern_name = f.pattern_name and v.validated_at <= $2
    where f.validation_id is null and f.actual is not null and f.created_at <= $2
  ),
  scored as (
    select distinct on (vid, btest) grp, btest, bgrp, source, predicted, actual
    from truths
    order by vid, btest, created_at desc, fid desc
  )`;

/**
 * The unit rows (grp, bgrp, source, y) of each metric; y is 0/1 for rates, the duration for durations;
 * btest / bgrp are the other test and its group in the interaction cells, else null.
 */
const UNITS: Record<TrackedMetric, string> = {
  conversion_rate: `select grp, btest, bgrp, source, (case when converted then 1 else 0 end)::float8 as y from good`,
  source_conversion_rate: `select grp, btest, bgrp, source, (case when converted then 1 else 0 end)::float8 as y from good`,
  contact_rate: `select grp, btest, bgrp, source, (case when contacted then 1 else 0 end)::float8 as y from good`,
  qualification_rate: `select grp, btest, bgrp, source, (case when converted then 1 else 0 end)::float8 as y from good where contacted`,
  avg_response_time_hours: `select grp, btest, bgrp, source, response_hours as y from good where response_hours is not null`,
  avg_days_to_qualify: `select grp, btest, bgrp, source, qualify_hours / 24 as y from good where qualify_hours is not null`,
  f1_score: `select grp, btest, bgrp, source, (case when predicted = actual then 1 else 0 end)::float8 as y
    from scored where predicted is not null`,
};

/** Validations of good leads that got a truth but carry no prediction, per group (f1_score only). */
const UNSCORABLE_F1 = `select grp, count(*)::int as n from scored where predicted is null group by grp`;
const UNSCORABLE_NONE = `select null::text as grp, 0 as n where false`;

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

/**
 * Assigned leads per group (for SRM) and the leads left out of the outcome, by reason: each reason of
 * lh_lead_invalid_reasons() (the lead facts' own list, so a new reason needs no change here) and
 * outside_segment; a lead with two problems counts under both.
 */
export interface AssignmentRow extends Record<string, unknown> {
  grp: 'control' | 'treatment';
  assigned: number;
  excluded: Record<string, number>;
  unscorable_validations: number;
}

/** What the analysis reads for one test: the outcome statistics and the group sizes with exclusions. */
export interface TestStats {
  /** Totals per group (source null), and per group × source. */
  readonly outcomes: OutcomeRow[];
  /** Always two rows, control then treatment. */
  readonly assignment: AssignmentRow[];
}

const OUTCOME_COLUMNS = ['n', 'sum_y', 'mean', 'variance', 'n_pos', 'log_mean', 'log_variance', 'rank_sum', 'tie_term'] as const;
const ASSIGNMENT_COLUMNS = ['assigned', 'excluded', 'unscorable_validations'] as const;

/** The two parts of the single statement, one row shape (the other part's columns are null). */
type StatsRow = { part: 'outcome' | 'assignment'; grp: 'control' | 'treatment'; source: string | null } & Record<string, unknown>;

// ranks only matter for durations (Mann–Whitney); rates skip the sort
const NO_RANKS = 'ranked as (select u.*, null::float8 as r_all, null::float8 as t_all, null::float8 as r_src, null::float8 as t_src from units u)';
const RANKS = `ranked as (
    select u.*,
      rank() over (order by y) + (count(*) over (partition by y) - 1) / 2.0 as r_all,
      count(*) over (partition by y) as t_all,
      rank() over (partition by source order by y) + (count(*) over (partition by source, y) - 1) / 2.0 as r_src,
      count(*) over (partition by source, y) as t_src
    from units u)`;

/** The one statement: the test's leads are read once (and, for f1_score, its validations and truths once). Exported for EXPLAIN in the benchmark. */
export function statsSql(metric: TrackedMetric): string {
  const f1 = metric === 'f1_score';
  return `with ${leadsCte(METRIC_KIND[metric] === 'duration')}${f1 ? f1Ctes(false) : ''}, units as (${UNITS[metric]}),
    ${METRIC_KIND[metric] === 'duration' ? RANKS : NO_RANKS},
    unscorable as (${f1 ? UNSCORABLE_F1 : UNSCORABLE_NONE}),
    outcomes as (
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
    ),
    reasons as (
      select g.grp, jsonb_object_agg(k.reason, coalesce(c.n, 0) order by k.ord) as excluded
      from (values ('control'), ('treatment')) g(grp)
      cross join unnest(public.lh_lead_invalid_reasons() || array['outside_segment']) with ordinality as k(reason, ord)
      left join (
        select l.grp, r.reason, count(*)::int as n
        from leads l
        cross join unnest(l.invalid_reasons || case when l.off_segment then array['outside_segment'] else array[]::text[] end) as r(reason)
        where l.off_segment or cardinality(l.invalid_reasons) > 0  -- most leads: nothing to unnest
        group by l.grp, r.reason
      ) c on c.grp = g.grp and c.reason = k.reason
      group by g.grp
    ),
    assignment as (
      select g.grp,
        count(l.id)::int as assigned,
        (select x.excluded from reasons x where x.grp = g.grp) as excluded,
        coalesce(max(u.n), 0)::int as unscorable_validations
      from (values ('control'), ('treatment')) g(grp)
      left join leads l on l.grp = g.grp
      left join unscorable u on u.grp = g.grp
      group by g.grp
    )
    select 'outcome' as part, grp, source, ${OUTCOME_COLUMNS.join(', ')},
      null::int as assigned, null::jsonb as excluded, null::int as unscorable_validations
    from outcomes
    union all
    select 'assignment', grp, null, null::int, null::float8, null::float8, null::float8, null::int, null::float8,
      null::float8, null::float8, null::float8, ${ASSIGNMENT_COLUMNS.join(', ')}
    from assignment
    order by 1 desc, 2, 3 nulls first`;
}

function pick<T>(row: StatsRow, head: Record<string, unknown>, columns: readonly string[]): T {
  const out: Record<string, unknown> = { ...head };
  for (const c of columns) out[c] = row[c];
  return out as T;
}

/**
 * The outcome statistics and the group sizes of one test, from ONE statement (the leads, and for
 * f1_score the validations and their truths, are read once for both).
 */
export async function queryTestStats(
  db: Queryable, testId: number, metric: TrackedMetric, asOf: Date, segment: string | null,
): Promise<TestStats> {
  const rows = await db.query<StatsRow>(statsSql(metric), [testId, asOf, segment]);
  const outcomes: OutcomeRow[] = [];
  const assignment: AssignmentRow[] = [];
  for (const r of rows) {
    if (r.part === 'outcome') outcomes.push(pick<OutcomeRow>(r, { grp: r.grp, source: r.source }, OUTCOME_COLUMNS));
    else assignment.push(pick<AssignmentRow>(r, { grp: r.grp }, ASSIGNMENT_COLUMNS));
  }
  return { outcomes, assignment };
}

/** One cell of two overlapping tests: this test's group × the other test's group, this test's outcome. */
export interface InteractionCellRow extends Record<string, unknown> {
  btest: number;
  grp: 'control' | 'treatment';
  bgrp: 'control' | 'treatment';
  n: number;
  sum_y: number;
  mean: number | null;
  variance: number | null;
}

/**
 * The outcome of test $1 (metric, segment $3, as of $2) over the leads it shares with each test of $4 (a
 * bigint array as text), per other test and cell of the two tests' groups: the input of the interaction
 * checks (src/experiments/interaction.ts). One statement for all the other tests, reading the test's
 * leads once, each with its other assignments (primary key lookups); same units and exclusions as
 * statsSql, so a cell is exactly a slice of the test's own statistics.
 */
export function interactionCellsSql(metric: TrackedMetric): string {
  return `with ${leadsCte(METRIC_KIND[metric] === 'duration', true)}${metric === 'f1_score' ? f1Ctes(true) : ''},
    units as (${UNITS[metric]})
    select btest, grp, bgrp, count(*)::int as n, coalesce(sum(y), 0)::float8 as sum_y, avg(y)::float8 as mean, var_samp(y)::float8 as variance
    from units group by btest, grp, bgrp order by btest, grp, bgrp`;
}

/** The interaction cells of test `testId` with each of `otherIds` that shares measured leads with it. */
export async function queryInteractionCells(
  db: Queryable, testId: number, metric: TrackedMetric, asOf: Date, segment: string | null, otherIds: readonly number[],
): Promise<InteractionCellRow[]> {
  if (otherIds.length === 0) return [];
  const rows = await db.query<InteractionCellRow>(interactionCellsSql(metric), [testId, asOf, segment, `{${otherIds.join(',')}}`]);
  return rows.map((r) => ({ ...r, btest: Number(r.btest) }));
}
