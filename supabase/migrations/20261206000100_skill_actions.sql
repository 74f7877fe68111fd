-- Skills that act, part 1: the action queue and instant-responder (issue 13).
--
-- Why: a spawned skill was a row. Nothing acted on it, so in a real deployment the treatment group was handled
-- exactly like control and every test was an A/A test. The engine now says, per lead, what to do; the other
-- services (ingestion, the agents' tools, n8n workflows) carry it out and say when it is done.
--
-- The contract (other services rely on these names; README "Skill actions"):
-- - lh_skill_actions: one row per thing to do for one lead. Generating twice creates nothing new (unique on
--   skill, lead, action and step).
-- - lh_claim_skill_actions(worker, max_actions, actions default null): claims due pending actions with
--   FOR UPDATE SKIP LOCKED (as pg-boss and graphile-worker do) and returns them, so any number of consumers
--   never get the same action; a claim not completed within the visibility timeout returns to pending.
-- - lh_complete_skill_action(id, result): marks a claimed action done.
-- - lh_generate_skill_actions(now): the set-based tick (the worker runs it every minute; `worker --once` and the
--   daily job too): assigns pending leads, writes the actions of every skill that applies, cancels what no
--   longer applies. Idempotent and safe to run twice at once.
-- Who gets actions: leads in the treatment group of a skill's running test (never control); after KEEP, every
-- lead created after the decision (the rollout); after KILL, the skill's pending actions are cancelled.
-- Skills implemented here: instant-responder (auto_reply at once, channel sms when the contact has a phone,
-- else email; call_now 5 minutes after the lead unless it is contacted by then). The other four skills come
-- with their own migrations; their action names are already allowed.

create table if not exists public.lh_skill_actions (
  id bigint generated always as identity primary key,
  skill_id bigint not null references public.lh_spawned_skills (id) on delete cascade,
  -- null for a rollout (the skill was kept: every new lead gets it); no foreign keys to tests and leads, as
  -- lh_ab_assignments: other services write leads out of order, and truncating them must stay possible
  -- (the drop triggers below remove a deleted lead's or test's actions)
  test_id bigint,
  lead_id bigint not null,
  action text not null check (action in ('auto_reply', 'call_now', 'prioritise', 'follow_up', 'revalidate', 'nurture')),
  -- tells apart repeated actions of one kind for one lead (follow_up day 1, 3, 7, 14); '' when there is one
  step text not null default '',
  due_at timestamptz not null check (pg_catalog.isfinite(due_at)),
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'claimed', 'done', 'expired', 'cancelled')),
  claimed_by text,
  claimed_at timestamptz,
  done_at timestamptz,
  result jsonb,
  created_at timestamptz not null default now(),
  constraint lh_skill_actions_claimed_has_worker check (status <> 'claimed' or (claimed_by is not null and claimed_at is not null)),
  constraint lh_skill_actions_done_has_time check (status <> 'done' or done_at is not null),
  constraint lh_skill_actions_once unique (skill_id, lead_id, action, step)
);
comment on table public.lh_skill_actions is
  'What to do for one lead because of one skill (its test''s treatment group, or its rollout after KEEP). Claimed with lh_claim_skill_actions, completed with lh_complete_skill_action.';
-- the claim: due pending actions in due order
create index if not exists lh_skill_actions_due on public.lh_skill_actions (due_at, id) where status = 'pending';
-- claims past their visibility timeout
create index if not exists lh_skill_actions_claimed on public.lh_skill_actions (claimed_at) where status = 'claimed';
-- a lead's actions (lh_lead_playbook, the drop trigger, cancelling call_now once contacted)
create index if not exists lh_skill_actions_lead on public.lh_skill_actions (lead_id);
create index if not exists lh_skill_actions_test on public.lh_skill_actions (test_id) where test_id is not null;

-- ---------------------------------------------------------------- a deleted lead or test takes its actions
create or replace function public.lh_skill_actions_drop() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    if tg_table_name = 'lh_ab_tests' then
      delete from public.lh_skill_actions a where a.test_id is not null;
    else
      truncate public.lh_skill_actions;
    end if;
  elsif tg_table_name = 'lh_ab_tests' then
    delete from public.lh_skill_actions a where a.test_id in (select g.id from lh_gone g);
  else
    delete from public.lh_skill_actions a where a.lead_id in (select g.id from lh_gone g);
  end if;
  return null;
end
$$;

drop trigger if exists lh_ab_tests_drop_actions_on_delete on public.lh_ab_tests;
create trigger lh_ab_tests_drop_actions_on_delete after delete on public.lh_ab_tests
  referencing old table as lh_gone for each statement execute function public.lh_skill_actions_drop();
drop trigger if exists lh_ab_tests_drop_actions_on_truncate on public.lh_ab_tests;
create trigger lh_ab_tests_drop_actions_on_truncate after truncate on public.lh_ab_tests
  for each statement execute function public.lh_skill_actions_drop();
drop trigger if exists lh_lead_status_drop_actions_on_delete on public.lh_lead_status;
create trigger lh_lead_status_drop_actions_on_delete after delete on public.lh_lead_status
  referencing old table as lh_gone for each statement execute function public.lh_skill_actions_drop();
