-- Overlapping tests (issue 11 item 3; docs/design.md §4): a lead takes part in EVERY running test it is
-- eligible for, each test splitting it with its own hash, instead of in one test picked by the exclusion
-- hash. Why: with k tests running, exclusive assignment gives each test 1/k of the leads, and at tens of
-- leads a day that is what made tests run 20+ weeks. Overlap is the standard practice (Tang et al., "Overlapping
-- experiment infrastructure", KDD 2010; Kohavi, Tang & Xu, "Trustworthy Online Controlled Experiments",
-- ch. 4): the tests' hashes are independent, so each test's groups are balanced over the other tests'
-- groups and each test's estimate stays unbiased; what can go wrong is an INTERACTION (one skill changes what
-- another does), which the report checks for every pair of overlapping tests. Within one metric (and
-- segment) at most one test runs, as before (unique index lh_ab_tests_one_running_per_metric).
--
-- lh_settings.ab_assignment = 'exclusive' restores mutual exclusivity (the rule of migration
-- 20261125000400); 'overlapping' (the default, also when the row is absent) is the new rule.
--
-- Where assignments live: lh_ab_assignments (lead_id, test_id, ab_group, assigned_at), one row per lead and
-- test, primary key (lead_id, test_id). The analysis counts each test's leads from it.
-- lh_lead_status.ab_test_id / ab_test_group keep the lead's FIRST assignment (the lowest test id among those
-- it joined at once) for callers that read them. A group written there by another service (an insert or
-- update that gives ab_test_id and ab_test_group) is mirrored into lh_ab_assignments as given, with
-- ab_assigned_at as given (null when not given).
--
-- The rules, the same in every entry point (the generated insert trigger, lh_assign_ab_test, the set-based
-- lh_assign_pending_leads) and in the TypeScript twin (src/experiments/assignment.ts):
-- - Eligible: as before (running, started at or before the lead's creation, the lead's source = the
--   test's segment when it has one).
-- - A lead is assigned ONCE: at that moment it joins all its eligible tests (overlapping) or the one the
--   exclusion hash picks (exclusive). A lead already assigned (ab_test_id or ab_test_group set, or any row
--   in lh_ab_assignments) is never touched again, so switching the setting never pulls old leads into
--   more tests, and a lead another service assigned itself stays as that service decided.
-- - Group within a test: hash v2 of the test's seed, as before.
--
-- Why no foreign keys on lh_ab_assignments: the insert trigger writes a lead's rows BEFORE the lead row
-- exists (a BEFORE INSERT trigger is the only place that can also fill the lead's own columns), and a key
-- to lh_ab_tests would take a KEY SHARE lock on the few test rows in every ingesting transaction (see
-- migration 20261125001100). Instead, triggers delete the rows of deleted leads and deleted tests, and a
-- referenced test id cannot change.
-- One case is not covered: an INSERT … ON CONFLICT into lh_lead_status whose lead exists already runs the
-- BEFORE INSERT trigger for the proposed row; when that row's created_at or source differs from the stored
-- lead's, the assignment computed from it is written for the stored lead. Re-ingesting a lead with the same
-- creation time and source (the usual upsert) writes nothing new.

-- ---------------------------------------------------------------- the table
create table if not exists public.lh_ab_assignments (
  lead_id bigint not null,
  test_id bigint not null,
  ab_group text not null check (ab_group in ('control', 'treatment')),
  -- when the lead was assigned; null for a group another service wrote into lh_lead_status without a time
  assigned_at timestamptz check (assigned_at is null or pg_catalog.isfinite(assigned_at)),
  primary key (lead_id, test_id)
);
comment on table public.lh_ab_assignments is
  'Every lead''s group in every test it takes part in (overlapping tests). lh_lead_status.ab_test_id/ab_test_group hold the first one.';
-- the analysis reads one test's leads with their group (index-only)
create index if not exists lh_ab_assignments_test on public.lh_ab_assignments (test_id, lead_id) include (ab_group);

-- what there was: every lead with a test and a group
insert into public.lh_ab_assignments (lead_id, test_id, ab_group, assigned_at)
select l.id, l.ab_test_id, l.ab_test_group,
       case when l.ab_assigned_at is not null and pg_catalog.isfinite(l.ab_assigned_at) then l.ab_assigned_at end
from public.lh_lead_status l
where l.ab_test_id is not null and l.ab_test_group is not null
on conflict (lead_id, test_id) do nothing;

-- ---------------------------------------------------------------- the setting
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
        || 'max_plausible_delay_days, ab_assignment, detection, spawning, decision): a mistyped key would be silently ignored', p_key);
  end case;
  return null;
end
$$;

-- Whether tests are mutually exclusive (lh_settings.ab_assignment = 'exclusive'); a bad value raises.
create or replace function public.lh_ab_exclusive() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(public.lh_setting_value('ab_assignment'), 'overlapping') = 'exclusive'
$$;
comment on function public.lh_ab_exclusive() is
  'True when lh_settings.ab_assignment = ''exclusive'' (one test per lead); false by default (overlapping tests).';

-- ---------------------------------------------------------------- the rule for one lead
-- Every (test, group) a lead with this id, source and creation time gets now, in test id order; none when
-- no test is eligible. p_exclusive: the mode, read once by the caller (lh_ab_exclusive()).
create or replace function public.lh_ab_picks(p_lead_id bigint, p_source text, p_created_at timestamptz, p_exclusive boolean)
returns table (ab_test_id bigint, ab_test_group text)
language plpgsql stable parallel safe
as $$
declare
  v_pick record;
begin
  if p_lead_id is null then
    return;
  end if;
  if p_exclusive then
    v_pick := public.lh_ab_pick(p_lead_id, p_source, p_created_at);
    if v_pick.ab_test_id is not null then
      ab_test_id := v_pick.ab_test_id;
      ab_test_group := v_pick.ab_test_group;
      return next;
    end if;
    return;
  end if;
  return query
    select t.id,
      -- the group rule of lh_ab_pick, through the bucket function of migration 20261125000400
      case when public.lh_hash_v2_bucket(coalesce(t.hash_seed, 'lh-ab-' || t.id::text), p_lead_id::text)::double precision
                < t.traffic_allocation_pct::double precision * 100
           then 'treatment' else 'control' end
    from public.lh_ab_tests t
    where t.status = 'running' and t.started_at <= p_created_at and (t.segment is null or t.segment = p_source)
    order by t.id;
end
$$;
comment on function public.lh_ab_picks(bigint, text, timestamptz, boolean) is
  'Every running test (overlapping) or the one picked test (exclusive) and its group for a lead with this id, source and created_at, in id order. Writes nothing.';

-- ---------------------------------------------------------------- mirror what other services write
-- The check of migration 20261125001100 (an explicit ab_test_id must name a test), now also on a change
-- of the group alone, and mirroring an explicit (test, group) into lh_ab_assignments as given.
create or replace function public.lh_lead_status_check_ab_test() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform 1 from public.lh_ab_tests t where t.id = new.ab_test_id;
  if not found then
    raise exception 'insert or update on table "lh_lead_status" violates lh_lead_status_ab_test_fk: ab_test_id % is not a test in lh_ab_tests', new.ab_test_id
      using errcode = '23503', constraint = 'lh_lead_status_ab_test_fk', table = 'lh_lead_status', column = 'ab_test_id',
            hint = 'Assign with lh_assign_ab_test(lead id) or the insert trigger, or give the id of an existing test.';
  end if;
  if new.ab_test_group is not null then
    insert into public.lh_ab_assignments as a (lead_id, test_id, ab_group, assigned_at)
    values (new.id, new.ab_test_id, new.ab_test_group,
            case when new.ab_assigned_at is not null and pg_catalog.isfinite(new.ab_assigned_at) then new.ab_assigned_at end)
    on conflict (lead_id, test_id) do update set ab_group = excluded.ab_group, assigned_at = excluded.assigned_at
      where a.ab_group is distinct from excluded.ab_group;
  end if;
  return new;
end
$$;

drop trigger if exists lh_lead_status_ab_test_exists on public.lh_lead_status;
create trigger lh_lead_status_ab_test_exists
  before insert or update of ab_test_id, ab_test_group on public.lh_lead_status
  for each row when (new.ab_test_id is not null)
  execute function public.lh_lead_status_check_ab_test();

-- ---------------------------------------------------------------- assign one lead (ingestion)
create or replace function public.lh_assign_ab_test(p_lead_id bigint, p_now timestamptz default now())
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_lead record;
  v_tests bigint[];
  v_groups text[];
  v_list jsonb;
begin
  if p_lead_id is null then
    raise exception 'lh_assign_ab_test: the lead id must not be null' using errcode = '22004';
  end if;
  -- the row lock serialises concurrent callers; the second one then sees the first one's assignment
  select l.id, l.source, l.created_at, l.ab_test_id, l.ab_test_group, l.ab_assigned_at into v_lead
    from public.lh_lead_status l where l.id = p_lead_id for update;
  if not found then
    raise exception 'lh_assign_ab_test: lead % does not exist in lh_lead_status (insert it first)', p_lead_id
      using errcode = 'P0002';
  end if;
  if v_lead.ab_test_id is not null or v_lead.ab_test_group is not null
     or exists (select 1 from public.lh_ab_assignments a where a.lead_id = p_lead_id) then
    select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('test_id', a.test_id, 'ab_group', a.ab_group,
             'assigned_at', a.assigned_at) order by a.test_id), '[]'::jsonb)
      into v_list from public.lh_ab_assignments a where a.lead_id = p_lead_id;
    return pg_catalog.jsonb_build_object('lead_id', p_lead_id, 'status', 'kept', 'ab_test_id', v_lead.ab_test_id,
      'ab_test_group', v_lead.ab_test_group, 'ab_assigned_at', v_lead.ab_assigned_at, 'assignments', v_list);
  end if;
  select pg_catalog.array_agg(p.ab_test_id order by p.ab_test_id), pg_catalog.array_agg(p.ab_test_group order by p.ab_test_id)
    into v_tests, v_groups
    from public.lh_ab_picks(p_lead_id, v_lead.source, v_lead.created_at, public.lh_ab_exclusive()) p;
  if v_tests is null then
    return pg_catalog.jsonb_build_object('lead_id', p_lead_id, 'status', 'none', 'ab_test_id', null,
      'ab_test_group', null, 'ab_assigned_at', null, 'assignments', '[]'::jsonb);
  end if;
  insert into public.lh_ab_assignments (lead_id, test_id, ab_group, assigned_at)
    -- unnest of two arrays is FROM-clause syntax and cannot be schema-qualified (pg_catalog is searched first anyway)
    select p_lead_id, u.t, u.g, p_now from unnest(v_tests, v_groups) u(t, g)
    on conflict (lead_id, test_id) do nothing;
  update public.lh_lead_status l
    set ab_test_id = v_tests[1], ab_test_group = v_groups[1], ab_assigned_at = p_now
    where l.id = p_lead_id;
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('test_id', u.t, 'ab_group', u.g, 'assigned_at', p_now) order by u.t)
    into v_list from unnest(v_tests, v_groups) u(t, g);
  return pg_catalog.jsonb_build_object('lead_id', p_lead_id, 'status', 'assigned', 'ab_test_id', v_tests[1],
    'ab_test_group', v_groups[1], 'ab_assigned_at', p_now, 'assignments', v_list);
