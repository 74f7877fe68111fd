/**
 * Synthetic dataset, generated in the database with generate_series (set-based, seeded with setseed so
 * every run builds the same data), on PostgreSQL and PGlite alike:
 *   - `leads` leads over SPAN_DAYS days ending on BENCH_DAY, 14 sources, 70% contacted within 0–8 h,
 *     35% of those qualified within 0–10 days, 30% of those closed;
 *   - 20 running tests (6 unsegmented metrics + source_conversion_rate for each of the 14 sources),
 *     started TEST_DAYS before the end; every lead created since is assigned by lh_assign_pending_leads
 *     (overlapping tests, migration 20261203000100: each such lead joins the 6 unsegmented tests and its
 *     source's, 7 rows of lh_ab_assignments, 50/50 control/treatment by each test's hash). min_sample_size
 *     is set out of reach so every analysis run computes everything and decides nothing (repeatable timings);
 *   - `validationsPerLead` × leads validations over 4 patterns; 10% of them get the agent's truth.
 */
import type { Database } from '../src/db/port.ts';
import { BENCH_DAY, BENCH_NOW, SPAN_DAYS, TEST_DAYS } from './config.ts';

export const SOURCES = ['zillow', 'referral', 'direct_mail', 'cold_call',
  ...Array.from({ length: 10 }, (_, i) => `src_${String(i + 5).padStart(2, '0')}`)];
const UNSEGMENTED = ['avg_response_time_hours', 'contact_rate', 'qualification_rate', 'f1_score', 'avg_days_to_qualify', 'conversion_rate'];

export interface Dataset {
  readonly leads: number;
  readonly validations: number;
  readonly feedback: number;
  /** Leads in at least one test, and rows of lh_ab_assignments (lead × test). */
  readonly assigned: number;
  readonly assignments: number;
  readonly generateMs: number;
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const srcArray = `array[${SOURCES.map(lit).join(',')}]`;

function endOfSpan(): string {
  return `(${lit(BENCH_DAY)}::date + 1)::timestamptz`;
}

export async function generate(db: Database, leads: number, validationsPerLead: number): Promise<Dataset> {
  const t0 = performance.now();
  const start = `(${endOfSpan()} - interval '${SPAN_DAYS} days')`;
  const testStart = `(${endOfSpan()} - interval '${TEST_DAYS} days')`;
  const stepSeconds = (SPAN_DAYS * 86400) / leads;
  const tests = [
    ...UNSEGMENTED.map((m, i) => `(${i + 1}, ${lit(`bench ${m}`)}, ${lit(m)}, null)`),
    ...SOURCES.map((s, i) => `(${i + 7}, ${lit(`bench source ${s}`)}, 'source_conversion_rate', ${lit(s)})`),
  ];
  await db.script(`
    insert into public.lh_ab_tests (id, test_name, metric_tracked, segment, min_sample_size, started_at, max_duration_days)
    select v.id, v.name, v.metric, v.segment, 100000000, ${testStart}, 3650
    from (values ${tests.join(', ')}) as v(id, name, metric, segment);
    select setval(pg_get_serial_sequence('public.lh_ab_tests', 'id'), 20);`);
  await db.script(`select setseed(0.42);
    insert into public.lh_lead_status (id, property_id, contact_id, source, status, created_at, contacted_at,
      qualified_at, closed_at)
    select i, i, i, src,
      case when cl then 'closed' when q then 'qualified' when c then 'contacted' when lost then 'lost' else 'new' end,
      created,
      case when c then created + resp end,
      case when q then created + resp + qual end,
      case when cl then created + resp + qual + clo end
    from (
        select g.*, (${srcArray})[src_idx] as src,
          r1 < 0.7 as c, r1 < 0.7 and r2 < 0.35 as q, r1 < 0.7 and r2 < 0.35 and r3 < 0.3 as cl, r1 >= 0.7 and r3 < 0.2 as lost,
          r4 * interval '8 hours' as resp, r5 * interval '10 days' as qual, r3 * interval '20 days' as clo
        from (
          select i, ${start} + (i - 1) * interval '${stepSeconds} seconds' as created,
            1 + floor(random() * ${SOURCES.length})::int as src_idx,
            random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
          from generate_series(1, ${leads}) as i
        ) g
    ) k;
    select setval(pg_get_serial_sequence('public.lh_lead_status', 'id'), ${leads});`);
  // as a deployment assigns leads that arrived with the trigger off: set-based, every eligible test
  await db.query('select public.lh_assign_pending_leads($1)', [BENCH_NOW.toISOString()]);
  const validations = leads * validationsPerLead;
  if (validations > 0) {
    await db.script(`select setseed(0.43);
      insert into public.lh_validation_history (id, lead_id, contact_id, pattern_name, predicted, confidence, validated_at)
      select j, lid, lid, (array['business_detection', 'owner_match', 'distress_signal', 'phone_valid'])[1 + j % 4],
        random() < 0.4, round(random()::numeric, 3), ${start} + random() * interval '${SPAN_DAYS} days'
      from (select j, 1 + floor(random() * ${leads})::bigint as lid from generate_series(1, ${validations}) as j) v;
      select setval(pg_get_serial_sequence('public.lh_validation_history', 'id'), ${validations});
      insert into public.lh_feedback_log (lead_id, validation_id, agent_id, pattern_name, actual, lead_quality, reason, created_at)
      select v.lead_id, v.id, 'agent_' || (v.id % 50), v.pattern_name,
        case when random() < 0.85 then v.predicted else not v.predicted end, (1 + v.id % 5)::smallint,
        (array['wrong_contact', 'not_distressed', 'business_not_owner', 'duplicate'])[1 + (v.id / 10) % 4],
        v.validated_at + random() * interval '3 days'
      from public.lh_validation_history v where v.id % 10 = 0;`);
  }
  // vacuum too: the assignment updated every assigned lead row (dead versions would slow every read)
  await db.script('vacuum analyze');
  const [counts] = await db.query<{ l: number; v: number; f: number; a: number; r: number }>(`select
    (select count(*)::int from public.lh_lead_status) as l, (select count(*)::int from public.lh_validation_history) as v,
    (select count(*)::int from public.lh_feedback_log) as f, (select count(*)::int from public.lh_lead_status where ab_test_id is not null) as a,
    (select count(*)::int from public.lh_ab_assignments) as r`);
  return { leads: counts!.l, validations: counts!.v, feedback: counts!.f, assigned: counts!.a, assignments: counts!.r,
    generateMs: Math.round(performance.now() - t0) };
}
