-- lh_update_daily_metrics(date): the helper the seed promises (SPEC §2 "Metric definitions").
-- Computes one metric day in the business time zone, set-based, and upserts one row. Idempotent: a
-- re-run with unchanged data leaves the row (including computed_at) untouched.
--
-- Nonsense rows (contacted before created, qualified before contacted, closed before created, a status
-- whose timestamp is missing, a delay longer than lh_settings.max_plausible_delay_days — e.g. a lead
-- "created" ten years before its first call, which alone would move a day's mean response by thousands of
-- hours) are counted in invalid_rows and excluded from the averages they would poison; they still count as
-- events, because the event did happen on that day.

insert into public.lh_settings (key, value, description) values
  ('max_plausible_delay_days', '90',
   'a response or qualification delay longer than this is counted as implausible and kept out of averages')
on conflict (key) do nothing;

-- Is this a time zone PostgreSQL knows? Asking pg_timezone_names costs tens of milliseconds (it reads the
-- zone files); converting one instant and catching the error costs microseconds.
create or replace function public.lh_is_time_zone(p_name text) returns boolean
language plpgsql stable
set search_path = ''
as $$
begin
  if p_name is null or p_name = '' then
    return false;
  end if;
  perform pg_catalog.now() at time zone p_name;
  return true;
exception when invalid_parameter_value then
  return false;
end
$$;

-- The business time zone a job runs in: the one asked for, else lh_settings.business_time_zone, else UTC;
-- an unknown name is an error prefixed with the calling function's name (one check for every job function).
create or replace function public.lh_business_time_zone(p_requested text, p_caller text) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  v_tz text := coalesce(p_requested,
    (select s.value from public.lh_settings s where s.key = 'business_time_zone'), 'UTC');
begin
  if not public.lh_is_time_zone(v_tz) then
    raise exception '%: unknown time zone "%" (use an IANA name such as Europe/Berlin)', p_caller, v_tz
      using errcode = '22023';
  end if;
  return v_tz;
end
$$;

create or replace function public.lh_update_daily_metrics(
  p_date date default current_date,
  p_time_zone text default null,
  p_source_window_days integer default null
) returns jsonb
language plpgsql
set search_path = public, pg_temp
as $$
declare
  v_tz text;
  v_window integer := coalesce(p_source_window_days,
    (select s.value::integer from public.lh_settings s where s.key = 'source_window_days'), 30);
  v_max_delay interval := make_interval(days => coalesce(
    (select s.value::integer from public.lh_settings s where s.key = 'max_plausible_delay_days'), 90));
  v_start timestamptz;
  v_end timestamptz;
  v_window_start timestamptz;
  v_result jsonb;
