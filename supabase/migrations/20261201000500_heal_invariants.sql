-- The pairing of skills and tests, healed at the start of the daily job and of the analysis (issue 10, item 4).
--
-- The invariant: a skill is `testing` exactly while its A/B test is `running`. The analysis keeps it (it
-- completes a test and moves its skill in one transaction), but a test completed anywhere else (by hand, by
-- another service, or by an edit the analysis waited on and then found the test no longer running) leaves its
-- skill `testing` for ever, and the unique index lh_spawned_skills_one_testing_per_type then blocks every new
-- skill of that type.
--
-- lh_heal_skill_invariants(p_now), called by both jobs before their own work:
-- - a `testing` skill with no running test is resolved: from the recommendation of its latest test when that
--   is KEEP (→ active) or KILL (→ killed), with the test's lift; otherwise (no test, a test without a final
--   recommendation) killed with the reason 'test ended outside the analysis'. decision_made_at = p_now, the
--   job's clock, as the analysis does.
-- - a `running` test whose skill is not `testing` (no skill, a deleted skill, an active or killed one) is
--   reported, not changed: completing someone's experiment is a decision for a person.
-- It returns both lists as jsonb (snake_case; src/db/queries/skill-invariants.ts maps it):
--   {"resolved_skills": [{skill_id, skill_type, skill_name, status, test_id, recommendation, reason}],
--    "running_tests_without_testing_skill": [{test_id, test_name, metric_tracked, segment, skill_id, skill_status}]}
--
-- Idempotent, and safe to run twice at once: a transaction advisory lock lets one healer run at a time, the
-- second then reads (a new snapshot per statement, READ COMMITTED) what the first committed and finds nothing
-- left; skills are locked FOR UPDATE SKIP LOCKED, so a skill the analysis is deciding at that moment (it holds
-- the row lock until it commits the test and the skill together) is left to the analysis, and the update is
-- guarded by status = 'testing'.

create or replace function public.lh_heal_skill_invariants(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_skill record;
  v_test record;
  v_status text;
  v_reason text;
  v_lift double precision;
  v_resolved jsonb := '[]'::jsonb;
  v_reported jsonb;
begin
  if p_now is null or not pg_catalog.isfinite(p_now) then
    raise exception 'lh_heal_skill_invariants: p_now must be a finite timestamp, got %', p_now using errcode = '22023';
  end if;
  -- one healer at a time, until commit; key: 'lhHI' as an integer, fixed for this project
  perform pg_catalog.pg_advisory_xact_lock(1818773577);

  for v_skill in
    select s.id, s.skill_type, s.skill_name
      from public.lh_spawned_skills s
     where s.status = 'testing'
       and not exists (select 1 from public.lh_ab_tests t where t.skill_id = s.id and t.status = 'running')
     order by s.id
       for update of s skip locked
  loop
    -- its latest test (completed: none of its tests is running)
    select t.id, t.recommendation, t.lift_pct, t.decision_reason
      into v_test
      from public.lh_ab_tests t
     where t.skill_id = v_skill.id
     order by t.ended_at desc nulls last, t.id desc
     limit 1;
    if found and v_test.recommendation in ('KEEP', 'KILL') then
      v_status := case v_test.recommendation when 'KEEP' then 'active' else 'killed' end;
      v_lift := v_test.lift_pct;
      v_reason := pg_catalog.format('test ended outside the analysis; resolved from test %s''s recommendation %s%s',
        v_test.id, v_test.recommendation,
        case when v_test.decision_reason is not null then ': ' || v_test.decision_reason else '' end);
    else
      v_status := 'killed';
      v_lift := null;
      v_reason := 'test ended outside the analysis';
    end if;

    update public.lh_spawned_skills s
       set status = v_status, decision_made_at = p_now, decision_reason = v_reason,
           actual_lift_pct = coalesce(v_lift, s.actual_lift_pct)
     where s.id = v_skill.id and s.status = 'testing';
    if found then
      v_resolved := v_resolved || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'skill_id', v_skill.id, 'skill_type', v_skill.skill_type, 'skill_name', v_skill.skill_name,
        'status', v_status,
        'test_id', case when v_test.id is not null then v_test.id end,
        'recommendation', case when v_test.recommendation in ('KEEP', 'KILL') then v_test.recommendation end,
        'reason', v_reason));
    end if;
  end loop;

  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'test_id', t.id, 'test_name', t.test_name, 'metric_tracked', t.metric_tracked, 'segment', t.segment,
           'skill_id', t.skill_id, 'skill_status', s.status) order by t.id), '[]'::jsonb)
    into v_reported
    from public.lh_ab_tests t
    left join public.lh_spawned_skills s on s.id = t.skill_id
   where t.status = 'running' and s.status is distinct from 'testing';

  return pg_catalog.jsonb_build_object('resolved_skills', v_resolved, 'running_tests_without_testing_skill', v_reported);
end
$$;

comment on function public.lh_heal_skill_invariants(timestamptz) is
  'Resolves testing skills whose test is not running (from its KEEP/KILL recommendation, else killed: '
  '"test ended outside the analysis") and reports running tests whose skill is not testing; jsonb of both.';

select public.lh_revoke_client_execute('public.lh_heal_skill_invariants(timestamptz)');
