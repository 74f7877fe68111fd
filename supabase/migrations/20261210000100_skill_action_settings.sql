-- Skill actions, part 4: their parameters in lh_settings, and the tick split into one function per skill
-- (issue 13).
--
-- Why: the business must be able to tune what a skill does without a migration (call after 10 minutes
-- instead of 5; follow up on days 2, 5 and 10), checked by the same rule the jobs apply before they start;
-- and each later change to one skill should restate that skill's function, not the whole tick.
--
-- lh_settings.skill_actions: a JSON object of overrides; every key it leaves out keeps its default
-- (lh_skill_action_defaults(), with the figures they come from):
--   callNowAfterMinutes  5               instant-responder: call when not contacted within this many minutes
--                                        (calling within 5 minutes instead of 30: 100x the odds of contact,
--                                        21x of qualifying; MIT / InsideSales Lead Response Management, 2007)
--   followUpDays         [1, 3, 7, 14]   follow-up-sequencer: days after the contact (the issue's cadence;
--                                        most contacts take several touches, so the first within a day)
--   followUpWindowDays   30              leads created this far back may still start a follow-up sequence
--   lookbackHours        48              the tick writes actions for leads of the last this many hours
--   expireAfterHours     24              a pending action this long past its due time expires
-- A bad document is refused by `lh-brain config set` and makes the jobs (and the tick) refuse to start, with
-- the key, the value and why (lh_setting_problem → lh_skill_action_params_problem).

-- ---------------------------------------------------------------- the parameters
create or replace function public.lh_skill_action_defaults() returns jsonb
language sql immutable
set search_path = ''
as $$
  select '{"callNowAfterMinutes": 5, "followUpDays": [1, 3, 7, 14], "followUpWindowDays": 30, "lookbackHours": 48, "expireAfterHours": 24}'::jsonb
$$;

-- Why a skill_actions document cannot be used, or null. Whole numbers in range; followUpDays strictly increasing.
create or replace function public.lh_skill_action_params_problem(p_doc jsonb) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  v_key text;
  v_value jsonb;
  v_range int[];
  v_prev integer := 0;
  v_day jsonb;
begin
  if p_doc is null or pg_catalog.jsonb_typeof(p_doc) <> 'object' then
    return pg_catalog.format('lh_settings.skill_actions must be a JSON object such as {"callNowAfterMinutes": 5}, got a JSON %s',
      coalesce(pg_catalog.jsonb_typeof(p_doc), 'null'));
  end if;
  for v_key, v_value in select e.key, e.value from pg_catalog.jsonb_each(p_doc) e loop
    v_range := case v_key
      when 'callNowAfterMinutes' then array[0, 1440]
      when 'followUpWindowDays' then array[1, 365]
      when 'lookbackHours' then array[1, 720]
      when 'expireAfterHours' then array[1, 720]
    end;
    if v_key = 'followUpDays' then
      if pg_catalog.jsonb_typeof(v_value) <> 'array' or pg_catalog.jsonb_array_length(v_value) not between 1 and 10 then
        return pg_catalog.format('lh_settings.skill_actions.followUpDays must be a list of 1 to 10 days such as [1, 3, 7, 14], got %s', v_value);
      end if;
      for v_day in select x.value from pg_catalog.jsonb_array_elements(v_value) x loop
        if pg_catalog.jsonb_typeof(v_day) <> 'number' or v_day::text::numeric <> pg_catalog.trunc(v_day::text::numeric)
           or v_day::text::numeric not between 1 and 365 or v_day::text::numeric <= v_prev then
          return pg_catalog.format('lh_settings.skill_actions.followUpDays must be whole days from 1 to 365 in increasing order, got %s', v_value);
        end if;
        v_prev := v_day::text::integer;
      end loop;
    elsif v_range is null then
      return pg_catalog.format('lh_settings.skill_actions has an unknown key %L (known: callNowAfterMinutes, followUpDays, '
        || 'followUpWindowDays, lookbackHours, expireAfterHours): a mistyped key would be silently ignored', v_key);
    elsif pg_catalog.jsonb_typeof(v_value) <> 'number' or v_value::text::numeric <> pg_catalog.trunc(v_value::text::numeric)
          or v_value::text::numeric not between v_range[1] and v_range[2] then
      return pg_catalog.format('lh_settings.skill_actions.%s must be a whole number from %s to %s, got %s', v_key, v_range[1], v_range[2], v_value);
    end if;
  end loop;
  return null;