begin
  if p_date is null then
    raise exception 'lh_update_daily_metrics: the date must not be null' using errcode = '22004';
  end if;
  if v_window < 1 then
    raise exception 'lh_update_daily_metrics: source window must be at least 1 day, got %', v_window
      using errcode = '22023';
  end if;
  v_tz := public.lh_business_time_zone(p_time_zone, 'lh_update_daily_metrics');
  v_start := p_date::timestamp at time zone v_tz;
  v_end := (p_date + 1)::timestamp at time zone v_tz;
  v_window_start := (p_date - v_window + 1)::timestamp at time zone v_tz;

  with day_rows as (
    select l.*,
      (l.created_at >= v_start and l.created_at < v_end) as is_new,
      (l.contacted_at >= v_start and l.contacted_at < v_end) as is_contacted,
      (l.qualified_at >= v_start and l.qualified_at < v_end) as is_qualified,
      (l.closed_at >= v_start and l.closed_at < v_end) as is_closed,
      (l.contacted_at < l.created_at) as bad_contact,
      (l.qualified_at < coalesce(l.contacted_at, l.created_at)) as bad_qualify,
      (l.closed_at < l.created_at) as bad_close,
      (l.contacted_at - l.created_at > v_max_delay
        or l.qualified_at - coalesce(l.contacted_at, l.created_at) > v_max_delay) as implausible_delay,
      ((l.status in ('contacted', 'qualified', 'closed') and l.contacted_at is null)
        or (l.status = 'qualified' and l.qualified_at is null)
        or (l.status = 'closed' and l.closed_at is null)) as missing_ts,
      (l.status is null or l.status not in ('new', 'contacted', 'qualified', 'closed', 'lost')) as unknown_status
    from public.lh_lead_status l
    where (l.created_at >= v_start and l.created_at < v_end)
       or (l.contacted_at >= v_start and l.contacted_at < v_end)
       or (l.qualified_at >= v_start and l.qualified_at < v_end)
       or (l.closed_at >= v_start and l.closed_at < v_end)
  ),
  day_agg as (
    select
      count(*) filter (where is_new)::integer as new_leads_count,
      count(*) filter (where is_contacted)::integer as contacted_count,
      count(*) filter (where is_qualified)::integer as qualified_count,
      count(*) filter (where is_closed)::integer as closed_count,
      avg(extract(epoch from contacted_at - created_at) / 3600.0)
        filter (where is_contacted and not bad_contact and not coalesce(implausible_delay, false))::double precision as avg_response_time_hours,
      (percentile_cont(0.5) within group (order by extract(epoch from contacted_at - created_at) / 3600.0)
        filter (where is_contacted and not bad_contact and not coalesce(implausible_delay, false)))::double precision as median_response_time_hours,
      avg(extract(epoch from qualified_at - contacted_at) / 3600.0)
        filter (where is_qualified and contacted_at is not null and not coalesce(bad_qualify, false)
               and not coalesce(bad_contact, false) and not coalesce(implausible_delay, false))::double precision as avg_time_to_qualify_hours,
      count(*) filter (where coalesce(bad_contact, false))::integer as n_contacted_before_created,
      count(*) filter (where coalesce(bad_qualify, false))::integer as n_qualified_before_contacted,
      count(*) filter (where coalesce(bad_close, false))::integer as n_closed_before_created,
      count(*) filter (where coalesce(missing_ts, false))::integer as n_missing_timestamp,
      count(*) filter (where unknown_status)::integer as n_unknown_status,
      count(*) filter (where coalesce(implausible_delay, false))::integer as n_implausible_delay,
      count(*) filter (where coalesce(bad_contact, false) or coalesce(bad_qualify, false)
        or coalesce(bad_close, false) or coalesce(missing_ts, false) or unknown_status
        or coalesce(implausible_delay, false))::integer as n_invalid
    from day_rows
  ),
  source_agg as (
    select coalesce(jsonb_object_agg(src, jsonb_build_object(
        'leads', leads, 'new_today', new_today, 'contacted', contacted, 'converted', converted,
        'conversion_rate', case when leads > 0 then round(converted::numeric / leads, 6)::double precision end
      ) order by src), '{}'::jsonb) as source_metrics
    from (
      select coalesce(nullif(l.source, ''), 'unknown') as src,
        count(*)::integer as leads,
        count(*) filter (where l.created_at >= v_start)::integer as new_today,
        count(*) filter (where l.contacted_at is not null)::integer as contacted,
        count(*) filter (where l.status in ('qualified', 'closed')
          or l.qualified_at is not null or l.closed_at is not null)::integer as converted
      from public.lh_lead_status l
      where l.created_at >= v_window_start and l.created_at < v_end
      group by 1
    ) s
  ),
  accuracy as (
    select p.avg_f1_score
    from public.lh_pattern_performance p
    where p.performance_date <= p_date and p.avg_f1_score is not null
    order by p.performance_date desc
    limit 1
  ),
  computed as (
    select p_date as metric_date, d.new_leads_count, d.contacted_count, d.qualified_count, d.closed_count,
      d.avg_response_time_hours, d.median_response_time_hours, d.avg_time_to_qualify_hours,
      case when d.new_leads_count > 0 then d.contacted_count::double precision / d.new_leads_count end as contact_rate,
      case when d.contacted_count > 0 then d.qualified_count::double precision / d.contacted_count end as qualification_rate,
      (select a.avg_f1_score from accuracy a) as validation_accuracy,
      s.source_metrics,
      d.n_invalid as invalid_rows_count,
      jsonb_build_object(
        'contacted_before_created', d.n_contacted_before_created,
        'qualified_before_contacted', d.n_qualified_before_contacted,
        'closed_before_created', d.n_closed_before_created,
        'missing_timestamp', d.n_missing_timestamp,
        'unknown_status', d.n_unknown_status,
        'implausible_delay', d.n_implausible_delay) as invalid_rows,
      v_tz as time_zone
    from day_agg d cross join source_agg s
  )
  insert into public.lh_daily_metrics as m (metric_date, new_leads_count, contacted_count, qualified_count,
    closed_count, avg_response_time_hours, median_response_time_hours, avg_time_to_qualify_hours,
    contact_rate, qualification_rate, validation_accuracy, source_metrics, invalid_rows_count,
    invalid_rows, time_zone, computed_at)
  select c.*, now() from computed c
  on conflict (metric_date) do update set
    new_leads_count = excluded.new_leads_count,
    contacted_count = excluded.contacted_count,
    qualified_count = excluded.qualified_count,
    closed_count = excluded.closed_count,
    avg_response_time_hours = excluded.avg_response_time_hours,
    median_response_time_hours = excluded.median_response_time_hours,
    avg_time_to_qualify_hours = excluded.avg_time_to_qualify_hours,
    contact_rate = excluded.contact_rate,
    qualification_rate = excluded.qualification_rate,
    validation_accuracy = excluded.validation_accuracy,
    source_metrics = excluded.source_metrics,
    invalid_rows_count = excluded.invalid_rows_count,
    invalid_rows = excluded.invalid_rows,
    time_zone = excluded.time_zone,
    computed_at = excluded.computed_at
  where (m.new_leads_count, m.contacted_count, m.qualified_count, m.closed_count,
         m.avg_response_time_hours, m.median_response_time_hours, m.avg_time_to_qualify_hours,
         m.contact_rate, m.qualification_rate, m.validation_accuracy, m.source_metrics,
         m.invalid_rows_count, m.invalid_rows, m.time_zone)
    is distinct from
        (excluded.new_leads_count, excluded.contacted_count, excluded.qualified_count, excluded.closed_count,
         excluded.avg_response_time_hours, excluded.median_response_time_hours, excluded.avg_time_to_qualify_hours,
         excluded.contact_rate, excluded.qualification_rate, excluded.validation_accuracy, excluded.source_metrics,
         excluded.invalid_rows_count, excluded.invalid_rows, excluded.time_zone);

  select to_jsonb(m) into v_result from public.lh_daily_metrics m where m.metric_date = p_date;
  return v_result;
end
$$;

comment on function public.lh_update_daily_metrics(date, text, integer) is
  'Computes and upserts lh_daily_metrics for one day in the business time zone (lh_settings.business_time_zone). Idempotent.';

revoke all on function public.lh_update_daily_metrics(date, text, integer) from public;
revoke all on function public.lh_is_time_zone(text) from public;
revoke all on function public.lh_business_time_zone(text, text) from public;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    revoke all on function public.lh_update_daily_metrics(date, text, integer) from anon;
    revoke all on function public.lh_is_time_zone(text) from anon;
    revoke all on function public.lh_business_time_zone(text, text) from anon;
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    revoke all on function public.lh_update_daily_metrics(date, text, integer) from authenticated;
    revoke all on function public.lh_is_time_zone(text) from authenticated;
    revoke all on function public.lh_business_time_zone(text, text) from authenticated;
  end if;
end
$$;
