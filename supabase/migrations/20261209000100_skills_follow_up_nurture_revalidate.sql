-- Skills that act, part 3: follow-up-sequencer, source-optimizer and pattern-optimizer (issue 13).
--
-- Why: a spawned skill whose treatment leads are handled like control makes every test an A/A test. These three
-- skills now say what to do, through the same queue and the same tick as instant-responder
-- (lh_generate_skill_actions; who gets actions is lh_skill_targets, unchanged: treatment leads of the running
-- test, never control; every lead created after KEEP; nothing after KILL):
-- - follow-up-sequencer: a contacted, not yet qualified treatment lead gets `follow_up` 1, 3, 7 and 14 days after
--   its contact (steps day-1 … day-14), all written when the contact is seen (claimable when due); pending and
--   claimed ones are cancelled once the lead is qualified, closed or lost. Leads created up to 30 days back
--   count, so a contact made days after the lead arrives still starts the sequence.
-- - source-optimizer: a treatment lead of the weak source (the skill's segment) gets `nurture` at once: the
--   slower, cheaper sequence (payload: sequence, source).
-- - pattern-optimizer: each day the daily job fits, per validation pattern, the confidence threshold with the
--   best F1 on the last 28 days of labelled validations (lh_scored_truths, the one scoring rule, with
--   lh_validation_history.confidence) on 70 % of them, and checks it on the other 30 % against what the
--   pattern predicted (lh_fit_pattern_thresholds; stored in lh_pattern_thresholds, one row per skill, day and
--   pattern). A threshold that does worse on the holdout, or a holdout without both outcomes, is not used and
--   says why. Treatment leads get `revalidate` with the thresholds in use (payload thresholds {pattern: t}).

-- ---------------------------------------------------------------- pattern thresholds (pattern-optimizer's model)
create table if not exists public.lh_pattern_thresholds (
  id bigint generated always as identity primary key,
  skill_id bigint not null references public.lh_spawned_skills (id) on delete cascade,
  -- the last metric day of the 28 the fit read
  fitted_for date not null,
  pattern_name text not null,
  -- null when no threshold could be fitted (no labelled validation with a confidence)
  threshold numeric check (threshold is null or (threshold >= 0 and threshold <= 1)),
  train_n integer not null check (train_n >= 0),
  train_f1 double precision,
  holdout_n integer not null check (holdout_n >= 0),
  -- F1 on the holdout with the fitted threshold, and with what the pattern predicted
  holdout_f1 double precision,
  holdout_f1_current double precision,
  used boolean not null,
  reason text not null,
  created_at timestamptz not null default now(),
  constraint lh_pattern_thresholds_once unique (skill_id, fitted_for, pattern_name),
  constraint lh_pattern_thresholds_used_has_threshold check (not used or threshold is not null)
);
comment on table public.lh_pattern_thresholds is
  'pattern-optimizer''s fitted confidence thresholds: per skill, day and pattern, the F1-best threshold on 70 % of the last 28 days of labelled validations, checked on the other 30 %; used when not worse than the pattern''s own predictions there.';
select public.lh_revoke_client_table('public.lh_pattern_thresholds');

-- F1 = 2tp / (2tp + fp + fn); null when there is nothing to score (no positive predicted nor actual)
create or replace function public.lh_f1(p_tp bigint, p_fp bigint, p_fn bigint) returns double precision
language sql immutable
set search_path = ''
as $$
  select case when 2 * p_tp + p_fp + p_fn = 0 then null else (2.0 * p_tp / (2 * p_tp + p_fp + p_fn))::double precision end
$$;

-- Fits every testing or active pattern-optimizer's thresholds for the 28 days ending p_as_of (business zone).
-- Idempotent: a (skill, day, pattern) already fitted is kept. Returns {fitted, used, patterns: [...]}.
create or replace function public.lh_fit_pattern_thresholds(p_as_of date, p_time_zone text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_fitted integer;
begin
  if p_as_of is null or p_time_zone is null then
    raise exception 'lh_fit_pattern_thresholds: the day and the time zone must not be null' using errcode = '22004';
  end if;
  if not exists (select 1 from public.lh_spawned_skills s where s.skill_type = 'pattern-optimizer' and s.status in ('testing', 'active')) then
    return pg_catalog.jsonb_build_object('fitted', 0, 'used', 0, 'patterns', '[]'::jsonb);
  end if;

  with labelled as (
    -- each validation once, scored by its latest truth in the window, with its confidence
    select distinct on (t.validation_id) t.validation_id, t.pattern_name, t.predicted, t.actual, v.confidence,
           (t.validation_id % 10) < 3 as holdout
      from public.lh_scored_truths(p_as_of - 27, p_as_of, p_time_zone) t
      join public.lh_validation_history v on v.id = t.validation_id
     where t.validation_id is not null and t.actual is not null and v.confidence is not null
     order by t.validation_id, t.truth_day desc
  ), sizes as (
    select l.pattern_name,
           pg_catalog.count(*) filter (where not l.holdout)::integer as train_n,
           pg_catalog.count(*) filter (where l.holdout)::integer as holdout_n,
           pg_catalog.count(*) filter (where not l.holdout and l.actual) as train_pos,
           pg_catalog.count(*) filter (where l.holdout and l.actual) as holdout_pos,
           pg_catalog.count(*) filter (where l.holdout and not l.actual) as holdout_neg
      from labelled l group by l.pattern_name
  ), curve as (
    -- predicting "valid" when confidence >= t, for every t among the training confidences: the running sums
    -- over confidence descending (RANGE: ties count together, exactly confidence >= t)
    select l.pattern_name, l.confidence as threshold,
           pg_catalog.sum(case when l.actual then 1 else 0 end) over w as tp,
           pg_catalog.sum(case when l.actual then 0 else 1 end) over w as fp
      from labelled l
     where not l.holdout
    window w as (partition by l.pattern_name order by l.confidence desc range between unbounded preceding and current row)
  ), best as (
    select distinct on (c.pattern_name) c.pattern_name, c.threshold,
           public.lh_f1(c.tp, c.fp, s.train_pos - c.tp) as f1
      from curve c join sizes s using (pattern_name)
     order by c.pattern_name, public.lh_f1(c.tp, c.fp, s.train_pos - c.tp) desc nulls last, c.threshold desc
  ), checked as (
    select s.pattern_name, b.threshold, s.train_n, b.f1 as train_f1, s.holdout_n, s.holdout_pos, s.holdout_neg,
           public.lh_f1(pg_catalog.count(*) filter (where l.holdout and l.actual and l.confidence >= b.threshold),
                        pg_catalog.count(*) filter (where l.holdout and not l.actual and l.confidence >= b.threshold),
                        pg_catalog.count(*) filter (where l.holdout and l.actual and not (l.confidence >= b.threshold))) as holdout_f1,
           public.lh_f1(pg_catalog.count(*) filter (where l.holdout and l.actual and l.predicted),
                        pg_catalog.count(*) filter (where l.holdout and not l.actual and l.predicted),
                        pg_catalog.count(*) filter (where l.holdout and l.actual and not coalesce(l.predicted, false))) as holdout_f1_current
      from sizes s
      left join best b using (pattern_name)
      left join labelled l using (pattern_name)
     group by s.pattern_name, b.threshold, s.train_n, b.f1, s.holdout_n, s.holdout_pos, s.holdout_neg
  ), verdict as (
    select c.*,
           case
             when c.threshold is null then 'no labelled validation with a confidence to fit on'
             when c.holdout_pos = 0 or c.holdout_neg = 0 then pg_catalog.format('the holdout (%s labelled) lacks a valid or an invalid contact: nothing to check the threshold on', c.holdout_n)
             when c.holdout_f1 is null or c.holdout_f1 < coalesce(c.holdout_f1_current, 0) then
               pg_catalog.format('holdout F1 %s with threshold %s is below the pattern''s own %s', pg_catalog.round(coalesce(c.holdout_f1, 0)::numeric, 3), c.threshold, pg_catalog.round(coalesce(c.holdout_f1_current, 0)::numeric, 3))
           end as refusal
      from checked c
  ), ins as (
    insert into public.lh_pattern_thresholds (skill_id, fitted_for, pattern_name, threshold, train_n, train_f1, holdout_n,
                                              holdout_f1, holdout_f1_current, used, reason)
    select s.id, p_as_of, v.pattern_name, v.threshold, v.train_n, v.train_f1, v.holdout_n, v.holdout_f1, v.holdout_f1_current,
           v.refusal is null,
           coalesce(v.refusal, pg_catalog.format('holdout F1 %s with threshold %s against the pattern''s own %s', pg_catalog.round(v.holdout_f1::numeric, 3), v.threshold, pg_catalog.round(coalesce(v.holdout_f1_current, 0)::numeric, 3)))
      from public.lh_spawned_skills s cross join verdict v
     where s.skill_type = 'pattern-optimizer' and s.status in ('testing', 'active')
    on conflict on constraint lh_pattern_thresholds_once do nothing
    returning 1
  )
  select pg_catalog.count(*)::integer into v_fitted from ins;

  return pg_catalog.jsonb_build_object('fitted', v_fitted,
    'used', (select pg_catalog.count(*) from public.lh_pattern_thresholds p where p.fitted_for = p_as_of and p.used),
    'patterns', coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('skillId', p.skill_id, 'pattern', p.pattern_name,
        'threshold', p.threshold, 'used', p.used, 'reason', p.reason) order by p.skill_id, p.pattern_name)
      from public.lh_pattern_thresholds p where p.fitted_for = p_as_of), '[]'::jsonb));
