-- The cost of overlapping assignment (issue 11, the benchmark targets; bench/README.md "Assignment").
--
-- Why: with overlapping tests (migration 20261203000100) a lead joins every running test it is eligible
-- for; with the benchmark's 20 running tests that is 7 per lead, 7 hashes and 7 rows where there was one.
-- Measured inside the server (5,000 single-row inserts in a PL/pgSQL loop, 7 eligible tests): a plain
-- insert ≈ 24–30 µs; the trigger of migration 20261203000100 added ≈ 45–70 µs, of which ≈ 21 µs the 7
-- group hashes (two function calls per test, each converting the text to bytes again) and the rest the
-- 7 rows. This migration changes HOW, never WHAT: every entry point gives the same groups as before
-- (test/db/assignment*.test.ts compare them with the TypeScript twin lead by lead).
--
-- 1. The generated insert trigger hashes inline: the lead id's bytes once, then per test two FNV-1a
--    loops (the seed's state is a constant), with the tests' ids, seed states and allocations as arrays
--    per lead source: ≈ 10 µs for 7 tests instead of ≈ 21 µs. It writes the rows with a plain INSERT
--    after one probe for existing rows, instead of ON CONFLICT (a speculative insertion per row).
-- 2. lh_assign_pending_leads is set-based for real: the overlapping rule is now an inlinable SQL function
--    (lh_ab_eligible_groups), so the planner joins the pending leads with lh_ab_tests in one plan instead
--    of running a query per lead inside lh_ab_picks (which uses the same function, so the rule is still
--    written once); and it inserts without ON CONFLICT (see there).
-- 3. The first assignment written into the lead's own columns by lh_assign_pending_leads and
--    lh_assign_ab_test no longer fires the mirror of migration 20261203000100 (a test lookup and an upsert
--    per lead that could only find its own row): those two functions mark their own update with the
--    transaction-local setting lh.assigning, and the check trigger's WHEN clause skips it.

-- ---------------------------------------------------------------- the overlapping rule, inlinable
-- Every running test a lead with this id, source and creation time is eligible for, and its group by the
-- test's own hash (GrowthBook hash v2 of the test's seed and the id). LANGUAGE sql, not strict, no SET
-- clause, one SELECT: so PostgreSQL inlines it into the caller's plan (a join in lh_assign_pending_leads).
-- Names are schema-qualified instead of a search_path setting, which would prevent inlining.
create or replace function public.lh_ab_eligible_groups(p_lead_id bigint, p_source text, p_created_at timestamptz)
returns table (ab_test_id bigint, ab_test_group text)
language sql stable parallel safe
as $$
  select t.id,
    case when public.lh_hash_v2_bucket(coalesce(t.hash_seed, 'lh-ab-' || t.id::text), p_lead_id::text)::double precision
              < t.traffic_allocation_pct::double precision * 100
         then 'treatment' else 'control' end
  from public.lh_ab_tests t
  where p_lead_id is not null and t.status = 'running' and t.started_at <= p_created_at
    and (t.segment is null or t.segment = p_source)
$$;
comment on function public.lh_ab_eligible_groups(bigint, text, timestamptz) is
  'The overlapping rule: every running test a lead with this id, source and created_at is eligible for, with its group. Unordered; writes nothing.';

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
  return query select e.ab_test_id, e.ab_test_group
    from public.lh_ab_eligible_groups(p_lead_id, p_source, p_created_at) e order by e.ab_test_id;
end
$$;

-- ---------------------------------------------------------------- the mirror skips the engine's own writes
-- lh.assigning = 'on' only inside lh_assign_pending_leads / lh_assign_ab_test, around the update that
-- copies the first of the rows they have just written into the lead's columns.
drop trigger if exists lh_lead_status_ab_test_exists on public.lh_lead_status;
create trigger lh_lead_status_ab_test_exists
  before insert or update of ab_test_id, ab_test_group on public.lh_lead_status
  for each row when (new.ab_test_id is not null and pg_catalog.current_setting('lh.assigning', true) is distinct from 'on')
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
  if v_lead.ab_test_id is null and v_lead.ab_test_group is null
     and not exists (select 1 from public.lh_ab_assignments a where a.lead_id = p_lead_id) then
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
    perform pg_catalog.set_config('lh.assigning', 'on', true);
    update public.lh_lead_status l
      set ab_test_id = v_tests[1], ab_test_group = v_groups[1], ab_assigned_at = p_now
      where l.id = p_lead_id;
    perform pg_catalog.set_config('lh.assigning', '', true);
    v_lead.ab_test_id := v_tests[1];
    v_lead.ab_test_group := v_groups[1];
    v_lead.ab_assigned_at := p_now;
  end if;
  -- one shape for both answers: the lead's rows as stored
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('test_id', a.test_id, 'ab_group', a.ab_group,
           'assigned_at', a.assigned_at) order by a.test_id), '[]'::jsonb)
    into v_list from public.lh_ab_assignments a where a.lead_id = p_lead_id;
  return pg_catalog.jsonb_build_object('lead_id', p_lead_id, 'status', case when v_tests is null then 'kept' else 'assigned' end,
    'ab_test_id', v_lead.ab_test_id, 'ab_test_group', v_lead.ab_test_group, 'ab_assigned_at', v_lead.ab_assigned_at,
    'assignments', v_list);
