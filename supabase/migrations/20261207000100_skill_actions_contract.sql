-- Skills that act, part 2: the per-lead playbook, expiry, the tick every minute (issue 13).
--
-- Why: services that handle one lead at a time (ingestion, an agent's tool) ask "what should I do for this
-- lead?" instead of pulling a queue; actions nobody carried out must not wait forever (a call_now a day late
-- is no longer a call within 5 minutes); and the instant-responder's actions must exist within a minute of
-- the lead's insert, on Supabase too, without an edge function: the tick is one SQL call.
--
-- The contract (README "Skill actions"):
-- - lh_lead_playbook(lead_id, now default now()) -> jsonb: every skill that applies to this lead now (the
--   treatment arms of its running tests, the active rollouts) with its actions for the lead; the tests that
--   hold the lead in control (nothing to do differently, by design). Who gets what is lh_skill_targets, the
--   one definition the tick uses too.
-- - lh_generate_skill_actions(now, lookback, expire_after default 1 day): as before, and a pending action due
--   more than expire_after ago becomes `expired` (never claimed; the report counts them). It now computes the
--   instant-responder's targets once per tick instead of once per action kind.
-- - lh_schedule_action_tick(schedule default '* * * * *'): the pg_cron job `lead-hunter-skill-actions`
--   running lh_generate_skill_actions() every minute; needs pg_cron only (no pg_net, no Vault). This migration
--   calls it, so on Supabase the tick runs from the first deploy; without pg_cron it is a clean skip and
--   `lh-brain worker` runs the tick instead. lh_unschedule_jobs() removes it with the other two.

-- ---------------------------------------------------------------- the tick, restated
drop function if exists public.lh_generate_skill_actions(timestamptz, interval);
create or replace function public.lh_generate_skill_actions(
  p_now timestamptz default now(), p_lookback interval default interval '2 days', p_expire_after interval default interval '1 day'
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_assigned integer;
  v_auto integer;
  v_call integer;
  v_cancelled integer;
  v_expired integer;
  v_from timestamptz;
begin
  if p_now is null or not pg_catalog.isfinite(p_now) then
    raise exception 'lh_generate_skill_actions: now must be a finite timestamp, got %', p_now using errcode = '22023';
  end if;
  if p_lookback is null or p_lookback <= interval '0' or p_expire_after is null or p_expire_after <= interval '0' then
    raise exception 'lh_generate_skill_actions: lookback and expire_after must be positive, got % and %', p_lookback, p_expire_after
      using errcode = '22023';
  end if;
  v_from := p_now - p_lookback;
  -- leads that arrived with the assignment trigger off get their groups first (set-based, idempotent)
  v_assigned := public.lh_assign_pending_leads(p_now);

  -- instant-responder: auto_reply at once on the contact's channel; call_now 5 minutes after the lead unless
  -- contacted by then. One pass over its targets for both.
  with targets as (
    select g.skill_id, g.test_id, g.lead_id, l.created_at,
           nullif(pg_catalog.btrim(c.phone), '') as phone, c.email
      from public.lh_skill_targets('instant-responder', v_from, p_now) g
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
    select t.skill_id, t.test_id, t.lead_id, 'call_now', '', t.created_at + interval '5 minutes',
           pg_catalog.jsonb_build_object('phone', t.phone, 'reason', 'not contacted within 5 minutes')
      from targets t
    on conflict on constraint lh_skill_actions_once do nothing
    returning 1
  )
  select (select pg_catalog.count(*) from auto)::integer, (select pg_catalog.count(*) from calls)::integer into v_auto, v_call;

  -- what no longer applies: a lead contacted since needs no auto-reply or call
  update public.lh_skill_actions a set status = 'cancelled'
    from public.lh_lead_status l
   where a.lead_id = l.id and a.status = 'pending' and a.action in ('auto_reply', 'call_now')
     and l.contacted_at is not null and a.due_at >= v_from;
  get diagnostics v_cancelled = row_count;

  -- what nobody carried out in time: never claimed after this, counted by the report (index lh_skill_actions_due)
  update public.lh_skill_actions a set status = 'expired'
   where a.status = 'pending' and a.due_at < p_now - p_expire_after;
  get diagnostics v_expired = row_count;

  return pg_catalog.jsonb_build_object('assigned', v_assigned,
    'created', pg_catalog.jsonb_build_object('auto_reply', v_auto, 'call_now', v_call),
    'cancelled', v_cancelled, 'expired', v_expired);
end
$$;
comment on function public.lh_generate_skill_actions(timestamptz, interval, interval) is
  'The set-based tick: assigns pending leads, writes the actions of every skill that applies to leads of the last lookback, cancels what no longer applies, expires what nobody did within expire_after. Idempotent; safe to run twice at once.';

-- ---------------------------------------------------------------- what to do for one lead
create or replace function public.lh_lead_playbook(p_lead_id bigint, p_now timestamptz default now())
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_lead public.lh_lead_status;
  v_skills jsonb;
  v_control jsonb;
begin
  if p_now is null or not pg_catalog.isfinite(p_now) then
    raise exception 'lh_lead_playbook: now must be a finite timestamp, got %', p_now using errcode = '22023';
  end if;
  select * into v_lead from public.lh_lead_status l where l.id = p_lead_id;
  if not found then
    raise exception 'lh_lead_playbook: no lead %', p_lead_id using errcode = 'P0002';
  end if;

  -- the skills that apply: lh_skill_targets over the instant of the lead's creation (an index range on
  -- created_at), for every skill type that is testing or active
  with applying as (
    select g.skill_id, g.test_id
      from (select distinct s.skill_type from public.lh_spawned_skills s where s.status in ('testing', 'active')) k
     cross join lateral public.lh_skill_targets(k.skill_type, v_lead.created_at, v_lead.created_at + interval '1 microsecond') g
     where g.lead_id = p_lead_id and v_lead.created_at <= p_now
  )
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'skillId', s.id, 'skillType', s.skill_type, 'skillName', s.skill_name, 'segment', s.segment,
           'via', case when ap.test_id is null then 'rollout' else 'test' end, 'testId', ap.test_id,
           'actions', coalesce((
             select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                      'id', a.id, 'action', a.action, 'step', a.step, 'dueAt', a.due_at, 'status', a.status,
                      'due', a.status = 'pending' and a.due_at <= p_now, 'payload', a.payload, 'result', a.result)
                    order by a.due_at, a.id)
               from public.lh_skill_actions a where a.lead_id = p_lead_id and a.skill_id = s.id), '[]'::jsonb))
           order by s.id), '[]'::jsonb)
    into v_skills
    from applying ap join public.lh_spawned_skills s on s.id = ap.skill_id;

  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'testId', t.id, 'skillId', s.id, 'skillType', s.skill_type, 'skillName', s.skill_name) order by t.id), '[]'::jsonb)
    into v_control
    from public.lh_ab_assignments a
    join public.lh_ab_tests t on t.id = a.test_id and t.status = 'running'
    join public.lh_spawned_skills s on s.id = t.skill_id
   where a.lead_id = p_lead_id and a.ab_group = 'control';

  return pg_catalog.jsonb_build_object('leadId', p_lead_id, 'asOf', p_now, 'skills', v_skills, 'control', v_control);
