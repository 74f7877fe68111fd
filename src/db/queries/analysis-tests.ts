/**
 * The weekly analysis' reads and writes of lh_ab_tests and lh_spawned_skills. Each test is decided in one
 * transaction: an advisory lock per test (two analyses at once take turns), the row re-read with
 * `status = 'running'` FOR UPDATE (a test completed meanwhile is never decided again), and an UPDATE that
 * only fires when a result column actually changes (the same run twice writes nothing).
 */
import type { Queryable } from '../port.ts';

export interface AbTestRow extends Record<string, unknown> {
  id: number;
  test_name: string;
  skill_id: number | null;
  metric_tracked: string;
  segment: string | null;
  traffic_allocation_pct: number;
  min_sample_size: number;
  planned_sample_size: number | null;
  confidence_level: number;
  status: 'running' | 'completed';
  policy: string;
  started_at: Date;
  max_duration_days: number;
  /** lh_ab_tests.design as stored (jsonb; parsed by parseStoredDesign). */
  design: unknown;
}

const TEST_COLUMNS = `id, test_name, skill_id, metric_tracked, segment, traffic_allocation_pct::float8 as traffic_allocation_pct,
  min_sample_size, planned_sample_size, confidence_level::float8 as confidence_level, status, policy, started_at,
  max_duration_days, design`;

/** Ids (and status) of the tests to analyse: every running test, or exactly the listed ids. */
export async function queryTestsToAnalyse(db: Queryable, testIds: readonly number[] | undefined): Promise<Array<{ id: number; status: string }>> {
  if (testIds === undefined) {
    return db.query(`select id, status from public.lh_ab_tests where status = 'running' order by id`);
  }
  return db.query(`select id, status from public.lh_ab_tests where id = any($1::text::bigint[]) order by id`,
    [`{${testIds.map((n) => Math.trunc(n)).join(',')}}`]);
}

/** Takes the per-test analysis lock for the rest of the transaction. */
export async function lockTestForAnalysis(tx: Queryable, testId: number): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended('lh_ab_analysis:' || $1::text, 0))`, [testId]);
}

/** The test row if it is still running (locked for update), else undefined. */
export async function selectRunningTestForUpdate(tx: Queryable, testId: number): Promise<AbTestRow | undefined> {
  const rows = await tx.query<AbTestRow>(
    `select ${TEST_COLUMNS} from public.lh_ab_tests where id = $1 and status = 'running' for update`, [testId]);
  return rows[0];
}

/** The values the analysis writes into lh_ab_tests. */
export interface TestResultColumns {
  controlSampleSize: number;
  treatmentSampleSize: number;
  controlValue: number | null;
  treatmentValue: number | null;
  liftPct: number | null;
  pValue: number | null;
  winner: 'control' | 'treatment' | null;
  recommendation: 'KEEP' | 'KILL' | 'CONTINUE' | null;
  final: boolean;
  killReason: 'futile' | 'harmful' | 'inconclusive' | null;
  decisionReason: string;
  results: unknown;
}

/**
 * Writes the result columns when any differs from what is stored; returns whether a row changed.
 * A final decision also completes the test (status, ended_at). analyzed_at is the clock of the run that
 * produced the stored numbers.
 */
export async function writeTestResult(tx: Queryable, testId: number, v: TestResultColumns, asOf: Date): Promise<boolean> {
  const rows = await tx.query(
    `update public.lh_ab_tests set
       control_sample_size = $2, treatment_sample_size = $3,
       control_conversion_rate = $4, treatment_conversion_rate = $5, lift_pct = $6, p_value = $7,
       winner = $8, recommendation = $9,
       status = case when $10::boolean then 'completed' else 'running' end,
       ended_at = case when $10::boolean then $13::timestamptz else null end,
       decision_reason = $11, results = $12::text::jsonb, analyzed_at = $13::timestamptz, kill_reason = $14::text
     where id = $1 and status = 'running'
       and ($10::boolean
         or (control_sample_size, treatment_sample_size, control_conversion_rate, treatment_conversion_rate,
             lift_pct, p_value, winner, recommendation, decision_reason, results, kill_reason)
            is distinct from
            ($2::int, $3::int, $4::float8, $5::float8, $6::float8, $7::float8, $8::text, $9::text, $11::text, $12::text::jsonb, $14::text))
     returning id`,
    [testId, v.controlSampleSize, v.treatmentSampleSize, v.controlValue, v.treatmentValue, v.liftPct, v.pValue,
      v.winner, v.recommendation, v.final, v.decisionReason, JSON.stringify(v.results), asOf, v.killReason],
  );
  return rows.length > 0;
}

export interface SkillRow extends Record<string, unknown> {
  id: number;
  status: 'testing' | 'active' | 'killed';
}

/** The test's skill, locked, or undefined when the test has none or it was deleted. */
export async function selectSkillForUpdate(tx: Queryable, skillId: number | null): Promise<SkillRow | undefined> {
  if (skillId === null) return undefined;
  const rows = await tx.query<SkillRow>(`select id, status from public.lh_spawned_skills where id = $1 for update`, [skillId]);
  return rows[0];
}

/** Moves a `testing` skill to active/killed with the decision; returns whether it changed. */
export async function decideSkill(
  tx: Queryable, skillId: number, status: 'active' | 'killed', liftPct: number | null, reason: string, at: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `update public.lh_spawned_skills
       set status = $2, actual_lift_pct = $3, decision_made_at = $4::timestamptz, decision_reason = $5
     where id = $1 and status = 'testing' returning id`,
    [skillId, status, liftPct, at, reason],
  );
  return rows.length > 0;
}

/** A test that may share leads with the analysed one: running, or ended after it started. */
export interface OverlapCandidate extends Record<string, unknown> {
  id: number;
  metric_tracked: string;
}

/** At most this many other tests are checked for an interaction with one test (the newest that ran beside it). */
export const MAX_INTERACTION_PAIRS = 20;

/**
 * The other tests that ran while test `testId` ran (running now, or ended after it started), newest
 * first: the candidates for its interaction checks (those that share no lead are dropped later).
 */
export async function queryOverlapCandidates(tx: Queryable, testId: number, startedAt: Date): Promise<OverlapCandidate[]> {
  const rows = await tx.query<OverlapCandidate>(
    `select t.id, t.metric_tracked from public.lh_ab_tests t
     where t.id <> $1 and (t.status = 'running' or t.ended_at > $2)
     order by t.started_at desc, t.id desc limit $3`, [testId, startedAt, MAX_INTERACTION_PAIRS]);
  return rows.map((r) => ({ id: Number(r.id), metric_tracked: r.metric_tracked }));
}