drop trigger if exists lh_lead_status_drop_actions_on_truncate on public.lh_lead_status;
create trigger lh_lead_status_drop_actions_on_truncate after truncate on public.lh_lead_status
  for each statement execute function public.lh_skill_actions_drop();

-- ---------------------------------------------------------------- KILL cancels what is still to do
create or replace function public.lh_skill_actions_cancel_on_kill() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.lh_skill_actions a set status = 'cancelled'
   where a.skill_id = new.id and a.status in ('pending', 'claimed');
  return null;
end
$$;
drop trigger if exists lh_spawned_skills_cancel_actions_on_kill on public.lh_spawned_skills;
create trigger lh_spawned_skills_cancel_actions_on_kill
  after update of status on public.lh_spawned_skills
  for each row when (new.status = 'killed' and old.status is distinct from 'killed')
  execute function public.lh_skill_actions_cancel_on_kill();

-- ---------------------------------------------------------------- claim and complete
-- Returns up to p_max_actions due pending actions (p_actions: only these kinds), claimed by p_worker at p_now.
-- First, claims older than p_visibility return to pending (their consumer died or gave up). SKIP LOCKED: two
-- consumers claiming at once each get different rows, never the same one, and neither waits for the other.
create or replace function public.lh_claim_skill_actions(
  p_worker text, p_max_actions integer, p_actions text[] default null,
  p_now timestamptz default now(), p_visibility interval default interval '5 minutes'
) returns setof public.lh_skill_actions
language plpgsql
set search_path = ''
as $$
begin
  if p_worker is null or pg_catalog.btrim(p_worker) = '' then
    raise exception 'lh_claim_skill_actions: the worker name must not be empty' using errcode = '22023';
  end if;
  if p_max_actions is null or p_max_actions < 1 or p_max_actions > 10000 then
    raise exception 'lh_claim_skill_actions: max_actions must be between 1 and 10000, got %', p_max_actions using errcode = '22023';
  end if;
  if p_now is null or not pg_catalog.isfinite(p_now) then
    raise exception 'lh_claim_skill_actions: now must be a finite timestamp, got %', p_now using errcode = '22023';
  end if;
  if p_visibility is null or p_visibility <= interval '0' then
    raise exception 'lh_claim_skill_actions: the visibility timeout must be positive, got %', p_visibility using errcode = '22023';
  end if;

  update public.lh_skill_actions a
     set status = 'pending', claimed_by = null, claimed_at = null
   where a.id in (select x.id from public.lh_skill_actions x
                   where x.status = 'claimed' and x.claimed_at <= p_now - p_visibility
                   for update skip locked);

  return query
  with picked as (
    select x.id from public.lh_skill_actions x
     where x.status = 'pending' and x.due_at <= p_now and (p_actions is null or x.action = any (p_actions))
     order by x.due_at, x.id
     limit p_max_actions
     for update skip locked
  )
  update public.lh_skill_actions a
     set status = 'claimed', claimed_by = p_worker, claimed_at = p_now
    from picked
   where a.id = picked.id
  returning a.*;
end
$$;

-- Marks a claimed action done with its result. Done twice with the same result is a no-op (a retried HTTP
-- call); an action that is not claimed (pending again after its timeout, cancelled, unknown) is an error the
-- consumer can act on.
create or replace function public.lh_complete_skill_action(p_id bigint, p_result jsonb default '{}'::jsonb, p_now timestamptz default now())
returns public.lh_skill_actions
language plpgsql
set search_path = ''
as $$
declare
  v_row public.lh_skill_actions;
begin
  select * into v_row from public.lh_skill_actions a where a.id = p_id for update;
  if not found then
    raise exception 'lh_complete_skill_action: no action %', p_id using errcode = 'P0002';
  end if;
  if v_row.status = 'done' then
    return v_row;
  end if;
  if v_row.status <> 'claimed' then
    raise exception 'lh_complete_skill_action: action % is %, not claimed (claim it again, or leave it: a cancelled action must not be carried out)',
      p_id, v_row.status using errcode = '55000';
  end if;
  update public.lh_skill_actions a set status = 'done', done_at = p_now, result = coalesce(p_result, '{}'::jsonb)
   where a.id = p_id returning * into v_row;
  return v_row;
end
$$;

-- ---------------------------------------------------------------- generation (the tick)
-- Who a skill acts for: the treatment group of its running test, or after KEEP (status active) every lead
-- created after the decision. One row per (skill, lead, test or null).
create or replace function public.lh_skill_targets(p_skill_type text, p_from timestamptz, p_to timestamptz)
returns table (skill_id bigint, test_id bigint, lead_id bigint)
language sql stable
set search_path = ''
as $$
  select s.id, t.id, a.lead_id
    from public.lh_spawned_skills s
    join public.lh_ab_tests t on t.skill_id = s.id and t.status = 'running'
    join public.lh_ab_assignments a on a.test_id = t.id and a.ab_group = 'treatment'
    join public.lh_lead_status l on l.id = a.lead_id and l.created_at >= p_from and l.created_at < p_to
   where s.skill_type = p_skill_type and s.status = 'testing'
     and (s.segment is null or coalesce(nullif(l.source, ''), 'unknown') = s.segment)
  union all
  select s.id, null::bigint, l.id
    from public.lh_spawned_skills s
    join public.lh_lead_status l on l.created_at >= greatest(p_from, s.decision_made_at) and l.created_at < p_to
   where s.skill_type = p_skill_type and s.status = 'active'
     and (s.segment is null or coalesce(nullif(l.source, ''), 'unknown') = s.segment)
