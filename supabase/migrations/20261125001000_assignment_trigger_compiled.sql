-- The optional assignment trigger, specialised to the running tests (issue 6: its cost on inserts).
--
-- Why: the trigger of migration 20261125000400 asked lh_ab_tests for the eligible running tests on every
-- inserted lead (two queries per row, ≈ 12–20 µs of a ≈ 35 µs insert, more when each insert is its own
-- statement). The running tests change a few times a week; leads arrive all day. So the trigger
-- function is now GENERATED from the running tests whenever they change, with the tests' ids, segments,
-- hash states and allocations as constants: a lead created after the newest running test started
-- (every lead inserted as it arrives) is assigned by a CASE on its source and the two hashes, with no
-- query at all. Any other lead (backdated, or a null created_at) goes through lh_ab_pick, the general rule.
-- The answer is the same: test/db/assignment-trigger.test.ts compares the trigger with lh_ab_pick and the
-- TypeScript on leads of every kind, before and after tests start, end, change and disappear.
--
-- When it is regenerated: at COMMIT of any transaction that inserts or deletes a running test, or changes
-- a test's status, start, segment, seed, allocation or id (deferred constraint triggers, so that every row
-- lock of the transaction is already held and the compile lock below cannot deadlock with them), and at
-- TRUNCATE. Updates of results (sample sizes, p-values) by the weekly analysis do not regenerate it.
-- The compile takes a transaction advisory lock, so two transactions changing tests at once regenerate
-- one after the other, the second from a snapshot that sees the first (READ COMMITTED, the default; a
-- REPEATABLE READ transaction that changes tests should call lh_compile_assignment_trigger() again
-- afterwards, or re-enable the trigger, which recompiles).
-- A rolled-back change rolls back its regeneration too (DDL is transactional in PostgreSQL).

