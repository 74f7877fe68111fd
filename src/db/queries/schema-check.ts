/**
 * Which of the objects a job needs the database lacks, so an unmigrated database gets "run `lh-brain
 * migrate` first" instead of a bare "relation does not exist" halfway through a job.
 */
import type { Queryable } from '../port.ts';

/** Names are schema-qualified; a name with an argument list, e.g. `public.f(date)`, is a function. */
export async function missingSchemaObjects(db: Queryable, names: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ name: string; present: boolean }>(
    `select n.name, (case when n.name like '%(%' then to_regprocedure(n.name) is not null
                          else to_regclass(n.name) is not null end) as present
     from unnest($1::text[]) as n(name)`,
    [[...names]]);
  return rows.filter((r) => !r.present).map((r) => r.name);
}

/**
 * Every object the daily job reads, writes, calls or fires (a trigger on its insert of a test), checked
 * before its first write: the tables, the unique indexes the spawning rules rely on, the SQL functions. A
 * database migrated only part of the way then gets "run lh-brain migrate" instead of metrics written and a
 * failure halfway through the day. A migration that adds an object a job uses adds it here.
 */
export const DAILY_JOB_OBJECTS: readonly string[] = [
  'public.lh_settings', 'public.lh_lead_status', 'public.lh_validation_history', 'public.lh_feedback_log',
  'public.lh_daily_metrics', 'public.lh_pattern_performance', 'public.lh_detected_bottlenecks',
  'public.lh_spawned_skills', 'public.lh_ab_tests',
  'public.lh_spawned_skills_one_testing_per_identity', 'public.lh_ab_tests_one_running_per_metric',
  'public.lh_is_time_zone(text)',
  'public.lh_update_daily_metrics(date,text,integer)', 'public.lh_update_pattern_performance(date,text)',
  'public.lh_heal_skill_invariants(timestamptz)',
  // the lead facts and the settings rule (migration 20261201000100); lh_lead_facts itself cannot be named
  // here: to_regprocedure raises, not answers null, when its argument type lh_lead_status is missing
  'public.lh_lead_invalid_reasons()', 'public.lh_max_plausible_delay()', 'public.lh_settings_problems()',
  'public.lh_setting_problem(text,text)',
  // the trigger function spawning's insert of a test fires (migration 20261125001000)
  'public.lh_ab_tests_recompile()',
  // designed tests: spawning writes lh_ab_tests.design / reads kill_reason (migration 20261202000100)
  'public.lh_ab_test_looks', 'public.lh_ab_tests_drop_looks()',
  // overlapping tests: the assignment rows and the functions its triggers call (migration 20261203000100)
  'public.lh_ab_assignments', 'public.lh_ab_exclusive()', 'public.lh_ab_picks(bigint,text,timestamptz,boolean)',
  'public.lh_ab_assignments_drop()',
  // detection's F1 windows read the scored truths (migration 20261205000100)
  'public.lh_scored_truths(date,date,text)',
  // the skills' models and the action tick run at the end (migrations 20261206000100 … 20261209000100)
  'public.lh_skill_actions', 'public.lh_pattern_thresholds', 'public.lh_fit_pattern_thresholds(date,text)',
  'public.lh_generate_skill_actions(timestamptz,interval,interval)',
];

/** Every object the weekly analysis reads, writes or calls, checked before its first write. */
export const ANALYSIS_JOB_OBJECTS: readonly string[] = [
  'public.lh_ab_tests', 'public.lh_spawned_skills', 'public.lh_lead_status', 'public.lh_validation_history',
  'public.lh_feedback_log', 'public.lh_settings',
  'public.lh_heal_skill_invariants(timestamptz)',
  'public.lh_lead_invalid_reasons()', 'public.lh_max_plausible_delay()', 'public.lh_settings_problems()',
  // fired by the analysis' update that completes a test (migration 20261125001000)
  'public.lh_ab_tests_recompile()',
  // the looks of planned tests (migration 20261202000100)
  'public.lh_ab_test_looks',
  // each test's leads (migration 20261203000100)
  'public.lh_ab_assignments', 'public.lh_ab_assignments_drop()',
];

/** The one-line message both jobs give for a database that lacks `missing`. */
export function notMigratedMessage(missing: readonly string[]): string {
  return `the database is not migrated (missing ${missing.join(', ')}): run \`lh-brain migrate\` first`;
}