$$;

-- The tick: leads created in the last p_lookback before p_now (an index range on created_at, never the whole
-- table). Returns what it did as jsonb: {assigned, created: {action: n}, cancelled}.
create or replace function public.lh_generate_skill_actions(p_now timestamptz default now(), p_lookback interval default interval '2 days')
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_assigned integer;
  v_auto integer;
  v_call integer;
  v_cancelled integer;
  v_from timestamptz;
begin
  if p_now is null or not pg_catalog.isfinite(p_now) then
    raise exception 'lh_generate_skill_actions: now must be a finite timestamp, got %', p_now using errcode = '22023';
  end if;
  v_from := p_now - p_lookback;
  -- leads that arrived with the assignment trigger off get their groups first (set-based, idempotent)
  v_assigned := public.lh_assign_pending_leads(p_now);

  -- instant-responder: auto_reply at once, on the contact's channel
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'auto_reply', '', l.created_at,
         pg_catalog.jsonb_build_object('channel', case when nullif(pg_catalog.btrim(c.phone), '') is not null then 'sms' else 'email' end,
           'to', coalesce(nullif(pg_catalog.btrim(c.phone), ''), c.email))
    from public.lh_skill_targets('instant-responder', v_from, p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
    left join public.lh_contacts c on c.id = l.contact_id
   where l.contacted_at is null
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_auto = row_count;

  -- instant-responder: call_now 5 minutes after the lead, unless contacted by then
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'call_now', '', l.created_at + interval '5 minutes',
         pg_catalog.jsonb_build_object('phone', nullif(pg_catalog.btrim(c.phone), ''), 'reason', 'not contacted within 5 minutes')
    from public.lh_skill_targets('instant-responder', v_from, p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
    left join public.lh_contacts c on c.id = l.contact_id
   where l.contacted_at is null
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_call = row_count;

  -- what no longer applies: a lead contacted since needs no auto-reply or call
  update public.lh_skill_actions a set status = 'cancelled'
    from public.lh_lead_status l
   where a.lead_id = l.id and a.status = 'pending' and a.action in ('auto_reply', 'call_now')
     and l.contacted_at is not null and a.due_at >= v_from;
  get diagnostics v_cancelled = row_count;

  return pg_catalog.jsonb_build_object('assigned', v_assigned,
    'created', pg_catalog.jsonb_build_object('auto_reply', v_auto, 'call_now', v_call), 'cancelled', v_cancelled);
end
$$;

select public.lh_revoke_client_execute('public.lh_skill_actions_drop()', 'public.lh_skill_actions_cancel_on_kill()',
  'public.lh_claim_skill_actions(text, integer, text[], timestamptz, interval)',
  'public.lh_complete_skill_action(bigint, jsonb, timestamptz)',
  'public.lh_skill_targets(text, timestamptz, timestamptz)', 'public.lh_generate_skill_actions(timestamptz, interval)');

-- ---------------------------------------------------------------- privileges
-- Internal tables: RLS on without a permissive policy, nothing for PUBLIC / anon / authenticated on the table
-- or its identity sequence (Supabase's default privileges in schema public grant both; the client roles reach
-- the data only through the authenticated edge functions). Written once here for every table from now on,
-- instead of the block each earlier migration repeated.
create or replace function public.lh_revoke_client_table(variadic p_tables pg_catalog.regclass[]) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_table pg_catalog.regclass;
  v_seq text;
  v_role text;
begin
  foreach v_table in array p_tables loop
    execute pg_catalog.format('alter table %s enable row level security', v_table);
    foreach v_role in array array['public', 'anon', 'authenticated'] loop
      if v_role = 'public' or exists (select 1 from pg_catalog.pg_roles r where r.rolname = v_role) then
        execute pg_catalog.format('revoke all on %s from %s', v_table, case when v_role = 'public' then 'public' else pg_catalog.quote_ident(v_role) end);
        -- the sequences the table owns (identity and serial columns)
        for v_seq in
          select d.objid::pg_catalog.regclass::text from pg_catalog.pg_depend d
           where d.refobjid = v_table and d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
             and d.deptype in ('a', 'i')
             and exists (select 1 from pg_catalog.pg_class c where c.oid = d.objid and c.relkind = 'S')
        loop
          execute pg_catalog.format('revoke all on sequence %s from %s', v_seq, case when v_role = 'public' then 'public' else pg_catalog.quote_ident(v_role) end);
        end loop;
      end if;
    end loop;
  end loop;
end
$$;
select public.lh_revoke_client_execute('public.lh_revoke_client_table(pg_catalog.regclass[])');
select public.lh_revoke_client_table('public.lh_skill_actions');
