-- Designed tests and their looks (issue 11, items 1, 2 and 6; docs/design.md §4).
--
-- A test decided by the `planned` policy carries its design, fixed when it is spawned: the lift it is
-- powered for, one-sided α, power, the maximum sample per group, the look schedule and the α-spending
-- function (the JSON document is `TestDesign` in src/experiments/design.ts, versioned by its `version`
-- field). Every weekly look of such a test is recorded in lh_ab_test_looks: the group-sequential boundary of
-- a look depends on the information fractions of every earlier look, so the looks are the test's memory.
--
-- A KILL says why in kill_reason: 'futile' (the worthwhile lift is out of reach), 'harmful' (treatment is
-- significantly worse) or 'inconclusive' (the maximum was reached without an answer). The spawning cooldown
-- reads it (a shorter wait after an inconclusive KILL, src/jobs/spawn.ts).

alter table public.lh_ab_tests drop constraint if exists lh_ab_tests_policy_check;
alter table public.lh_ab_tests
  add constraint lh_ab_tests_policy_check check (policy in ('seed', 'sequential', 'planned'));

alter table public.lh_ab_tests add column if not exists design jsonb;
alter table public.lh_ab_tests add column if not exists kill_reason text;

alter table public.lh_ab_tests
  add constraint lh_ab_tests_design_is_object check (design is null or jsonb_typeof(design) = 'object'),
  -- a planned test without its design could not be decided (its boundaries come from the design)
  add constraint lh_ab_tests_planned_has_design check (policy <> 'planned' or design is not null),
  add constraint lh_ab_tests_kill_reason_known
    check (kill_reason is null or kill_reason in ('futile', 'harmful', 'inconclusive')),
  add constraint lh_ab_tests_kill_reason_only_on_kill check (kill_reason is null or recommendation = 'KILL');

comment on column public.lh_ab_tests.design is
  'The design of a planned test (TestDesign, src/experiments/design.ts): lift powered for, alpha, power, max sample per group, look schedule, spending function. Null for seed/sequential tests.';
comment on column public.lh_ab_tests.kill_reason is
  'Why a KILL was decided: futile, harmful or inconclusive (null otherwise).';

create table if not exists public.lh_ab_test_looks (
  -- no foreign key: a foreign key would make `truncate lh_ab_tests` (which releases the leads, migration
  -- 20261125001100) fail; the triggers below delete a test's looks with it instead
  test_id bigint not null,
  look_number integer not null check (look_number >= 1),
  analyzed_at timestamptz not null check (analyzed_at > '-infinity' and analyzed_at < 'infinity'),
  control_n integer not null check (control_n >= 0),
  treatment_n integer not null check (treatment_n >= 0),
  -- the improvement (treatment − control, the good direction positive) in the metric's units, its standard error and z
  estimate double precision not null check (estimate > '-infinity' and estimate < 'infinity'),
  standard_error double precision not null check (standard_error > 0 and standard_error < 'infinity'),
  z double precision not null check (z > '-infinity' and z < 'infinity'),
  -- information reached / the design's maximum (capped at 1), and the fraction the spending function was
  -- evaluated at (1 at a final look, which spends whatever α is left)
  information_fraction double precision not null check (information_fraction > 0 and information_fraction <= 1),
  spending_fraction double precision not null check (spending_fraction > 0 and spending_fraction <= 1),
  alpha_spent double precision not null check (alpha_spent >= 0 and alpha_spent < 1),
  efficacy_z double precision not null check (efficacy_z > '-infinity' and efficacy_z < 'infinity'),
  -- the futility rule's z (null while it is not active yet, before its minimum information fraction)
  futility_z double precision check (futility_z is null or (futility_z > '-infinity' and futility_z < 'infinity')),
  decision text not null check (decision in ('KEEP', 'KILL', 'CONTINUE')),
  kill_reason text check (kill_reason is null or kill_reason in ('futile', 'harmful', 'inconclusive')),
  primary key (test_id, look_number),
  constraint lh_ab_test_looks_kill_reason_only_on_kill check (kill_reason is null or decision = 'KILL'),
  constraint lh_ab_test_looks_kill_has_reason check (decision <> 'KILL' or kill_reason is not null)
);
comment on table public.lh_ab_test_looks is
  'Every look of a planned (group-sequential) test: sizes, estimate, z, information fraction, boundaries, decision. Written by the weekly analysis.';

-- ---------------------------------------------------------------- a test's looks go with it
create or replace function public.lh_ab_tests_drop_looks() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    truncate public.lh_ab_test_looks;
  else
    delete from public.lh_ab_test_looks k where k.test_id in (select g.id from lh_deleted_tests g);
  end if;
  return null;
end
$$;

create trigger lh_ab_tests_drop_looks_on_delete
  after delete on public.lh_ab_tests
  referencing old table as lh_deleted_tests
  for each statement execute function public.lh_ab_tests_drop_looks();
create trigger lh_ab_tests_drop_looks_on_truncate
  after truncate on public.lh_ab_tests
  for each statement execute function public.lh_ab_tests_drop_looks();

select public.lh_revoke_client_execute('public.lh_ab_tests_drop_looks()');

-- Internal table: RLS on without a permissive policy, nothing for PUBLIC / anon / authenticated.
alter table public.lh_ab_test_looks enable row level security;
revoke all on public.lh_ab_test_looks from public;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on public.lh_ab_test_looks from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on public.lh_ab_test_looks from authenticated';
  end if;
end
$$;
