-- A/B assignment of leads (SPEC §4): the SQL twin of src/experiments/assignment.ts; both give the
-- same answer (test/db/assignment.test.ts compares them on 10,000 lead ids).
--
-- Hash: GrowthBook "hash v2" (MIT, packages/sdk-js/src/util.ts): FNV-1a 32-bit over UTF-16 code units,
-- n = fnv1a32(decimal string of fnv1a32(seed || id)) mod 10000, hash = n / 10000 in [0, 1).
-- 32-bit unsigned arithmetic in bigint: h < 2^32 and the prime < 2^25, so h * prime < 2^57 never
-- overflows; `& 4294967295` keeps the low 32 bits. ASCII text (ids, default seeds) is hashed byte by byte
-- (get_byte over convert_to(text, 'UTF8'): one byte = one UTF-16 code unit); other text is read as code
-- points (ascii() in a UTF8 database, which Supabase and PGlite use) and split into UTF-16 surrogate pairs
-- above U+FFFF, so non-ASCII seeds hash exactly as JavaScript's charCodeAt does.
--
-- Rules (same as the TypeScript):
-- - Seed per test: lh_ab_tests.hash_seed, or 'lh-ab-' || id when null. Stored, not derived from the
--   name, so renaming never reshuffles. Changing it mid-test only affects leads assigned afterwards.
-- - traffic_allocation_pct is the TREATMENT share: treatment iff bucket < pct * 100, in float8 on both
--   sides (bit-identical IEEE arithmetic; resolution 0.01 percentage points).
-- - Eligible: test running, lead.created_at >= test.started_at, and lead.source = test.segment when the
--   test has a segment (the only segmented metric is source_conversion_rate, segment = a lead source).
-- - Exclusive: among the k running tests a lead is eligible for, ordered by id, it joins only the one at
--   index (bucket('lh-ab-exclusion', id) * k) / 10000 (GrowthBook-style namespace). Not "oldest test
--   takes all", which would starve every later unsegmented test until the first ends.
-- - Sticky: a lead with ab_test_id or ab_test_group already set (by us, or given explicitly at insert by
--   a service that assigns itself) is never touched. The candidate set is fixed when a lead is created
--   (started_at <= created_at), so assigning later gives the same answer unless a test ended meanwhile.
--
-- Ways to assign: lh_assign_ab_test(lead id) right after an insert (ingestion), lh_assign_pending_leads()
-- for every unassigned eligible lead in one statement (daily job, simulator, backfill), and an optional
-- BEFORE INSERT trigger, OFF by default (lh_enable_assignment_trigger() / lh_disable_assignment_trigger()):
-- off so that services which assign themselves, or bulk loads, pay nothing until an operator opts in.
-- All functions are SECURITY INVOKER: callers need their own rights on the tables (service role/owner).

alter table public.lh_ab_tests
  add column hash_seed text check (hash_seed is null or hash_seed <> '');
comment on column public.lh_ab_tests.hash_seed is
  'seed of the assignment hash; null means ''lh-ab-'' || id. Keep it fixed while the test runs.';

-- pending assignment scans only unassigned leads by creation time
create index lh_lead_status_unassigned_created_at on public.lh_lead_status (created_at)
  where ab_test_id is null and ab_test_group is null;

-- ---------------------------------------------------------------- hash
-- Cost matters: the optional insert trigger hashes every inserted lead. The hot functions (hash, pick,
-- trigger) carry no `set search_path` (a per-call GUC save/restore costs more than the hash): they are
-- SECURITY INVOKER and qualify every name (public., pg_catalog.), so the caller's path cannot redirect them.
create or replace function public.lh_fnv1a32_from(p_state bigint, p_input text) returns bigint
language plpgsql immutable strict parallel safe
as $$
declare
  v_hash bigint := p_state;
  v_bytes bytea := pg_catalog.convert_to(p_input, 'UTF8');
  v_len integer := pg_catalog.octet_length(v_bytes);
  v_ch text;
  v_cp integer;