end
$$;
comment on function public.lh_lead_playbook(bigint, timestamptz) is
  'Every skill that applies to this lead now (treatment arms of running tests, active rollouts) with its actions for the lead, and the running tests that hold it in control.';

-- ---------------------------------------------------------------- the tick every minute under pg_cron
create or replace function public.lh_schedule_action_tick(p_schedule text default '* * * * *')
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_job bigint;
begin
  if pg_catalog.to_regprocedure('cron.schedule(text,text,text)') is null then
    raise notice 'lh_schedule_action_tick: pg_cron is not installed — nothing scheduled; run `lh-brain worker` instead';
    return pg_catalog.jsonb_build_object('status', 'skipped', 'reason', 'pg_cron is not installed');
  end if;
  -- a job name that exists is replaced, so re-running is idempotent
  execute 'select cron.schedule($1, $2, $3)' into v_job
    using 'lead-hunter-skill-actions', p_schedule, 'select public.lh_generate_skill_actions()';
  return pg_catalog.jsonb_build_object('status', 'scheduled', 'jobs', pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('jobid', v_job, 'name', 'lead-hunter-skill-actions', 'schedule', p_schedule)));
end
$$;
comment on function public.lh_schedule_action_tick(text) is
  'Schedules lh_generate_skill_actions() with pg_cron (job lead-hunter-skill-actions, every minute by default); a clean skip without pg_cron. Idempotent.';

create or replace function public.lh_unschedule_jobs() returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_count integer := 0;
begin
  if pg_catalog.to_regclass('cron.job') is null then
    return 0;
  end if;
  execute $q$select pg_catalog.count(cron.unschedule(j.jobid))::int from cron.job j
    where j.jobname in ('lead-hunter-daily-metrics', 'lead-hunter-ab-analysis', 'lead-hunter-skill-actions')$q$ into v_count;
  return v_count;
end
$$;
comment on function public.lh_unschedule_jobs() is 'Removes the pg_cron jobs of the engine (both edge functions and the skill-action tick) if present; returns how many were removed.';

select public.lh_revoke_client_execute('public.lh_generate_skill_actions(timestamptz, interval, interval)',
  'public.lh_lead_playbook(bigint, timestamptz)', 'public.lh_schedule_action_tick(text)', 'public.lh_unschedule_jobs()');

select public.lh_schedule_action_tick();
