-- Detection reads the raw tables, and a skill is identified by its type and segment (issue 12, items 1 and 4).
--
-- 1. lh_scored_truths(from, to, time zone): the one definition of "a validation scored against its truth on
--    a day", from lh_feedback_log and lh_validation_history. The feedback analysis (lh_update_pattern_performance,
--    restated below without changing what it stores) reads it for one day; bottleneck detection reads it for
--    its F1 windows (src/db/queries/detection-input.ts). Before, detection summed lh_pattern_performance rows,
--    which only earlier runs of the daily job write: a first run on a pipeline with a year of feedback saw
--    "no data in the baseline window" and stayed blind for 35 days. lh_pattern_performance stays the daily
--    record (the report's F1 trend), no longer detection's input.
-- 2. At most one skill under test per (skill type, segment), not per type: source-optimizers of two weak
--    sources are different skills and may be tested at once (their tests run on different segments, which
--    lh_ab_tests_one_running_per_metric already allows). The cooldowns after KILL are per segment too
--    (src/db/queries/spawning.ts).

-- ---------------------------------------------------------------- 1. scored truths
-- Which feedback is a truth, and for which validation (unchanged from migration 20261125000300):
--   * only feedback with a non-null `actual`, created on a day of [p_from, p_to] in the time zone;
--   * linked by validation_id when given; otherwise by lead_id + pattern_name to the latest validation of
--     that pattern for that lead at or before the feedback (ties: the highest id);
--   * one score per validation and day: when several truths for one validation arrive on one day, the
--     latest (created_at, then id) wins; a correction arriving on a later day is scored on that later day.
-- One row per (validation, day), plus one per truth that matches no validation (validation_id null, to be
-- reported, never scored). `predicted` null: the validation cannot be scored (reported too).
create or replace function public.lh_scored_truths(p_from date, p_to date, p_time_zone text)
returns table (truth_day date, feedback_id bigint, validation_id bigint, pattern_name text, predicted boolean, actual boolean)
language sql stable
set search_path = ''
as $$
  with bounds as (
    select (p_from::timestamp at time zone p_time_zone) as t_start,
           ((p_to + 1)::timestamp at time zone p_time_zone) as t_end
  ),
  truth as (
    select f.id, f.validation_id, f.lead_id, f.pattern_name, f.actual, f.created_at,
           (f.created_at at time zone p_time_zone)::date as day
    from public.lh_feedback_log f cross join bounds b
    where f.actual is not null and f.created_at >= b.t_start and f.created_at < b.t_end
  ),
  linked as (
    select t.id as feedback_id, t.day, t.created_at, t.actual, v.id as validation_id,
           coalesce(v.pattern_name, t.pattern_name) as pattern_name, v.predicted
    from truth t
    left join lateral (
      select v1.id, v1.pattern_name, v1.predicted
      from public.lh_validation_history v1
      where t.validation_id is not null and v1.id = t.validation_id
      union all
      select latest.id, latest.pattern_name, latest.predicted from (
        select v2.id, v2.pattern_name, v2.predicted
        from public.lh_validation_history v2
        where t.validation_id is null and v2.lead_id = t.lead_id and v2.pattern_name = t.pattern_name
          and v2.validated_at <= t.created_at
        order by v2.validated_at desc, v2.id desc
        limit 1
      ) latest
    ) v on true
  )
  -- unlinked truths keep one row each (keyed by the negated feedback id, which no validation id can equal)
  select distinct on (coalesce(l.validation_id, -l.feedback_id), l.day)
    l.day, l.feedback_id, l.validation_id, l.pattern_name, l.predicted, l.actual
  from linked l
  order by coalesce(l.validation_id, -l.feedback_id), l.day, l.created_at desc, l.feedback_id desc
$$;

comment on function public.lh_scored_truths(date, date, text) is
  'Validations scored against the truths that arrived on each day of [from, to] (time zone): one row per (validation, day), the latest truth of the day; unlinked truths with validation_id null. Read by the feedback analysis and by detection.';

-- ---------------------------------------------------------------- the feedback analysis, on the shared rule
create or replace function public.lh_update_pattern_performance(
  p_date date,
  p_time_zone text default null
) returns jsonb
language plpgsql
set search_path = public, pg_temp
as $$
declare
  v_tz text;
  v_unlinked integer;
  v_unscorable integer;
  v_result jsonb;
begin
  if p_date is null then
    raise exception 'lh_update_pattern_performance: the date must not be null' using errcode = '22004';
  end if;
  v_tz := public.lh_business_time_zone(p_time_zone, 'lh_update_pattern_performance');
  -- concurrent runs for the same day take turns (the upsert and the delete below touch the same rows)
  perform pg_advisory_xact_lock(1279609936, (p_date - date '2000-01-01'));

  with scored_truths as materialized (
    select * from public.lh_scored_truths(p_date, p_date, v_tz)
  ),
  counts as (
    select s.pattern_name,
      count(*) filter (where s.predicted and s.actual)::integer as tp,
      count(*) filter (where s.predicted and not s.actual)::integer as fp,
      count(*) filter (where not s.predicted and s.actual)::integer as fn,
      count(*) filter (where not s.predicted and not s.actual)::integer as tn
    from scored_truths s
    where s.validation_id is not null and s.predicted is not null
    group by s.pattern_name
  ),
  scored as (
    select c.*,
      case when c.tp + c.fp > 0 then c.tp::double precision / (c.tp + c.fp) end as precision,
      case when c.tp + c.fn > 0 then c.tp::double precision / (c.tp + c.fn) end as recall,
      case when 2 * c.tp + c.fp + c.fn > 0 then (2 * c.tp)::double precision / (2 * c.tp + c.fp + c.fn) end as f1
    from counts c
  ),
  with_avg as (
    select s.*, (avg(s.f1) over ())::double precision as avg_f1 from scored s
  ),
  upserted as (
    insert into public.lh_pattern_performance as p (performance_date, pattern_name, true_positives,
      false_positives, false_negatives, true_negatives, precision, recall, f1_score, sample_size,
      avg_f1_score, computed_at)
    select p_date, w.pattern_name, w.tp, w.fp, w.fn, w.tn, w.precision, w.recall, w.f1,
      w.tp + w.fp + w.fn + w.tn, w.avg_f1, now()
    from with_avg w
    order by w.pattern_name
    on conflict (performance_date, pattern_name) do update set
      true_positives = excluded.true_positives,
      false_positives = excluded.false_positives,
      false_negatives = excluded.false_negatives,
      true_negatives = excluded.true_negatives,
      precision = excluded.precision,
      recall = excluded.recall,
      f1_score = excluded.f1_score,
      sample_size = excluded.sample_size,
      avg_f1_score = excluded.avg_f1_score,
      computed_at = excluded.computed_at
    where (p.true_positives, p.false_positives, p.false_negatives, p.true_negatives, p.precision,
           p.recall, p.f1_score, p.sample_size, p.avg_f1_score)
      is distinct from
          (excluded.true_positives, excluded.false_positives, excluded.false_negatives, excluded.true_negatives,
           excluded.precision, excluded.recall, excluded.f1_score, excluded.sample_size, excluded.avg_f1_score)
    returning p.pattern_name
  ),
  removed as (
    -- a pattern whose truth no longer arrives on D (feedback deleted or re-dated) loses its row
    delete from public.lh_pattern_performance p
    where p.performance_date = p_date
      and not exists (select 1 from scored s where s.pattern_name = p.pattern_name)
    returning p.pattern_name
  )
  select (select count(*) from scored_truths s where s.validation_id is null)::integer,
         (select count(*) from scored_truths s where s.validation_id is not null and s.predicted is null)::integer
  into v_unlinked, v_unscorable;

  select jsonb_build_object(
    'performance_date', p_date,
    'time_zone', v_tz,
    'avg_f1_score', (select max(p.avg_f1_score) from public.lh_pattern_performance p where p.performance_date = p_date),
    'unlinked_feedback', v_unlinked,
    'unscorable_validations', v_unscorable,
    'patterns', coalesce((
      select jsonb_agg(jsonb_build_object(
          'pattern_name', p.pattern_name, 'true_positives', p.true_positives,
          'false_positives', p.false_positives, 'false_negatives', p.false_negatives,
          'true_negatives', p.true_negatives, 'precision', p.precision, 'recall', p.recall,
          'f1_score', p.f1_score, 'sample_size', p.sample_size) order by p.pattern_name)
      from public.lh_pattern_performance p where p.performance_date = p_date), '[]'::jsonb)
  ) into v_result;
  return v_result;
end
$$;

select public.lh_revoke_client_execute('public.lh_scored_truths(date, date, text)');

-- ---------------------------------------------------------------- 2. skill identity = (type, segment)
-- the segment is free text of any length: the index holds its md5, as lh_ab_tests_one_running_per_metric does
drop index if exists public.lh_spawned_skills_one_testing_per_type;
create unique index if not exists lh_spawned_skills_one_testing_per_identity
  on public.lh_spawned_skills (skill_type, md5(coalesce(segment, ''))) where status = 'testing';
