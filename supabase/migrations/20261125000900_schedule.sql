-- Scheduling (SPEC §5, issue 6).
--
-- 1. lh_job_runs: the ledger of scheduled runs, one row per (job, run_key) — the daily job's key is the
--    metric date it computed, the analysis's key is the business-calendar Monday it ran for. The primary
--    key makes "a run is recorded once" a constraint. Written by `lh-brain worker` (self-hosted); the
--    Supabase schedule below does not need it.
-- 2. lh_schedule_jobs(): on Supabase, schedules both edge functions with pg_cron + pg_net, reading the
--    project URL and the cron secret from Vault AT EACH RUN (rotating a secret needs no re-scheduling).
--    Where pg_cron, pg_net or Vault or the secrets are missing (plain PostgreSQL, PGlite, a project whose
--    secrets are not created yet) it changes nothing and says why (RAISE NOTICE + its jsonb result).
--    Create the secrets, then re-run it:
--      select vault.create_secret('https://<ref>.supabase.co', 'lh_project_url');
--      select vault.create_secret('<the LH_CRON_SECRET of the functions>', 'lh_cron_secret');
--      select public.lh_schedule_jobs();
--    pg_cron runs in UTC: '1 0 * * *' is 00:01 UTC. For a business time zone west of UTC the default is
--    still correct (the function computes "yesterday" in the business zone), only later; pass another
--    schedule to run closer to local midnight, e.g. select lh_schedule_jobs('1 5 * * *') for New York.
-- SECURITY INVOKER on purpose: only the owner / postgres (who own cron and vault access) can run it.

-- ---------------------------------------------------------------- run ledger (lh-brain worker)
create table public.lh_job_runs (
  job text not null check (job in ('daily', 'analysis')),
  run_key text not null check (run_key ~ '^\d{4}-\d{2}-\d{2}$'),
  status text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  attempts integer not null default 1 check (attempts > 0),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  worker text,
  error text,
  summary jsonb,
  primary key (job, run_key),
  constraint lh_job_runs_finished_iff_done check ((status = 'running') = (finished_at is null))
);
comment on table public.lh_job_runs is
  'One row per scheduled run of lh-brain worker: job daily (run_key = metric date) or analysis (run_key = the Monday).';

-- lh_brain_migrations too: the migrator creates it before any migration and revokes only PUBLIC, so on
-- Supabase the default privileges of schema public would leave anon/authenticated granted on it
alter table public.lh_job_runs enable row level security;
revoke all on public.lh_job_runs from public;
do $$
declare
  t text;
begin
  -- and the identity sequences of every lh_ table, which Supabase's default privileges grant as well
  for t in
    select 'public.' || pg_catalog.quote_ident(c.relname) from pg_catalog.pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relname like 'lh\_%'
      and (c.relkind = 'S' or c.relname in ('lh_job_runs', 'lh_brain_migrations'))
  loop
    execute format('revoke all on %s from public', t);
    if exists (select 1 from pg_roles where rolname = 'anon') then
      execute format('revoke all on %s from anon', t);
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
      execute format('revoke all on %s from authenticated', t);
    end if;
  end loop;
end
$$;

-- ---------------------------------------------------------------- extensions, where the server has them
-- Supabase ships both; a plain PostgreSQL usually has neither, and pg_cron refuses to load without
-- shared_preload_libraries. Any failure here is a notice, never a failed migration.
do $$
declare
  v_ext text;
begin
  foreach v_ext in array array['pg_cron', 'pg_net'] loop
    if exists (select 1 from pg_catalog.pg_extension e where e.extname = v_ext) then
      continue;
    end if;
    if not exists (select 1 from pg_catalog.pg_available_extensions a where a.name = v_ext) then
      raise notice 'lh schedule: extension % is not available on this server; scheduling skipped', v_ext;
      continue;
    end if;
    begin
      execute pg_catalog.format('create extension if not exists %I', v_ext);
    exception when others then
      raise notice 'lh schedule: could not create extension % (%); scheduling skipped', v_ext, sqlerrm;
    end;
  end loop;
end
$$;