end
$$;
comment on function public.lh_assign_ab_test(bigint, timestamptz) is
  'Assigns one lead to every eligible running test (overlapping) or one (exclusive); sticky. Returns {lead_id, status: assigned|kept|none, ab_test_id, ab_test_group, ab_assigned_at (the first assignment), assignments: [{test_id, ab_group, assigned_at}]}.';

-- ---------------------------------------------------------------- assign every pending lead (set-based)
create or replace function public.lh_assign_pending_leads(p_now timestamptz default now())
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_exclusive boolean := public.lh_ab_exclusive();
  v_from timestamptz;
  v_count integer;
begin
  select pg_catalog.min(t.started_at) into v_from from public.lh_ab_tests t where t.status = 'running';
  if v_from is null then
    return 0;
  end if;
  -- 1. the rows: candidates locked first (a concurrent lh_assign_ab_test holds or wins the row lock; the
  --    where clause is rechecked on the locked row, so a lead assigned meanwhile is skipped)
  with cand as materialized (
    select l.id, l.source, l.created_at
    from public.lh_lead_status l
    where l.ab_test_id is null and l.ab_test_group is null and l.created_at >= v_from
      and exists (select 1 from public.lh_ab_tests t
        where t.status = 'running' and t.started_at <= l.created_at and (t.segment is null or t.segment = l.source))
      and not exists (select 1 from public.lh_ab_assignments a where a.lead_id = l.id)
    for update of l
  )
  insert into public.lh_ab_assignments (lead_id, test_id, ab_group, assigned_at)
  select c.id, p.ab_test_id, p.ab_test_group, p_now
  from cand c cross join lateral public.lh_ab_picks(c.id, c.source, c.created_at, v_exclusive) p
  on conflict (lead_id, test_id) do nothing;
  -- 2. the first assignment into the lead's own columns (the rows just written, still locked by step 1)
  update public.lh_lead_status l
    set (ab_test_id, ab_test_group, ab_assigned_at) = (
      select a.test_id, a.ab_group, p_now from public.lh_ab_assignments a
      where a.lead_id = l.id order by a.test_id limit 1)
    where l.ab_test_id is null and l.ab_test_group is null and l.created_at >= v_from
      and exists (select 1 from public.lh_ab_assignments a where a.lead_id = l.id and a.assigned_at = p_now);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function public.lh_assign_pending_leads(timestamptz) is
  'Assigns every unassigned lead eligible for a running test (to all of them, or one when exclusive), set-based; returns how many leads were assigned.';