end
$$;

-- The parameters the skills run with: the defaults, overridden by p_doc, or by the stored setting when p_doc is
-- null. A stored document that is not valid raises (22023) with the problem: the tick refuses, as the jobs do.
create or replace function public.lh_skill_action_params(p_doc jsonb default null) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_doc jsonb := p_doc;
  v_text text;
  v_problem text;
begin
  if v_doc is null then
    select s.value into v_text from public.lh_settings s where s.key = 'skill_actions';
    if v_text is null then
      return public.lh_skill_action_defaults();
    end if;
    v_problem := public.lh_setting_problem('skill_actions', v_text);
    if v_problem is not null then
      raise exception '%', v_problem using errcode = '22023';
    end if;
    v_doc := v_text::jsonb;
  else
    v_problem := public.lh_skill_action_params_problem(v_doc);
    if v_problem is not null then
      raise exception '%', v_problem using errcode = '22023';
    end if;
  end if;
  return public.lh_skill_action_defaults() || v_doc;
end
$$;

-- ---------------------------------------------------------------- the settings rule, restated with skill_actions
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
      -- IANA names only (see migration 20261201000100 for why POSIX offsets are refused)
      if not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = p_value) then
        return format('lh_settings.business_time_zone must be an IANA time zone name such as Europe/Berlin or UTC, got %L%s',
          p_value,
          case when p_value ~ '^[A-Za-z]{3,}[+-][0-9]' then
            ' (a POSIX offset: PostgreSQL would read it as hours WEST of UTC, the opposite of what it seems to say;'
            || ' for a fixed offset use Etc/GMT-5 for UTC+5, or better a city name)'
          else '' end);
      end if;
    when 'ab_assignment' then
      if pg_catalog.btrim(p_value) not in ('overlapping', 'exclusive') then
        return format('lh_settings.ab_assignment must be overlapping (a lead joins every running test it is eligible for) '
          || 'or exclusive (one test per lead), got %L', p_value);
      end if;
    when 'skill_actions' then
      begin
        v_doc := p_value::jsonb;
      exception when invalid_text_representation then
        return 'lh_settings.skill_actions is not valid JSON: store an object such as {"callNowAfterMinutes": 5}';
      end;
      return public.lh_skill_action_params_problem(v_doc);
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
        || 'max_plausible_delay_days, ab_assignment, detection, spawning, decision, skill_actions): a mistyped key would be silently ignored', p_key);
  end case;
  return null;
end
$$;
comment on function public.lh_setting_problem(text, text) is
  'The problem with one lh_settings value (key and value named), or null when it is valid.';