-- ---------------------------------------------------------------- the generator
create or replace function public.lh_compile_assignment_trigger() returns void
language plpgsql
security definer
set search_path = ''
as $compile$
declare
  v_newest timestamptz;
  v_unsegmented bigint[];
  v_by_source text;
  v_states text;
  v_cuts text;
  v_ids text;
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
         -- the allocation as its exact numeric text; the cast to float8 and * 100 happen as in lh_ab_pick
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
    -- ISO 8601 in UTC: read back the same whatever the DateStyle and TimeZone of the inserting session
    v_fast := pg_catalog.format($fast$
    if new.id is null or not (new.created_at >= %s) then
      -- created before the newest running test started (or undated): the general rule
      select p.ab_test_id, p.ab_test_group into new.ab_test_id, new.ab_test_group
        from public.lh_ab_pick(new.id, new.source, new.created_at) p;
    else
      v_ids := %s;
      v_k := pg_catalog.cardinality(v_ids);
      if v_k = 0 then
        return new;
      end if;
      v_id := new.id::text;
      if v_k = 1 then
        new.ab_test_id := v_ids[1];
      else
        -- the exclusion hash, continued from the FNV state of its seed %L
        new.ab_test_id := v_ids[1 + ((public.lh_fnv1a32(public.lh_fnv1a32_from(%s, v_id)::text) %% 10000) * v_k / 10000)::integer];
      end if;
      -- the group hash continues from the FNV state of the test's seed: fnv(seed || id) = fnv_from(fnv(seed), id)
      new.ab_test_group := case
        when (public.lh_fnv1a32(public.lh_fnv1a32_from(case new.ab_test_id %s end, v_id)::text) %% 10000)::double precision
             < (case new.ab_test_id %s end)::double precision * 100
        then 'treatment' else 'control' end;
    end if;
    if new.ab_test_id is not null then
      new.ab_assigned_at := coalesce(new.ab_assigned_at, pg_catalog.now());
    end if;
    return new;$fast$,
      case when pg_catalog.isfinite(v_newest)
        then pg_catalog.format('%L::timestamptz', pg_catalog.to_char(v_newest at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        else 'null::timestamptz' end,
      case when v_by_source is null then pg_catalog.format('%L::bigint[]', v_unsegmented)
        else pg_catalog.format('case new.source %s else %L::bigint[] end', v_by_source, v_unsegmented) end,
      'lh-ab-exclusion', public.lh_fnv1a32('lh-ab-exclusion'),
      v_states, v_cuts);
  end if;

  v_body := pg_catalog.format($fn$
-- GENERATED by public.lh_compile_assignment_trigger() for the running tests {%s}: do not edit; it is
-- regenerated whenever they change (migration 20261125001000). The rule is lh_ab_pick's (sticky through
-- the trigger's WHEN clause, eligible, exclusive, hash v2), with the running tests as constants.
declare
  v_ids bigint[];
  v_k integer;
  v_id text;
begin
%s
end
$fn$, coalesce(v_ids, ''), v_fast);

  -- unchanged tests, unchanged function: no catalog write, and no session has to recompile it
  if v_body is distinct from (select p.prosrc from pg_catalog.pg_proc p
                              where p.oid = 'public.lh_assign_ab_test_on_insert()'::pg_catalog.regprocedure) then
    execute pg_catalog.format('create or replace function public.lh_assign_ab_test_on_insert() returns trigger language plpgsql as %L', v_body);
  end if;
end
$compile$;
comment on function public.lh_compile_assignment_trigger() is
  'Regenerates lh_assign_ab_test_on_insert() from the running tests (done automatically when tests change). Idempotent.';

-- ---------------------------------------------------------------- regenerate when the running tests change
create or replace function public.lh_ab_tests_recompile() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.lh_compile_assignment_trigger();
  return null;
end
$$;

create constraint trigger lh_ab_tests_recompile_on_insert
  after insert on public.lh_ab_tests deferrable initially deferred
  for each row when (new.status = 'running')
  execute function public.lh_ab_tests_recompile();
create constraint trigger lh_ab_tests_recompile_on_delete
  after delete on public.lh_ab_tests deferrable initially deferred
  for each row when (old.status = 'running')
  execute function public.lh_ab_tests_recompile();
create constraint trigger lh_ab_tests_recompile_on_update
  after update on public.lh_ab_tests deferrable initially deferred
  for each row when ((old.status = 'running' or new.status = 'running') and (
    old.status is distinct from new.status or old.started_at is distinct from new.started_at
    or old.segment is distinct from new.segment or old.hash_seed is distinct from new.hash_seed
    or old.traffic_allocation_pct is distinct from new.traffic_allocation_pct or old.id is distinct from new.id))
  execute function public.lh_ab_tests_recompile();
create trigger lh_ab_tests_recompile_on_truncate
  after truncate on public.lh_ab_tests
  for each statement execute function public.lh_ab_tests_recompile();

-- ---------------------------------------------------------------- turning it on and off
-- The WHEN clause keeps an assignment given explicitly at insert exactly as given, without calling the
-- function at all. Enabling recompiles first, so an operator can always bring the function up to date.
create or replace function public.lh_enable_assignment_trigger() returns void
language plpgsql
set search_path = ''
as $$
begin
  perform public.lh_compile_assignment_trigger();
  create or replace trigger lh_lead_status_assign_ab
    before insert on public.lh_lead_status
    for each row when (new.ab_test_id is null and new.ab_test_group is null)
    execute function public.lh_assign_ab_test_on_insert();
end
$$;

-- ---------------------------------------------------------------- privileges, and the first compile
-- No EXECUTE for PUBLIC, nor for Supabase's anon/authenticated roles where they exist (the rule of every
-- migration; this helper is for the migrations from here on).
create or replace function public.lh_revoke_client_execute(variadic p_functions pg_catalog.regprocedure[]) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_fn pg_catalog.regprocedure;
  v_role text;
begin
  foreach v_fn in array p_functions loop
    execute pg_catalog.format('revoke all on function %s from public', v_fn);
    foreach v_role in array array['anon', 'authenticated'] loop
      if exists (select 1 from pg_catalog.pg_roles r where r.rolname = v_role) then
        execute pg_catalog.format('revoke all on function %s from %I', v_fn, v_role);
      end if;
    end loop;
  end loop;
end
$$;
comment on function public.lh_revoke_client_execute(pg_catalog.regprocedure[]) is
  'Revokes EXECUTE on the given functions from PUBLIC, anon and authenticated (migrations use it).';

select public.lh_revoke_client_execute('public.lh_revoke_client_execute(pg_catalog.regprocedure[])',
  'public.lh_compile_assignment_trigger()', 'public.lh_ab_tests_recompile()');

select public.lh_compile_assignment_trigger();
-- a trigger enabled before this migration gets the WHEN clause
do $$
begin
  if public.lh_assignment_trigger_enabled() then
    perform public.lh_enable_assignment_trigger();
  end if;
end
$$;