-- ---------------------------------------------------------------- the generated insert trigger
-- As in migration 20261125001000, generated from the running tests; now also from the mode, and it writes
-- the lead's rows into lh_ab_assignments. Overlapping: every test of the lead's source list, each with its
-- own hash. Exclusive: one of them by the exclusion hash, as before.
create or replace function public.lh_compile_assignment_trigger() returns void
language plpgsql
security definer
set search_path = ''
as $compile$
declare
  v_exclusive boolean := public.lh_ab_exclusive();
  v_newest timestamptz;
  v_unsegmented bigint[];
  v_by_source text;
  v_states text;
  v_cuts text;
  v_ids text;
  v_pick text;
  v_fast text;
  v_body text;
begin
  -- one regeneration at a time, until commit; key: 'lhAC' as an integer, fixed for this project
  perform pg_catalog.pg_advisory_xact_lock(1818771779);

  select pg_catalog.max(t.started_at),
         coalesce(pg_catalog.array_agg(t.id order by t.id) filter (where t.segment is null), '{}'),
         pg_catalog.string_agg(t.id::text, ', ' order by t.id),
         pg_catalog.string_agg(pg_catalog.format('when %s then %s', t.id,
           public.lh_fnv1a32(coalesce(t.hash_seed, 'lh-ab-' || t.id::text))), ' ' order by t.id),
         -- the allocation as its exact numeric text; the cast to float8 and * 100 happen as in lh_ab_picks
         pg_catalog.string_agg(pg_catalog.format('when %s then %s::numeric', t.id, t.traffic_allocation_pct), ' ' order by t.id)
    into v_newest, v_unsegmented, v_ids, v_states, v_cuts
    from public.lh_ab_tests t where t.status = 'running';

  -- per segment (a lead source): the unsegmented tests and that segment's tests, in id order
  select pg_catalog.string_agg(pg_catalog.format('when %L then %L::bigint[]', s.segment,
           (select pg_catalog.array_agg(t.id order by t.id) from public.lh_ab_tests t
             where t.status = 'running' and (t.segment is null or t.segment = s.segment))), ' ' order by s.segment)
    into v_by_source
    from (select distinct t.segment from public.lh_ab_tests t where t.status = 'running' and t.segment is not null) s;

  if v_newest is null then
    v_fast := '    return new; -- no test is running';
  else
    if v_exclusive then
      -- the exclusion hash, continued from the FNV state of its seed
      v_pick := pg_catalog.format($p$
      if v_k > 1 then
        -- exclusive: one test by the exclusion hash, continued from the FNV state of its seed %L
        v_ids := array[v_ids[1 + ((public.lh_fnv1a32(public.lh_fnv1a32_from(%s, v_id)::text) %% 10000) * v_k / 10000)::integer]];
        v_k := 1;
      end if;$p$, 'lh-ab-exclusion', public.lh_fnv1a32('lh-ab-exclusion'));
    else
      v_pick := '
      -- overlapping: every test of the list';
    end if;
    -- ISO 8601 in UTC: read back the same whatever the DateStyle and TimeZone of the inserting session
    v_fast := pg_catalog.format($fast$
    if new.id is null or not (new.created_at >= %s) then
      -- created before the newest running test started (or undated): the general rule
      select pg_catalog.array_agg(p.ab_test_id order by p.ab_test_id), pg_catalog.array_agg(p.ab_test_group order by p.ab_test_id)
        into v_ids, v_groups
        from public.lh_ab_picks(new.id, new.source, new.created_at, %s) p;
      v_k := coalesce(pg_catalog.cardinality(v_ids), 0);
    else
      v_ids := %s;
      v_k := pg_catalog.cardinality(v_ids);
      v_id := new.id::text;%s
      v_groups := '{}';
      for i in 1 .. v_k loop
        -- the group hash continues from the FNV state of the test's seed: fnv(seed || id) = fnv_from(fnv(seed), id)
        v_groups := v_groups || case
          when (public.lh_fnv1a32(public.lh_fnv1a32_from(case v_ids[i] %s end, v_id)::text) %% 10000)::double precision
               < (case v_ids[i] %s end)::double precision * 100
          then 'treatment' else 'control' end;
      end loop;
    end if;
    if v_k = 0 then
      return new;
    end if;
    new.ab_test_id := v_ids[1];
    new.ab_test_group := v_groups[1];
    new.ab_assigned_at := coalesce(new.ab_assigned_at, pg_catalog.now());
    insert into public.lh_ab_assignments (lead_id, test_id, ab_group, assigned_at)
      select new.id, u.t, u.g, new.ab_assigned_at from unnest(v_ids, v_groups) u(t, g)
      on conflict (lead_id, test_id) do nothing;
    return new;$fast$,
      case when pg_catalog.isfinite(v_newest)
        then pg_catalog.format('%L::timestamptz', pg_catalog.to_char(v_newest at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        else 'null::timestamptz' end,
      case when v_exclusive then 'true' else 'false' end, -- (boolean's own text is t / f)
      case when v_by_source is null then pg_catalog.format('%L::bigint[]', v_unsegmented)
        else pg_catalog.format('case new.source %s else %L::bigint[] end', v_by_source, v_unsegmented) end,
      v_pick, v_states, v_cuts);
  end if;

  v_body := pg_catalog.format($fn$
-- GENERATED by public.lh_compile_assignment_trigger() for the running tests {%s} (%s): do not edit; it is
-- regenerated whenever they or lh_settings.ab_assignment change (migration 20261203000100). The rule is
-- lh_ab_picks' (sticky through the trigger's WHEN clause, eligible, overlapping or exclusive, hash v2),
-- with the running tests as constants.
declare
  v_ids bigint[];
  v_groups text[];
  v_k integer;
  v_id text;
begin
%s
end
$fn$, coalesce(v_ids, ''), case when v_exclusive then 'exclusive' else 'overlapping' end, v_fast);

  -- unchanged tests, unchanged function: no catalog write, and no session has to recompile it
  if v_body is distinct from (select p.prosrc from pg_catalog.pg_proc p
                              where p.oid = 'public.lh_assign_ab_test_on_insert()'::pg_catalog.regprocedure) then
    execute pg_catalog.format('create or replace function public.lh_assign_ab_test_on_insert() returns trigger language plpgsql as %L', v_body);
  end if;
end
$compile$;

-- regenerate when the mode changes (at commit, like a change of the running tests)
create or replace function public.lh_settings_recompile() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.lh_compile_assignment_trigger();
  return null;
end
$$;
drop trigger if exists lh_settings_recompile_assignment on public.lh_settings;
create constraint trigger lh_settings_recompile_assignment
  after insert or update or delete on public.lh_settings deferrable initially deferred
  for each row execute function public.lh_settings_recompile();

-- ---------------------------------------------------------------- rows go with their lead and their test
create or replace function public.lh_ab_assignments_drop() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    truncate public.lh_ab_assignments;
  elsif tg_table_name = 'lh_ab_tests' then
    delete from public.lh_ab_assignments a where a.test_id in (select g.id from lh_gone g);
  else
    delete from public.lh_ab_assignments a where a.lead_id in (select g.id from lh_gone g);
  end if;
  return null;
end
$$;

create trigger lh_ab_tests_drop_assignments_on_delete
  after delete on public.lh_ab_tests
  referencing old table as lh_gone
  for each statement execute function public.lh_ab_assignments_drop();
create trigger lh_ab_tests_drop_assignments_on_truncate
  after truncate on public.lh_ab_tests
  for each statement execute function public.lh_ab_assignments_drop();
create trigger lh_lead_status_drop_assignments_on_delete
  after delete on public.lh_lead_status
  referencing old table as lh_gone
  for each statement execute function public.lh_ab_assignments_drop();
create trigger lh_lead_status_drop_assignments_on_truncate
  after truncate on public.lh_lead_status
  for each statement execute function public.lh_ab_assignments_drop();

-- a test's id cannot change while leads refer to it, in either place
create or replace function public.lh_ab_tests_keep_id() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.lh_lead_status l where l.ab_test_id = old.id)
     or exists (select 1 from public.lh_ab_assignments a where a.test_id = old.id) then
    raise exception 'update on table "lh_ab_tests" violates lh_lead_status_ab_test_fk: test % is still referenced from lh_lead_status or lh_ab_assignments', old.id
      using errcode = '23503', constraint = 'lh_lead_status_ab_test_fk', table = 'lh_ab_tests', column = 'id';
  end if;
  return new;
end
$$;

-- ---------------------------------------------------------------- privileges, and the first compile
select public.lh_revoke_client_execute('public.lh_ab_exclusive()', 'public.lh_ab_picks(bigint, text, timestamptz, boolean)',
  'public.lh_settings_recompile()', 'public.lh_ab_assignments_drop()');

-- Internal table: RLS on without a permissive policy, nothing for PUBLIC / anon / authenticated.
alter table public.lh_ab_assignments enable row level security;
revoke all on public.lh_ab_assignments from public;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on public.lh_ab_assignments from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on public.lh_ab_assignments from authenticated';
  end if;
end
$$;

select public.lh_compile_assignment_trigger();