end
$$;
comment on function public.lh_fit_pattern_thresholds(date, text) is
  'pattern-optimizer: fits per pattern the F1-best confidence threshold on the 28 days ending the given day and checks it on a holdout (lh_pattern_thresholds). Idempotent.';

-- ---------------------------------------------------------------- the tick, restated with the three skills
drop function if exists public.lh_generate_skill_actions(timestamptz, interval, interval);
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
  v_follow integer;
  v_nurture integer;
  v_revalidate integer;
  v_cancelled integer;
  v_ended integer;
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

  -- follow-up-sequencer: days 1, 3, 7, 14 after the contact, for contacted leads not yet qualified (leads of the
  -- last 30 days: the contact may come days after the lead); a step already past its expiry is not written
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'follow_up', 'day-' || d.day, l.contacted_at + d.day * interval '1 day',
         pg_catalog.jsonb_build_object('day', d.day, 'contactedAt', l.contacted_at, 'of', 4)
    from public.lh_skill_targets('follow-up-sequencer', p_now - interval '30 days', p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
   cross join (values (1), (3), (7), (14)) d(day)
   where l.contacted_at is not null and l.contacted_at <= p_now and l.status = 'contacted'
     and l.contacted_at + d.day * interval '1 day' >= p_now - p_expire_after
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_follow = row_count;

  -- source-optimizer: the weak source's treatment leads go to the nurture sequence at once
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'nurture', '', l.created_at,
         pg_catalog.jsonb_build_object('sequence', 'nurture', 'source', s.segment,
           'reason', 'weak source: the slower, cheaper sequence instead of the full one')
    from public.lh_skill_targets('source-optimizer', v_from, p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
    join public.lh_spawned_skills s on s.id = g.skill_id
   where l.status in ('new', 'contacted')
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_nurture = row_count;

  -- pattern-optimizer: revalidate with the thresholds in use (the skill's latest fit; none used: no action)
  insert into public.lh_skill_actions (skill_id, test_id, lead_id, action, step, due_at, payload)
  select g.skill_id, g.test_id, g.lead_id, 'revalidate', '', l.created_at,
         pg_catalog.jsonb_build_object('thresholds', th.thresholds, 'fittedFor', th.fitted_for)
    from public.lh_skill_targets('pattern-optimizer', v_from, p_now) g
    join public.lh_lead_status l on l.id = g.lead_id
    join lateral (
      select p.fitted_for, pg_catalog.jsonb_object_agg(p.pattern_name, p.threshold) as thresholds
        from public.lh_pattern_thresholds p
       where p.skill_id = g.skill_id and p.used
         and p.fitted_for = (select pg_catalog.max(q.fitted_for) from public.lh_pattern_thresholds q where q.skill_id = g.skill_id)
       group by p.fitted_for
    ) th on true
  on conflict on constraint lh_skill_actions_once do nothing;
  get diagnostics v_revalidate = row_count;

  -- what no longer applies: a lead contacted since needs no auto-reply or call
  update public.lh_skill_actions a set status = 'cancelled'
    from public.lh_lead_status l
   where a.lead_id = l.id and a.status = 'pending' and a.action in ('auto_reply', 'call_now')
     and l.contacted_at is not null and a.due_at >= v_from;
  get diagnostics v_cancelled = row_count;

  -- a lead qualified, closed or lost needs no follow-up nor nurture any more (pending or in a consumer's hands)
  update public.lh_skill_actions a set status = 'cancelled'
    from public.lh_lead_status l
   where a.lead_id = l.id and a.status in ('pending', 'claimed') and a.action in ('follow_up', 'nurture')
     and l.status in ('qualified', 'closed', 'lost');
  get diagnostics v_ended = row_count;

  -- what nobody carried out in time: never claimed after this, counted by the report (index lh_skill_actions_due)
  update public.lh_skill_actions a set status = 'expired'
   where a.status = 'pending' and a.due_at < p_now - p_expire_after;
  get diagnostics v_expired = row_count;

  return pg_catalog.jsonb_build_object('assigned', v_assigned,
    'created', pg_catalog.jsonb_build_object('auto_reply', v_auto, 'call_now', v_call, 'follow_up', v_follow,
      'nurture', v_nurture, 'revalidate', v_revalidate),
    'cancelled', v_cancelled + v_ended, 'expired', v_expired);
end
$$;
comment on function public.lh_generate_skill_actions(timestamptz, interval, interval) is
  'The set-based tick: assigns pending leads, writes the actions of every skill that applies (instant-responder, follow-up-sequencer, source-optimizer, pattern-optimizer), cancels what no longer applies, expires what nobody did within expire_after. Idempotent; safe to run twice at once.';

select public.lh_revoke_client_execute('public.lh_generate_skill_actions(timestamptz, interval, interval)',
  'public.lh_f1(bigint, bigint, bigint)', 'public.lh_fit_pattern_thresholds(date, text)');