begin
  if v_len = pg_catalog.length(p_input) then
    -- ASCII only (one byte per character = one UTF-16 code unit): the bytes are the code units
    for i in 0 .. v_len - 1 loop
      v_hash := ((v_hash # pg_catalog.get_byte(v_bytes, i)) * 16777619) & 4294967295;
    end loop;
    return v_hash;
  end if;
  foreach v_ch in array pg_catalog.string_to_array(p_input, null) loop
    v_cp := pg_catalog.ascii(v_ch);
    if v_cp > 65535 then
      v_hash := ((v_hash # (55296 + ((v_cp - 65536) >> 10))) * 16777619) & 4294967295;
      v_hash := ((v_hash # (56320 + ((v_cp - 65536) & 1023))) * 16777619) & 4294967295;
    else
      v_hash := ((v_hash # v_cp) * 16777619) & 4294967295;
    end if;
  end loop;
  return v_hash;
end
$$;
comment on function public.lh_fnv1a32_from(bigint, text) is
  'FNV-1a 32-bit continued from state p_state over the UTF-16 code units of p_input: lh_fnv1a32_from(lh_fnv1a32(a), b) = lh_fnv1a32(a || b).';

create or replace function public.lh_fnv1a32(p_input text) returns bigint
language sql immutable strict parallel safe
as $$
  select public.lh_fnv1a32_from(2166136261, p_input) -- offset basis 0x811c9dc5
$$;
comment on function public.lh_fnv1a32(text) is
  'FNV-1a 32-bit over UTF-16 code units, unsigned (0..4294967295); lh_fnv1a32(''a'') = 3826002220 = 0xe40c292c.';

create or replace function public.lh_hash_v2_bucket(p_seed text, p_id text) returns integer
language sql immutable strict parallel safe
as $$
  select (public.lh_fnv1a32(public.lh_fnv1a32(p_seed || p_id)::text) % 10000)::integer
$$;
comment on function public.lh_hash_v2_bucket(text, text) is
  'GrowthBook hash v2 as an integer bucket 0..9999: fnv1a32(fnv1a32(seed || id)::text) mod 10000.';

create or replace function public.lh_hash_v2(p_seed text, p_id text) returns double precision
language sql immutable strict parallel safe
as $$
  select public.lh_hash_v2_bucket(p_seed, p_id)::double precision / 10000
$$;
comment on function public.lh_hash_v2(text, text) is
  'GrowthBook hash v2 in [0, 1): lh_hash_v2(''seed'', ''a'') = 0.0505, lh_hash_v2(''foo'', ''ab'') = 0.2575.';

-- ---------------------------------------------------------------- the rule for one lead
-- The one implementation of the rule (the trigger calls it directly; lh_ab_choose wraps it for SQL).
-- Per lead: one query for the ids of the eligible running tests (in id order), the exclusion hash only
-- when there are two or more (with one, the index is always 0), then the chosen test's seed and
-- allocation by primary key and its group hash. The exclusion seed's FNV state is a constant
-- (lh_fnv1a32 is immutable, folded when the expression is planned), so only the id's digits are hashed.
create or replace function public.lh_ab_pick(p_lead_id bigint, p_source text, p_created_at timestamptz,
  out ab_test_id bigint, out ab_test_group text)
language plpgsql stable parallel safe
as $$
declare
  v_ids bigint[];
  v_k integer;
  v_test bigint;
  v_seed text;
  v_pct double precision;
  v_id text;
begin
  if p_lead_id is null then
    return;
  end if;
  v_ids := array(select t.id from public.lh_ab_tests t
    where t.status = 'running' and t.started_at <= p_created_at and (t.segment is null or t.segment = p_source)
    order by t.id);
  v_k := pg_catalog.cardinality(v_ids);
  if v_k = 0 then
    return;
  end if;
  v_id := p_lead_id::text;
  if v_k = 1 then
    v_test := v_ids[1];
  else
    -- index (bucket('lh-ab-exclusion', id) * k) / 10000, 0-based
    v_test := v_ids[1 + ((public.lh_fnv1a32(public.lh_fnv1a32_from(public.lh_fnv1a32('lh-ab-exclusion'), v_id)::text)
      % 10000) * v_k / 10000)::integer];
  end if;
  select coalesce(t.hash_seed, 'lh-ab-' || t.id::text), t.traffic_allocation_pct::double precision
    into v_seed, v_pct
    from public.lh_ab_tests t where t.id = v_test;
  ab_test_id := v_test;
  ab_test_group := case when (public.lh_fnv1a32(public.lh_fnv1a32(v_seed || v_id)::text) % 10000)::double precision
                             < v_pct * 100
                        then 'treatment' else 'control' end;
end
$$;
comment on function public.lh_ab_pick(bigint, text, timestamptz) is
  'The running test (exclusive pick) and group for a lead with this id, source and created_at; nulls if none. Writes nothing.';

-- At most one row: the test and group a lead with this id, source and creation time gets now.
create or replace function public.lh_ab_choose(p_lead_id bigint, p_source text, p_created_at timestamptz)
returns table (ab_test_id bigint, ab_test_group text)
language sql stable parallel safe
as $$
  select p.ab_test_id, p.ab_test_group
  from public.lh_ab_pick(p_lead_id, p_source, p_created_at) p
  where p.ab_test_id is not null
$$;
comment on function public.lh_ab_choose(bigint, text, timestamptz) is
  'The running test (exclusive pick) and group for a lead with this id, source and created_at; no row if none. Writes nothing.';

-- ---------------------------------------------------------------- assign one lead (ingestion)
create or replace function public.lh_assign_ab_test(p_lead_id bigint, p_now timestamptz default now())
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_lead record;
  v_test_id bigint;
  v_group text;
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
  if v_lead.ab_test_id is not null or v_lead.ab_test_group is not null then
    return pg_catalog.jsonb_build_object('lead_id', p_lead_id, 'status', 'kept', 'ab_test_id', v_lead.ab_test_id,
      'ab_test_group', v_lead.ab_test_group, 'ab_assigned_at', v_lead.ab_assigned_at);
  end if;
  select c.ab_test_id, c.ab_test_group into v_test_id, v_group
    from public.lh_ab_choose(p_lead_id, v_lead.source, v_lead.created_at) c;
  if v_test_id is null then
    return pg_catalog.jsonb_build_object('lead_id', p_lead_id, 'status', 'none', 'ab_test_id', null,
      'ab_test_group', null, 'ab_assigned_at', null);
  end if;
  update public.lh_lead_status l
    set ab_test_id = v_test_id, ab_test_group = v_group, ab_assigned_at = p_now
    where l.id = p_lead_id;
  return pg_catalog.jsonb_build_object('lead_id', p_lead_id, 'status', 'assigned', 'ab_test_id', v_test_id,
    'ab_test_group', v_group, 'ab_assigned_at', p_now);
end
$$;
comment on function public.lh_assign_ab_test(bigint, timestamptz) is
  'Assigns one lead to at most one running test (sticky, exclusive, hash v2). Returns {lead_id, status: assigned|kept|none, ab_test_id, ab_test_group, ab_assigned_at}.';

-- ---------------------------------------------------------------- assign every pending lead (set-based)
create or replace function public.lh_assign_pending_leads(p_now timestamptz default now())
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- No self-join of lh_lead_status (a fresh table without statistics turned that into n^2 nested
  -- loops): each candidate row is updated in place. The exists() is lh_ab_choose's eligibility, and
  -- lh_ab_choose returns exactly one row whenever it holds. A concurrent lh_assign_ab_test wins the row
  -- lock and the where clause is rechecked, so nothing is ever reassigned.
  update public.lh_lead_status l
    set (ab_test_id, ab_test_group, ab_assigned_at) = (
      select c.ab_test_id, c.ab_test_group, p_now
      from public.lh_ab_choose(l.id, l.source, l.created_at) c)
    where l.ab_test_id is null and l.ab_test_group is null
      and l.created_at >= (select pg_catalog.min(t.started_at) from public.lh_ab_tests t where t.status = 'running')
      and exists (select 1 from public.lh_ab_tests t
        where t.status = 'running' and t.started_at <= l.created_at and (t.segment is null or t.segment = l.source));
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function public.lh_assign_pending_leads(timestamptz) is
  'Assigns every unassigned lead eligible for a running test, in one statement; returns how many were assigned.';

-- ---------------------------------------------------------------- optional trigger
create or replace function public.lh_assign_ab_test_on_insert() returns trigger
language plpgsql
as $$
declare
  v_pick record;
begin
  -- an assignment given explicitly at insert is kept exactly as given
  if new.ab_test_id is null and new.ab_test_group is null then
    v_pick := public.lh_ab_pick(new.id, new.source, new.created_at); -- a direct call: no query around it
    if v_pick.ab_test_id is not null then
      new.ab_test_id := v_pick.ab_test_id;
      new.ab_test_group := v_pick.ab_test_group;
      new.ab_assigned_at := coalesce(new.ab_assigned_at, pg_catalog.now());
    end if;
  end if;
  return new;
end
$$;

create or replace function public.lh_enable_assignment_trigger() returns void
language plpgsql
set search_path = ''
as $$
begin
  create or replace trigger lh_lead_status_assign_ab
    before insert on public.lh_lead_status
    for each row execute function public.lh_assign_ab_test_on_insert();
end
$$;
comment on function public.lh_enable_assignment_trigger() is
  'Turns on assignment at insert (BEFORE INSERT trigger lh_lead_status_assign_ab). Off by default. Idempotent.';

create or replace function public.lh_disable_assignment_trigger() returns void
language plpgsql
set search_path = ''
as $$
begin
  drop trigger if exists lh_lead_status_assign_ab on public.lh_lead_status;
end
$$;
comment on function public.lh_disable_assignment_trigger() is
  'Turns off assignment at insert (drops trigger lh_lead_status_assign_ab). Idempotent.';

create or replace function public.lh_assignment_trigger_enabled() returns boolean
language sql stable
as $$
  select exists (select 1 from pg_catalog.pg_trigger g
    where g.tgrelid = 'public.lh_lead_status'::pg_catalog.regclass and g.tgname = 'lh_lead_status_assign_ab')
$$;

-- ---------------------------------------------------------------- privileges
do $$
declare
  f text;
begin
  foreach f in array array['public.lh_fnv1a32_from(bigint, text)', 'public.lh_fnv1a32(text)', 'public.lh_hash_v2_bucket(text, text)',
    'public.lh_hash_v2(text, text)', 'public.lh_ab_pick(bigint, text, timestamptz)', 'public.lh_ab_choose(bigint, text, timestamptz)',
    'public.lh_assign_ab_test(bigint, timestamptz)', 'public.lh_assign_pending_leads(timestamptz)',
    'public.lh_assign_ab_test_on_insert()', 'public.lh_enable_assignment_trigger()',
    'public.lh_disable_assignment_trigger()', 'public.lh_assignment_trigger_enabled()']
  loop
    execute format('revoke all on function %s from public', f);
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute format('revoke all on function %s from anon', f);
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
      execute format('revoke all on function %s from authenticated', f);
    end if;
  end loop;
end
$$;
