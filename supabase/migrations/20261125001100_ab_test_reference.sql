-- lh_lead_status.ab_test_id → lh_ab_tests.id: the same guarantees as the foreign key it replaces, without
-- its cost on every assigned insert (issue 6).
--
-- Why: a foreign key checks each inserted row whose ab_test_id is set with
-- `select 1 from lh_ab_tests where id = $1 for key share`, a query and a row lock on one of the few test
-- rows that every ingesting transaction then shares (≈ 11 µs of the ≈ 22 µs the assignment trigger added
-- per row; bench/README.md), and under many concurrent ingest transactions, a MultiXact per test row and
-- transaction. The ids the assignment trigger and functions write come from lh_ab_tests itself, so they
-- need no check; ids written by other services do.
--
-- What stays the same:
-- - An id given by an INSERT or UPDATE (another service assigning itself, or a typo) that names no test is
--   refused with SQLSTATE 23503 and the constraint name lh_lead_status_ab_test_fk, as before. The check runs
--   only for rows that arrive with an ab_test_id (the trigger's name sorts before lh_lead_status_assign_ab,
--   so it fires first and leads assigned by that trigger are not checked again).
-- - Deleting (or truncating) tests sets ab_test_id to null on their leads and keeps ab_test_group, as
--   `on delete set null` did: set-based, one UPDATE per statement.
-- - A test's id cannot change while leads refer to it (the foreign key's `on update no action`).
-- What differs: nothing locks the test row between the check and the commit, so a lead inserted with an
-- explicit id while another transaction deletes that very test can keep a dangling id (the analysis finds no
-- test for it and ignores it). Tests are completed, not deleted, in normal operation.

alter table public.lh_lead_status drop constraint lh_lead_status_ab_test_fk;

-- ---------------------------------------------------------------- explicit ids must name a test
-- SECURITY DEFINER like a foreign key's own check, which reads the referenced table as its owner: a role
-- that may write leads but not read lh_ab_tests (row-level security) must not see every id refused.
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
  return new;
end
$$;

create trigger lh_lead_status_ab_test_exists
  before insert or update of ab_test_id on public.lh_lead_status
  for each row when (new.ab_test_id is not null)
  execute function public.lh_lead_status_check_ab_test();

-- ---------------------------------------------------------------- deleting tests releases their leads
create or replace function public.lh_ab_tests_release_leads() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    update public.lh_lead_status l set ab_test_id = null where l.ab_test_id is not null;
  else
    update public.lh_lead_status l set ab_test_id = null
      where l.ab_test_id in (select g.id from lh_deleted_tests g);
  end if;
  return null;
end
$$;

create trigger lh_ab_tests_release_leads_on_delete
  after delete on public.lh_ab_tests
  referencing old table as lh_deleted_tests
  for each statement execute function public.lh_ab_tests_release_leads();
create trigger lh_ab_tests_release_leads_on_truncate
  after truncate on public.lh_ab_tests
  for each statement execute function public.lh_ab_tests_release_leads();

-- ---------------------------------------------------------------- a referenced test keeps its id
create or replace function public.lh_ab_tests_keep_id() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.lh_lead_status l where l.ab_test_id = old.id) then
    raise exception 'update on table "lh_ab_tests" violates lh_lead_status_ab_test_fk: test % is still referenced from lh_lead_status', old.id
      using errcode = '23503', constraint = 'lh_lead_status_ab_test_fk', table = 'lh_ab_tests', column = 'id';
  end if;
  return new;
end
$$;

create trigger lh_ab_tests_keep_id
  before update of id on public.lh_ab_tests
  for each row when (old.id is distinct from new.id)
  execute function public.lh_ab_tests_keep_id();

-- ---------------------------------------------------------------- privileges
select public.lh_revoke_client_execute('public.lh_lead_status_check_ab_test()', 'public.lh_ab_tests_release_leads()',
  'public.lh_ab_tests_keep_id()');