-- ---------------------------------------------------------------- the pg_cron command of one function
create or replace function public.lh_cron_command(p_function text, p_timeout_ms integer)
returns text
language sql immutable strict
set search_path = ''
as $$
  select pg_catalog.format(
    $cmd$select net.http_post(
  url := (select s.decrypted_secret from vault.decrypted_secrets s where s.name = 'lh_project_url') || '/functions/v1/%s',
  headers := pg_catalog.jsonb_build_object('Content-Type', 'application/json',
    'x-cron-secret', (select s.decrypted_secret from vault.decrypted_secrets s where s.name = 'lh_cron_secret')),
  body := '{}'::jsonb,
  timeout_milliseconds := %s
) as request_id$cmd$, p_function, p_timeout_ms)
  where p_function ~ '^[a-z0-9-]+$'
$$;
comment on function public.lh_cron_command(text, integer) is
  'The SQL pg_cron runs to POST to one edge function; URL and secret are read from Vault when it runs, never stored in cron.job.';

-- ---------------------------------------------------------------- schedule / unschedule
create or replace function public.lh_schedule_jobs(
  p_daily_schedule text default '1 0 * * *',
  p_analysis_schedule text default '0 3 * * 1',
  p_timeout_ms integer default 300000
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_missing text;
  v_daily bigint;
  v_analysis bigint;
begin
  if p_timeout_ms is null or p_timeout_ms < 1000 or p_timeout_ms > 3600000 then
    raise exception 'lh_schedule_jobs: timeout must be between 1000 and 3600000 ms, got %', p_timeout_ms
      using errcode = '22023';
  end if;
  v_missing := case
    when pg_catalog.to_regprocedure('cron.schedule(text,text,text)') is null then 'pg_cron is not installed'
    when pg_catalog.to_regprocedure('net.http_post(text,jsonb,jsonb,jsonb,integer)') is null then 'pg_net is not installed'
    when pg_catalog.to_regclass('vault.decrypted_secrets') is null then 'Vault (supabase_vault) is not installed'
  end;
  if v_missing is null then
    -- dynamic SQL: the vault schema does not exist on servers without it
    execute $q$select case
        when not exists (select 1 from vault.decrypted_secrets s where s.name = 'lh_project_url' and s.decrypted_secret <> '')
          then 'Vault secret lh_project_url is missing'
        when not exists (select 1 from vault.decrypted_secrets s where s.name = 'lh_cron_secret' and s.decrypted_secret <> '')
          then 'Vault secret lh_cron_secret is missing'
      end$q$ into v_missing;
  end if;
  if v_missing is not null then
    raise notice 'lh_schedule_jobs: % — nothing scheduled (see supabase/migrations/20261125000900_schedule.sql)', v_missing;
    return pg_catalog.jsonb_build_object('status', 'skipped', 'reason', v_missing);
  end if;
  -- a job name that exists is replaced, so re-running is idempotent
  execute 'select cron.schedule($1, $2, $3)' into v_daily
    using 'lead-hunter-daily-metrics', p_daily_schedule, public.lh_cron_command('lead-hunter-daily-metrics', p_timeout_ms);
  execute 'select cron.schedule($1, $2, $3)' into v_analysis
    using 'lead-hunter-ab-analysis', p_analysis_schedule, public.lh_cron_command('lead-hunter-ab-analysis', p_timeout_ms);
  raise notice 'lh_schedule_jobs: scheduled lead-hunter-daily-metrics (%) and lead-hunter-ab-analysis (%)',
    p_daily_schedule, p_analysis_schedule;
  return pg_catalog.jsonb_build_object('status', 'scheduled', 'jobs', pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('jobid', v_daily, 'name', 'lead-hunter-daily-metrics', 'schedule', p_daily_schedule),
    pg_catalog.jsonb_build_object('jobid', v_analysis, 'name', 'lead-hunter-ab-analysis', 'schedule', p_analysis_schedule)));
end
$$;
comment on function public.lh_schedule_jobs(text, text, integer) is
  'Schedules both edge functions with pg_cron + pg_net (secrets from Vault); a clean skip with the reason where any piece is missing. Idempotent.';

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
    where j.jobname in ('lead-hunter-daily-metrics', 'lead-hunter-ab-analysis')$q$ into v_count;
  return v_count;
end
$$;
comment on function public.lh_unschedule_jobs() is 'Removes both pg_cron jobs if present; returns how many were removed.';

do $$
declare
  f text;
begin
  foreach f in array array['public.lh_cron_command(text, integer)',
    'public.lh_schedule_jobs(text, text, integer)', 'public.lh_unschedule_jobs()']
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

select public.lh_schedule_jobs();
