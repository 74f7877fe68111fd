-- One definition of a lead's facts as of an instant (issue 10; docs/design.md §2 "Metric definitions").
--
-- Until now a lead's validity was written three times, and the three disagreed: the daily metrics kept
-- implausible delays out of averages, the detection input and the A/B outcome did not; a status without its
-- timestamp was excluded by detection but counted by the A/B outcome; an infinite timestamp made every one
-- of them fail ("cannot subtract infinite timestamps"). So a bottleneck's current_value, which sizes a
-- test, was not what the test then measured. From here on, lh_lead_facts(lead, as_of) is the only place
-- that turns a row of lh_lead_status into facts: lh_update_daily_metrics, every detection query and every
-- A/B outcome query read it.
--
-- Also here:
-- - the settings these facts depend on are validated by one rule per key (lh_setting_problem), with the
--   key and the value in the message, instead of a bare cast error or a silent null average;
-- - non-finite timestamps are refused at the door by CHECK constraints (NOT VALID: rows written before
--   this migration stay, and the facts count them as invalid);
-- - a segment (a lead source) of any length fits the unique indexes: they index its md5, not the text
--   (a 10,000-character source made every daily run fail with "index row requires 10040 bytes").

-- ---------------------------------------------------------------- settings: one rule per key
-- The problem with a stored setting value, or null when it is fine. Scalar keys are checked completely;
-- the JSON documents (detection, spawning, decision) are checked here for their shape (a JSON object) and
-- by the application's schema for their content (src/jobs/settings.ts), before a job writes anything.
create or replace function public.lh_setting_problem(p_key text, p_value text) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  v_doc jsonb;
begin
  if p_value is null then
    return format('lh_settings.%s is null: store a value or delete the row to use the default', p_key);
  end if;
  case p_key
    when 'max_plausible_delay_days', 'source_window_days' then
      if p_value !~ '^\s*[0-9]{1,5}\s*$' or pg_catalog.btrim(p_value)::integer not between 1 and 36500 then
        return format('lh_settings.%s must be a whole number of days from 1 to 36500, got %L', p_key, p_value);
      end if;
    when 'business_time_zone' then
      -- IANA names only. PostgreSQL also accepts POSIX strings such as 'UTC+5', which it reads with the
      -- POSIX sign convention (hours WEST of Greenwich: 'UTC+5' is UTC−5), a silent five-hour shift of
      -- every metric day; the worker's Intl clock refuses them. pg_timezone_names lists the IANA database.
      if not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = p_value) then
        return format('lh_settings.business_time_zone must be an IANA time zone name such as Europe/Berlin or UTC, got %L%s',
          p_value,
          case when p_value ~ '^[A-Za-z]{3,}[+-][0-9]' then
            ' (a POSIX offset: PostgreSQL would read it as hours WEST of UTC, the opposite of what it seems to say;'
            || ' for a fixed offset use Etc/GMT-5 for UTC+5, or better a city name)'
          else '' end);
      end if;
    when 'detection', 'spawning', 'decision' then
      begin
        v_doc := p_value::jsonb;
      exception when invalid_text_representation then
        return format('lh_settings.%s is not valid JSON: store an object such as {}', p_key);
      end;
      if pg_catalog.jsonb_typeof(v_doc) <> 'object' then
        return format('lh_settings.%s must be a JSON object, got a JSON %s', p_key, pg_catalog.jsonb_typeof(v_doc));
      end if;
    else
      return format('lh_settings has an unknown key %L (known: business_time_zone, source_window_days, '
        || 'max_plausible_delay_days, detection, spawning, decision): a mistyped key would be silently ignored', p_key);
  end case;
  return null;
end
$$;
comment on function public.lh_setting_problem(text, text) is
  'The problem with one lh_settings value (key and value named), or null when it is valid.';

-- Every problem of the stored settings, one row each; the jobs refuse to start while any is left.
create or replace function public.lh_settings_problems() returns table (key text, problem text)
language sql stable
set search_path = ''
as $$
  -- each row checked once (a time zone check reads pg_timezone_names, tens of milliseconds)
  with p as materialized (
    select s.key, public.lh_setting_problem(s.key, s.value) as problem from public.lh_settings s
  )
  select p.key, p.problem from p where p.problem is not null order by p.key
$$;

-- A validated scalar setting (null when the row is absent); a bad value raises with the key and the value.
create or replace function public.lh_setting_value(p_key text) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  v_value text;
  v_problem text;