-- ---------------------------------------------------------------- one function per skill
-- instant-responder: auto_reply at once on the contact's channel; call_now callNowAfterMinutes after the lead
-- unless contacted by then. One pass over its targets for both. Returns {auto_reply, call_now}.
create or replace function public.lh_actions_instant_responder(p_from timestamptz, p_now timestamptz, p_params jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_auto integer;
  v_call integer;
  v_after integer := (p_params ->> 'callNowAfterMinutes')::integer;
begin
  with targets as (
    select g.skill_id, g.test_id, g.lead_id, l.created_at,
           nullif(pg_catalog.btrim(c.phone), '') as phone, c.email
      from public.lh_skill_targets('instant-responder', p_from, p_now) g
      join public.lh_lead_status l on l.id = g.lead_id
      left join public.lh_contacts c on c.id = l.contact_id
     where l.contacted_at is null
  ), auto as (
    insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
    select t.skill_id, t.test_id, t.lead_id, 'auto_reply', '', t.created_at,
           pg_catalog.jsonb_build_object('channel', case when t.phone is not null then 'sms' else 'email' end,
             'to', coalesce(t.phone, t.email))
      from targets t
    on conflict on constraint lh_skill_actions_once do nothing
    returning 1
  ), calls as (
    insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
    select t.skill_id, t.test_id, t.lead_id, 'call_now', '', t.created_at + pg_catalog.make_interval(mins => v_after),
           pg_catalog.jsonb_build_object('phone', t.phone, 'reason', pg_catalog.format('not contacted within %s minutes', v_after))
      from targets t
    on conflict on constraint lh_skill_actions_once do nothing
    returning 1
  )
  select (select pg_catalog.count(*) from auto)::integer, (select pg_catalog.count(*) from calls)::integer into v_auto, v_call;
  return pg_catalog.jsonb_build_object('auto_reply', v_auto, 'call_now', v_call);
end
$$;

-- follow-up-sequencer: followUpDays after the contact, for contacted leads not yet qualified, of leads created
-- in the last followUpWindowDays (the contact may come days after the lead); a step already past its expiry is
-- not written.
create or replace function public.lh_actions_follow_up(p_now timestamptz, p_params jsonb, p_expire_after interval)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_n integer;
begin
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'follow_up', 'day-' || d.day, l.contacted_at + d.day * interval '1 day',
         pg_catalog.jsonb_build_object('day', d.day, 'contactedAt', l.contacted_at, 'of', pg_catalog.jsonb_array_length(p_params -> 'followUpDays'))
    from public.lh_skill_targets('follow-up-sequencer',
           p_now - pg_catalog.make_interval(days => (p_params ->> 'followUpWindowDays')::integer), p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
   cross join lateral (select x.value::integer as day from pg_catalog.jsonb_array_elements_text(p_params -> 'followUpDays') x) d
   where l.contacted_at is not null and l.contacted_at <= p_now and l.status = 'contacted'
     and l.contacted_at + d.day * interval '1 day' >= p_now - p_expire_after
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;

-- source-optimizer: the weak source's leads go to the nurture sequence at once.
create or replace function public.lh_actions_nurture(p_from timestamptz, p_now timestamptz)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_n integer;
begin
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'nurture', '', l.created_at,
         pg_catalog.jsonb_build_object('sequence', 'nurture', 'source', s.segment,
           'reason', 'weak source: the slower, cheaper sequence instead of the full one')
    from public.lh_skill_targets('source-optimizer', p_from, p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
    join public.lh_spawned_skills s on s.id = g.skill_id
   where l.status in ('new', 'contacted')
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;

-- pattern-optimizer: revalidate with the thresholds in use (the skill's latest fit; none used: no action).
create or replace function public.lh_actions_revalidate(p_from timestamptz, p_now timestamptz)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_n integer;
begin
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'revalidate', '', l.created_at,
         pg_catalog.jsonb_build_object('thresholds', th.thresholds, 'fittedFor', th.fitted_for)
    from public.lh_skill_targets('pattern-optimizer', p_from, p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
    join lateral (
      select p.fitted_for, pg_catalog.jsonb_object_agg(p.pattern_name, p.threshold) as thresholds
        from public.lh_pattern_thresholds p
       where p.skill_id = g.skill_id and p.used
         and p.fitted_for = (select pg_catalog.max(q.fitted_for) from public.lh_pattern_thresholds q where q.skill_id = g.skill_id)
       group by p.fitted_for
    ) th on true
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;

-- What no longer applies: a lead contacted since needs no auto-reply or call; a lead qualified, closed or lost
-- needs no follow-up nor nurture (pending, or in a consumer's hands). Returns how many were cancelled.
create or replace function public.lh_cancel_stale_skill_actions(p_from timestamptz)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_contacted integer;
  v_ended integer;
begin
  update public.lh_skill_actions a set status = 'cancelled'
    from public.lh_lead_status l
   where a.lead_id = l.id and a.status = 'pending' and a.action in ('auto_reply', 'call_now')
     and l.contacted_at is not null and a.due_at >= p_from;
  get diagnostics v_contacted = row_count;
  update public.lh_skill_actions a set status = 'cancelled'
    from public.lh_lead_status l
   where a.lead_id = l.id and a.status in ('pending', 'claimed') and a.action in ('follow_up', 'nurture')
     and l.status in ('qualified', 'closed', 'lost');
  get diagnostics v_ended = row_count;
  return v_contacted + v_ended;
end
$$;

-- ---------------------------------------------------------------- the tick: the skills in turn
-- p_lookback and p_expire_after override lookbackHours and expireAfterHours of lh_settings.skill_actions.
drop function if exists public.lh_generate_skill_actions(timestamptz, interval, interval);
create or replace function public.lh_generate_skill_actions(
  p_now timestamptz default now(), p_lookback interval default null, p_expire_after interval default null
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_params jsonb;
  v_lookback interval;
  v_expire interval;
  v_assigned integer;
  v_instant jsonb;
  v_follow integer;
  v_nurture integer;
  v_revalidate integer;
  v_cancelled integer;
  v_expired integer;
  v_from timestamptz;
begin
  if p_now is null or not pg_catalog.isfinite(p_now) then
    raise exception 'lh_generate_skill_actions: now must be a finite timestamp, got %', p_now using errcode = '22023';
  end if;
  if p_lookback <= interval '0' or p_expire_after <= interval '0' then
    raise exception 'lh_generate_skill_actions: lookback and expire_after must be positive, got % and %', p_lookback, p_expire_after
      using errcode = '22023';
  end if;
  v_params := public.lh_skill_action_params();
  v_lookback := coalesce(p_lookback, pg_catalog.make_interval(hours => (v_params ->> 'lookbackHours')::integer));
  v_expire := coalesce(p_expire_after, pg_catalog.make_interval(hours => (v_params ->> 'expireAfterHours')::integer));
  v_from := p_now - v_lookback;
  -- leads that arrived with the assignment trigger off get their groups first (set-based, idempotent)
  v_assigned := public.lh_assign_pending_leads(p_now);

  v_instant := public.lh_actions_instant_responder(v_from, p_now, v_params);
  v_follow := public.lh_actions_follow_up(p_now, v_params, v_expire);
  v_nurture := public.lh_actions_nurture(v_from, p_now);
  v_revalidate := public.lh_actions_revalidate(v_from, p_now);
  v_cancelled := public.lh_cancel_stale_skill_actions(v_from);

  -- what nobody carried out in time: never claimed after this, counted by the report (index lh_skill_actions_due)
  update public.lh_skill_actions a set status = 'expired'
   where a.status = 'pending' and a.due_at < p_now - v_expire;
  get diagnostics v_expired = row_count;

  return pg_catalog.jsonb_build_object('assigned', v_assigned,
    'created', v_instant || pg_catalog.jsonb_build_object('follow_up', v_follow, 'nurture', v_nurture, 'revalidate', v_revalidate),
    'cancelled', v_cancelled, 'expired', v_expired);
end
$$;
comment on function public.lh_generate_skill_actions(timestamptz, interval, interval) is
  'The set-based tick: assigns pending leads, writes the actions of every skill that applies (one lh_actions_* function per skill, parameters from lh_settings.skill_actions), cancels what no longer applies, expires what nobody did in time. Idempotent; safe to run twice at once.';

select public.lh_revoke_client_execute(
  'public.lh_skill_action_defaults()', 'public.lh_skill_action_params_problem(jsonb)', 'public.lh_skill_action_params(jsonb)',
  'public.lh_actions_instant_responder(timestamptz, timestamptz, jsonb)', 'public.lh_actions_follow_up(timestamptz, jsonb, interval)',
  'public.lh_actions_nurture(timestamptz, timestamptz)', 'public.lh_actions_revalidate(timestamptz, timestamptz)',
  'public.lh_cancel_stale_skill_actions(timestamptz)', 'public.lh_generate_skill_actions(timestamptz, interval, interval)');