end
$$;

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
  -- 1. The rows: the candidates locked first (a concurrent lh_assign_ab_test holds or wins the row lock;
  --    the where clause is rechecked on the locked row, so a lead assigned meanwhile is skipped), then
  --    every eligible test (overlapping: a join with the running tests, lh_ab_eligible_groups being
  --    inlined) or the pick (exclusive).
  with cand as materialized (
    select l.id, l.source, l.created_at
    from public.lh_lead_status l
    where l.ab_test_id is null and l.ab_test_group is null and l.created_at >= v_from
      -- eligible for some running test: lh_ab_eligible_groups' WHERE, spelled out because an EXISTS over
      -- the function becomes a subplan per lead instead of this semi-join (1.53× instead of 1.35× the
      -- bare statement, bench/README.md)
      and exists (select 1 from public.lh_ab_tests t
        where t.status = 'running' and t.started_at <= l.created_at and (t.segment is null or t.segment = l.source))
      and not exists (select 1 from public.lh_ab_assignments a where a.lead_id = l.id)
    for update of l
  )
  insert into public.lh_ab_assignments (lead_id, test_id, ab_group, assigned_at)
  select c.id, p.ab_test_id, p.ab_test_group, p_now
  from cand c cross join lateral (
    select e.ab_test_id, e.ab_test_group from public.lh_ab_eligible_groups(c.id, c.source, c.created_at) e
    where not v_exclusive
    union all
    select x.ab_test_id, x.ab_test_group from public.lh_ab_picks(c.id, c.source, c.created_at, true) x
    where v_exclusive) p;
  -- (no ON CONFLICT: a candidate is locked and had no row, and every other writer of a lead's rows locks
  -- or inserts the lead row first; a speculative insertion per row cost ≈ 2 µs, a third of the statement
  -- (bench/README.md). If a row appears anyway, through the INSERT … ON CONFLICT edge case of migration
  -- 20261203000100, the call fails with a unique violation and writes nothing; the next call skips that lead.)

  -- 2. The first of each lead's new rows into its own columns (still locked by step 1), by a primary key
  --    lookup per lead (cheaper than returning every row from step 1 and aggregating them). The mirror
  --    trigger skips this update (lh.assigning): the rows it would mirror are the ones just written.
  perform pg_catalog.set_config('lh.assigning', 'on', true);
  update public.lh_lead_status l
    set (ab_test_id, ab_test_group, ab_assigned_at) = (
      select a.test_id, a.ab_group, p_now from public.lh_ab_assignments a
      where a.lead_id = l.id order by a.test_id limit 1)
    where l.ab_test_id is null and l.ab_test_group is null and l.created_at >= v_from
      and exists (select 1 from public.lh_ab_assignments a where a.lead_id = l.id and a.assigned_at = p_now);
  get diagnostics v_count = row_count;
  perform pg_catalog.set_config('lh.assigning', '', true);
  return v_count;
end
$$;