begin
  select s.value into v_value from public.lh_settings s where s.key = p_key;
  if not found then
    return null;
  end if;
  v_problem := public.lh_setting_problem(p_key, v_value);
  if v_problem is not null then
    raise exception '%', v_problem using errcode = '22023';
  end if;
  return pg_catalog.btrim(v_value);
end
$$;

-- The longest delay (created → contacted, contacted → qualified) a lead may have and still be believed.
create or replace function public.lh_max_plausible_delay() returns interval
language sql stable
set search_path = ''
as $$
  select pg_catalog.make_interval(days => coalesce(public.lh_setting_value('max_plausible_delay_days'), '90')::integer)
$$;

-- ---------------------------------------------------------------- the door: finite timestamps only
-- 'infinity' / '-infinity' are valid timestamptz values that no lead event can have. NOT VALID: new and
-- updated rows are checked; rows already stored are left alone (and counted invalid by lh_lead_facts).
alter table public.lh_lead_status
  add constraint lh_lead_status_finite_times check (
    pg_catalog.isfinite(created_at)
    and (contacted_at is null or pg_catalog.isfinite(contacted_at))
    and (qualified_at is null or pg_catalog.isfinite(qualified_at))
    and (closed_at is null or pg_catalog.isfinite(closed_at))) not valid;
alter table public.lh_validation_history
  add constraint lh_validation_history_finite_time check (validated_at is null or pg_catalog.isfinite(validated_at)) not valid;
alter table public.lh_feedback_log
  add constraint lh_feedback_log_finite_time check (created_at is null or pg_catalog.isfinite(created_at)) not valid;

-- ---------------------------------------------------------------- the facts
-- Every reason a lead can be invalid, in the order lh_lead_facts reports them; lh_daily_metrics.invalid_rows
-- and the analysis' exclusions have one count per reason.
create or replace function public.lh_lead_invalid_reasons() returns text[]
language sql immutable parallel safe
as $$
  select array['non_finite_time', 'contacted_before_created', 'qualified_before_contacted',
               'closed_before_created', 'missing_timestamp', 'unknown_status', 'implausible_delay']::text[]
$$;

