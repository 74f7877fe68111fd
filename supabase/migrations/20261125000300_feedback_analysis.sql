-- lh_update_pattern_performance(date): the feedback analysis (SPEC §2 "pattern performance for D").
-- Scores every validation whose truth arrived on D (in the business time zone) against that truth and
-- upserts one lh_pattern_performance row per (D, pattern). Idempotent: a re-run with unchanged data leaves
-- the rows (including computed_at) untouched; a pattern that no longer has truth on D loses its row.
--
-- Which feedback is a truth, and for which validation:
--   * only feedback with a non-null `actual`, created on D;
--   * linked by validation_id when given; otherwise by lead_id + pattern_name to the latest validation
--     of that pattern for that lead at or before the feedback (ties: the highest id);
--   * one score per validation and day: when several truths for one validation arrive on D, the latest
--     (created_at, then id) wins. A correction arriving on a later day is scored on that later day;
--     earlier days keep what was known then, so re-running an old day reproduces it.
--   * validations whose `predicted` is null cannot be scored; they and truths that match no validation are
--     reported in the function's result (`unscorable`, `unlinked`), not in the table.
-- Per pattern: tp/fp/fn/tn; precision = tp/(tp+fp), recall = tp/(tp+fn), F1 = 2tp/(2tp+fp+fn), each null
-- when its denominator is 0 (never NaN). avg_f1_score = the mean of the day's non-null F1 over patterns,
-- repeated on each of the day's rows (as the seed reads it).

create or replace function public.lh_update_pattern_performance(
  p_date date,
  p_time_zone text default null
) returns jsonb
language plpgsql
set search_path = public, pg_temp
as $$
declare
  v_tz text;
  v_start timestamptz;
  v_end timestamptz;
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
  v_start := p_date::timestamp at time zone v_tz;
  v_end := (p_date + 1)::timestamp at time zone v_tz;

  with truth as (
    select f.id, f.validation_id, f.lead_id, f.pattern_name, f.actual, f.created_at
    from public.lh_feedback_log f
    where f.actual is not null and f.created_at >= v_start and f.created_at < v_end
  ),
  linked as (
    select t.id as feedback_id, t.created_at, t.actual, v.id as validation_id, v.pattern_name, v.predicted
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
  ),
  latest_truth as (
    select distinct on (l.validation_id) l.validation_id, l.pattern_name, l.predicted, l.actual
    from linked l
    where l.validation_id is not null
    order by l.validation_id, l.created_at desc, l.feedback_id desc
  ),
  counts as (
    select s.pattern_name,
      count(*) filter (where s.predicted and s.actual)::integer as tp,
      count(*) filter (where s.predicted and not s.actual)::integer as fp,
      count(*) filter (where not s.predicted and s.actual)::integer as fn,
      count(*) filter (where not s.predicted and not s.actual)::integer as tn
    from latest_truth s
    where s.predicted is not null
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
  select (select count(*) from linked l where l.validation_id is null)::integer,
         (select count(*) from latest_truth s where s.predicted is null)::integer
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

comment on function public.lh_update_pattern_performance(date, text) is
  'Feedback analysis: scores validations whose truth arrived on the day (business time zone) and upserts lh_pattern_performance. Idempotent.';

revoke all on function public.lh_update_pattern_performance(date, text) from public;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on function public.lh_update_pattern_performance(date, text) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on function public.lh_update_pattern_performance(date, text) from authenticated;
  end if;
end
$$;