-- ---------------------------------------------------------------- the generated insert trigger
-- As in migration 20261203000100, with the hashing inline (see the header) and the running tests as arrays
-- per lead source: ids, seed states (FNV-1a of the seed, continued over the id's digits) and allocations.
create or replace function public.lh_compile_assignment_trigger() returns void
language plpgsql
security definer
set search_path = ''
as $compile$
declare
  v_exclusive boolean := public.lh_ab_exclusive();
  v_newest timestamptz;
  v_ids text;
  v_lists text;
  v_else text;
  v_pick text;
  v_fast text;
  v_body text;
begin
  -- one regeneration at a time, until commit; key: 'lhAC' as an integer, fixed for this project
  perform pg_catalog.pg_advisory_xact_lock(1818771779);

  select pg_catalog.max(t.started_at), pg_catalog.string_agg(t.id::text, ', ' order by t.id)
    into v_newest, v_ids
    from public.lh_ab_tests t where t.status = 'running';

  -- per lead source: the unsegmented tests and that source's tests, in id order, as three arrays; the
  -- allocation as its exact numeric text (cast to float8 and * 100 at use, as in lh_ab_eligible_groups)
  with lists as (
    select s.segment,
           pg_catalog.array_agg(t.id order by t.id) as ids,
           pg_catalog.array_agg(public.lh_fnv1a32(coalesce(t.hash_seed, 'lh-ab-' || t.id::text)) order by t.id) as states,
           pg_catalog.array_agg(t.traffic_allocation_pct order by t.id) as cuts
    from (select distinct t.segment from public.lh_ab_tests t where t.status = 'running' and t.segment is not null
          union all select null) s
    join public.lh_ab_tests t on t.status = 'running' and (t.segment is null or t.segment = s.segment)
    group by s.segment
  )
  select pg_catalog.string_agg(pg_catalog.format(
             E'\n        when %L then v_ids := %L::bigint[]; v_states := %L::bigint[]; v_cuts := %L::numeric[];',
             l.segment, l.ids, l.states, l.cuts), '' order by l.segment) filter (where l.segment is not null),
         coalesce(pg_catalog.max(pg_catalog.format('v_ids := %L::bigint[]; v_states := %L::bigint[]; v_cuts := %L::numeric[];',
             l.ids, l.states, l.cuts)) filter (where l.segment is null), 'v_ids := ''{}''::bigint[];')
    into v_lists, v_else
    from lists l;

  if v_newest is null then
    v_fast := '    return new; -- no test is running';
  else
    if v_exclusive then
      v_pick := pg_catalog.format($p$
      if v_k > 1 then
        -- exclusive: one test by the exclusion hash, continued from the FNV state of its seed %L
        v_i := 1 + ((public.lh_fnv1a32(public.lh_fnv1a32_from(%s, v_id)::text) %% 10000) * v_k / 10000)::integer;
        v_ids := array[v_ids[v_i]];
        v_states := array[v_states[v_i]];
        v_cuts := array[v_cuts[v_i]];
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
      %s
      v_k := pg_catalog.cardinality(v_ids);
      v_id := new.id::text;%s
      -- hash v2 per test, inline: fnv(seed || id) continues from the seed's state over the id's bytes
      -- (ASCII digits), then fnv over the decimal text of that; bucket = mod 10000 (lh_hash_v2_bucket)
      v_b := pg_catalog.convert_to(v_id, 'UTF8');
      v_n := pg_catalog.octet_length(v_b) - 1;
      v_groups := '{}';
      for i in 1 .. v_k loop
        v_h := v_states[i];
        for j in 0 .. v_n loop
          v_h := ((v_h # pg_catalog.get_byte(v_b, j)) * 16777619) & 4294967295;
        end loop;
        v_t := pg_catalog.convert_to(v_h::text, 'UTF8');
        v_h := 2166136261;
        for j in 0 .. pg_catalog.octet_length(v_t) - 1 loop
          v_h := ((v_h # pg_catalog.get_byte(v_t, j)) * 16777619) & 4294967295;
        end loop;
        v_groups := v_groups || case when (v_h %% 10000)::double precision < v_cuts[i]::double precision * 100
                                     then 'treatment' else 'control' end;
      end loop;
    end if;
    if v_k = 0 then
      return new;
    end if;
    new.ab_test_id := v_ids[1];
    new.ab_test_group := v_groups[1];
    new.ab_assigned_at := coalesce(new.ab_assigned_at, pg_catalog.now());
    -- a new lead has no rows; one probe instead of a speculative insertion per row (ON CONFLICT). A lead
    -- that has rows already (an INSERT … ON CONFLICT re-ingesting it) keeps them and gets no more.
    if not exists (select 1 from public.lh_ab_assignments a where a.lead_id = new.id) then
      insert into public.lh_ab_assignments (lead_id, test_id, ab_group, assigned_at)
        select new.id, u.t, u.g, new.ab_assigned_at from unnest(v_ids, v_groups) u(t, g);
    end if;
    return new;$fast$,
      case when pg_catalog.isfinite(v_newest)
        then pg_catalog.format('%L::timestamptz', pg_catalog.to_char(v_newest at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        else 'null::timestamptz' end,
      case when v_exclusive then 'true' else 'false' end, -- (boolean's own text is t / f)
      case when v_lists is null then v_else
        else pg_catalog.format(E'case new.source%s\n        else %s\n      end case;', v_lists, v_else) end,
      v_pick);
  end if;

  v_body := pg_catalog.format($fn$
-- GENERATED by public.lh_compile_assignment_trigger() for the running tests {%s} (%s): do not edit; it is
-- regenerated whenever they or lh_settings.ab_assignment change (migrations 20261203000100, 20261204000100).
-- The rule is lh_ab_picks' (sticky through the trigger's WHEN clause, eligible, overlapping or exclusive,
-- hash v2), with the running tests as constants.
declare
  v_ids bigint[];
  v_states bigint[];
  v_cuts numeric[];
  v_groups text[];
  v_k integer;
  v_i integer;
  v_id text;
  v_b bytea;
  v_t bytea;
  v_n integer;
  v_h bigint;
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

select public.lh_revoke_client_execute('public.lh_ab_eligible_groups(bigint, text, timestamptz)');

select public.lh_compile_assignment_trigger();