-- The facts of one lead as of p_as_of, with p_max_delay = lh_max_plausible_delay() (the caller reads it
-- once per statement, e.g. in a one-row CTE, and passes the value: a sub-select here would be copied into
-- every expression that uses it). Called per row, laterally, by queries that choose their leads with
-- their own (indexed) filters on lh_lead_status:
--   from public.lh_lead_status l cross join lateral public.lh_lead_facts(l, $as_of, b.max_delay) f
-- It is LANGUAGE sql, STABLE, without SET or SECURITY DEFINER, and one SELECT, so PostgreSQL inlines it
-- into the caller (no call per row; EXPLAIN in bench/README.md); hence every name is schema-qualified.
-- Columns:
--   source          the normalised source ('' and null read 'unknown')
--   created_at      when the lead was created (null when not finite)
--   contacted_at, qualified_at, closed_at: the event if it happened at or before p_as_of (finite only)
--   converted_at    the first of qualified_at and closed_at
--   invalid_reasons every problem of the row (empty when none); has_problem = it is not empty
--   is_valid        the lead can be measured: no problem other than missing_timestamp (a status written
--                   without its time still says what happened, as the original examples' inserts do; it
--                   only cannot be placed on a day nor timed)
--     non_finite_time             a timestamp is ±infinity (written before the constraint existed)
--     contacted_before_created, closed_before_created
--     qualified_before_contacted  qualified, and as of p_as_of not contacted before it (or not at all)
--     missing_timestamp           the status says contacted/qualified/closed but its timestamp is null
--     unknown_status              a status outside new|contacted|qualified|closed|lost
--     implausible_delay           created → contacted or contacted → qualified longer than
--                                 lh_settings.max_plausible_delay_days (default 90)
--   contacted, converted  the event happened as of p_as_of, or the status says so and its time is missing
--                   (converted = qualified or closed)
--   response_hours   created → contacted, valid leads only
--   qualify_hours    contacted → qualified, valid leads only
-- An invalid lead still counts as an event of its day and as a unit of randomisation (SRM), but never in
-- an average, a rate's cohort or a test's outcome; every problem, missing_timestamp included, is counted.
create or replace function public.lh_lead_facts(p_lead public.lh_lead_status, p_as_of timestamptz, p_max_delay interval)
returns table (
  source text,
  created_at timestamptz,
  contacted_at timestamptz,
  qualified_at timestamptz,
  closed_at timestamptz,
  converted_at timestamptz,
  invalid_reasons text[],
  is_valid boolean,
  has_problem boolean,
  contacted boolean,
  converted boolean,
  response_hours double precision,
  qualify_hours double precision
)
language sql stable parallel safe
as $$
  -- Each column is an expression over the row that the caller's query evaluates where it uses it (the
  -- function is inlined, and PostgreSQL does not share sub-expressions), so the rules are written on the
  -- raw columns wherever that says the same as the as-of times, keeping every copy small:
  -- "contacted before created" needs no as-of (the contact then precedes the lead's own existence), and
  -- "qualified before contacted, as of t" is "qualified by t and before the contact time". A non-finite
  -- time never compares as an event: 'infinity' is after every instant, '-infinity' is refused as one.
  select t.source,
    case when t.created_ok then p_lead.created_at end,
    case when t.contacted then p_lead.contacted_at end,
    case when t.qualified then p_lead.qualified_at end,
    case when t.closed then p_lead.closed_at end,
    case when t.qualified or t.closed then least(case when t.qualified then p_lead.qualified_at end,
                                                  case when t.closed then p_lead.closed_at end) end,
    pg_catalog.array_remove(array[
      case when v.non_finite then 'non_finite_time' end,
      case when v.bad_contact then 'contacted_before_created' end,
      case when v.bad_qualify then 'qualified_before_contacted' end,
      case when v.bad_close then 'closed_before_created' end,
      case when t.missing_ts then 'missing_timestamp' end,
      case when t.unknown_status then 'unknown_status' end,
      case when v.implausible then 'implausible_delay' end
    ]::text[], null),
    v.ok,
    not v.ok or t.missing_ts,
    t.contacted or t.contact_by_status,
    t.qualified or t.closed or t.convert_by_status,
    -- differences of epochs (float8, exact to the microsecond for any real date), not an interval per row
    case when v.ok and t.contacted
      then (pg_catalog.date_part('epoch', p_lead.contacted_at) - pg_catalog.date_part('epoch', p_lead.created_at)) / 3600.0 end,
    case when v.ok and t.qualified and t.contacted
      then (pg_catalog.date_part('epoch', p_lead.qualified_at) - pg_catalog.date_part('epoch', p_lead.contacted_at)) / 3600.0 end
  from (
    select coalesce(nullif(p_lead.source, ''), 'unknown') as source,
      pg_catalog.isfinite(p_lead.created_at) as created_ok,
      -- the event happened at or before p_as_of (a finite time)
      coalesce(p_lead.contacted_at <= p_as_of and p_lead.contacted_at > '-infinity', false) as contacted,
      coalesce(p_lead.qualified_at <= p_as_of and p_lead.qualified_at > '-infinity', false) as qualified,
      coalesce(p_lead.closed_at <= p_as_of and p_lead.closed_at > '-infinity', false) as closed,
      (p_lead.contacted_at is null and p_lead.status in ('contacted', 'qualified', 'closed')) as contact_by_status,
      (p_lead.qualified_at is null and p_lead.closed_at is null and p_lead.status in ('qualified', 'closed')) as convert_by_status,
      ((p_lead.status in ('contacted', 'qualified', 'closed') and p_lead.contacted_at is null)
        or (p_lead.status = 'qualified' and p_lead.qualified_at is null)
        or (p_lead.status = 'closed' and p_lead.closed_at is null)) as missing_ts,
      (p_lead.status is null or p_lead.status not in ('new', 'contacted', 'qualified', 'closed', 'lost')) as unknown_status
  ) t
  cross join lateral (
    select f.*, not (f.non_finite or f.bad_contact or f.bad_qualify or f.bad_close or t.unknown_status or f.implausible) as ok
    from (
      select
        not (coalesce(pg_catalog.isfinite(p_lead.created_at), false)
          and coalesce(pg_catalog.isfinite(p_lead.contacted_at), true)
          and coalesce(pg_catalog.isfinite(p_lead.qualified_at), true)
          and coalesce(pg_catalog.isfinite(p_lead.closed_at), true)) as non_finite,
        coalesce(p_lead.contacted_at < p_lead.created_at, false) as bad_contact,
        -- qualified before it was created, or (by p_as_of) before its contact: a contact made only after the
        -- qualification, or not made yet
        coalesce(p_lead.qualified_at < p_lead.created_at
          or (t.qualified and p_lead.qualified_at < p_lead.contacted_at), false) as bad_qualify,
        coalesce(p_lead.closed_at < p_lead.created_at, false) as bad_close,
        -- timestamp + interval, not (timestamp − timestamp) > interval: no interval is built per row
        coalesce((t.contacted and p_lead.contacted_at > p_lead.created_at + p_max_delay)
          or (t.qualified and p_lead.qualified_at > coalesce(p_lead.contacted_at, p_lead.created_at) + p_max_delay), false) as implausible
    ) f
  ) v
$$;
comment on function public.lh_lead_facts(public.lh_lead_status, timestamptz, interval) is
  'The one definition of a lead''s facts as of an instant: normalised source, event times, validity with reasons, durations.';

-- ---------------------------------------------------------------- segments of any length
-- A btree entry holds at most ~2.7 kB; a source name is free text written by another service. The unique
-- indexes hold its md5 instead (the same uniqueness; ON CONFLICT names the same expression).
drop index public.lh_ab_tests_one_running_per_metric;
create unique index lh_ab_tests_one_running_per_metric
  on public.lh_ab_tests (metric_tracked, md5(coalesce(segment, ''))) where status = 'running';
drop index public.lh_detected_bottlenecks_day_type_segment;
create unique index lh_detected_bottlenecks_day_type_segment
  on public.lh_detected_bottlenecks (metric_date, bottleneck_type, md5(coalesce(segment, '')));

-- ---------------------------------------------------------------- the daily metrics read the facts
-- Same contract as before (docs/design.md §2); what changed: every fact comes from lh_lead_facts as of the
-- end of the day, so a lead's validity is the one the detection and the analysis use, a re-computation
-- later gives the same row (events after the day do not exist yet for it), a non-finite timestamp is an
-- invalid row instead of an error, and the two day-count settings are validated with a message that names
-- them. invalid_rows has one count per reason of lh_lead_invalid_reasons() (non_finite_time is new).
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
  v_window integer := coalesce(p_source_window_days, public.lh_setting_value('source_window_days')::integer, 30);
  v_max_delay interval := public.lh_max_plausible_delay();  -- a bad setting fails here, named, before any work
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
    select f.*,
      (f.created_at >= v_start and f.created_at < v_end) as is_new,
      (f.contacted_at >= v_start) as is_contacted,
      (f.qualified_at >= v_start) as is_qualified,
      (f.closed_at >= v_start) as is_closed
    from public.lh_lead_status l
    cross join lateral public.lh_lead_facts(l, v_end - interval '1 microsecond', v_max_delay) f
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
      (avg(response_hours) filter (where is_contacted))::double precision as avg_response_time_hours,
      (percentile_cont(0.5) within group (order by response_hours)
        filter (where is_contacted and response_hours is not null))::double precision as median_response_time_hours,
      (avg(qualify_hours) filter (where is_qualified))::double precision as avg_time_to_qualify_hours,
      count(*) filter (where has_problem)::integer as n_invalid
    from day_rows
  ),
  reasons as (
    select jsonb_object_agg(k.reason, coalesce(c.n, 0) order by k.ord) as invalid_rows
    from unnest(public.lh_lead_invalid_reasons()) with ordinality as k(reason, ord)
    left join (
      select r.reason, count(*)::integer as n
      from day_rows d cross join unnest(d.invalid_reasons) as r(reason)
      group by r.reason
    ) c on c.reason = k.reason
  ),
  source_agg as (
    select coalesce(jsonb_object_agg(src, jsonb_build_object(
        'leads', leads, 'new_today', new_today, 'contacted', contacted, 'converted', converted,
        'valid_leads', valid_leads,
        'conversion_rate', case when valid_leads > 0 then round(converted::numeric / valid_leads, 6)::double precision end
      ) order by src), '{}'::jsonb) as source_metrics
    from (
      select f.source as src,
        count(*)::integer as leads,
        count(*) filter (where f.created_at >= v_start)::integer as new_today,
        count(*) filter (where f.contacted)::integer as contacted,
        count(*) filter (where f.is_valid)::integer as valid_leads,
        count(*) filter (where f.is_valid and f.converted)::integer as converted
      from public.lh_lead_status l
      cross join lateral public.lh_lead_facts(l, v_end - interval '1 microsecond', v_max_delay) f
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
      r.invalid_rows,
      v_tz as time_zone
    from day_agg d cross join source_agg s cross join reasons r
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

select public.lh_revoke_client_execute(
  'public.lh_setting_problem(text,text)', 'public.lh_settings_problems()', 'public.lh_setting_value(text)',
  'public.lh_max_plausible_delay()', 'public.lh_lead_invalid_reasons()',
  'public.lh_lead_facts(public.lh_lead_status,timestamptz,interval)');
