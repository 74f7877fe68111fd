/**
 * The weekly A/B analysis job (docs/design.md §4), used by `lh-brain analyze` and the lead-hunter-ab-analysis edge
 * function. For each running test (or the listed ones): one transaction with a per-test advisory lock and a
 * `status = 'running'` guard; outcomes counted in SQL by `metric_tracked`; the test's policy (or the
 * override) decides; every result column of lh_ab_tests is written only when it changes, and a KEEP/KILL
 * completes the test and moves its skill (active / killed, actual_lift_pct, decision_made_at = clock).
 * A missing skill is reported, not fatal; a failure in one test is reported and the others still run.
 * Before the tests, the skill/test pairing is healed (lh_heal_skill_invariants: a testing skill whose test
 * ended outside the analysis is resolved, a running test whose skill is not testing is reported), in
 * `invariants` of the result.
 */
import {
  decideSkill, lockTestForAnalysis, queryOverlapCandidates, queryTestsToAnalyse, selectRunningTestForUpdate, selectSkillForUpdate,
  writeTestResult, type AbTestRow,
} from '../db/queries/analysis-tests.ts';
import { queryInteractionCells, queryTestStats } from '../db/queries/test-outcomes.ts';
import { summarizeInteractions, type InteractionSummary, type OverlappingPair } from '../experiments/interactions.ts';
import type { Queryable } from '../db/port.ts';
import type { SourceResult } from '../experiments/by-source.ts';
import { checkStoredSettings, decisionFromSetting, readSettingDocuments } from './settings.ts';
import { resolveDecisionConfig, type DecisionConfig, type DecisionConfigOverride } from '../experiments/decision-config.ts';
import { evaluateTest, type GroupReport } from '../experiments/evaluate.ts';
import { isFinal, isPolicyName, type Decision, type KillReason, type PolicyName, type Recommendation } from '../experiments/types.ts';
import { parseStoredDesign, type TestDesign } from '../experiments/design.ts';
import { readLooks, writeLook } from '../db/queries/test-looks.ts';
import type { LookRecord } from '../experiments/policy.ts';
import { warn } from '../logger.ts';
import { isTrackedMetric, type TrackedMetric } from '../metrics.ts';
import type { Interval } from '../stats/index.ts';
import type { JobDeps } from './deps.ts';
import { ANALYSIS_JOB_OBJECTS, missingSchemaObjects, notMigratedMessage } from '../db/queries/schema-check.ts';
import { healSkillInvariants, warnInvariantHealing, type InvariantHealing } from '../db/queries/skill-invariants.ts';

export interface AnalysisOptions {
  /** Decide every test with this policy instead of its own lh_ab_tests.policy. */
  readonly policy?: PolicyName;
  /** Thresholds and guards; default the seed's (see DEFAULT_DECISION_CONFIG). */
  readonly config?: DecisionConfigOverride;
  /** Only these tests (running or not; a completed one is reported as skipped). Default: every running test. */
  readonly testIds?: readonly number[];
}

export interface AnalyzedTest {
  readonly kind: 'analyzed';
  readonly testId: number;
  readonly testName: string;
  readonly metric: TrackedMetric;
  readonly segment: string | null;
  readonly policy: PolicyName;
  readonly skillId: number | null;
  readonly decision: Decision;
  /** Why a KILL was decided (null otherwise). */
  readonly killReason: KillReason | null;
  /** This run's look of a planned test (sizes, z, information fraction, boundaries). */
  readonly look: LookRecord | null;
  readonly recommendation: Recommendation | null;
  readonly winner: 'control' | 'treatment' | null;
  /** Status after this run. */
  readonly status: 'running' | 'completed';
  readonly control: GroupReport;
  readonly treatment: GroupReport;
  readonly liftPct: number | null;
  readonly liftCi: Interval | null;
  /** The p-value the policy used (always-valid for sequential). */
  readonly pValue: number | null;
  readonly srm: { readonly status: 'ok' | 'mismatch' | 'not-checked'; readonly pValue: number | null };
  readonly bySource: readonly SourceResult[];
  /** Whether this run changed the lh_ab_tests row / the skill row. */
  readonly testUpdated: boolean;
  readonly skillUpdated: boolean;
  readonly warnings: readonly string[];
}

export type TestReport =
  | AnalyzedTest
  | { readonly kind: 'skipped'; readonly testId: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly testId: number; readonly error: string };

export interface AnalysisResult {
  readonly asOf: string;
  readonly policyOverride: PolicyName | null;
  readonly tests: readonly TestReport[];
  readonly counts: {
    readonly analyzed: number; readonly keep: number; readonly kill: number; readonly continue: number;
    readonly notEnoughData: number; readonly blockedSrm: number; readonly skipped: number; readonly failed: number;
    readonly updated: number;
  };
  /** The skill/test pairing healed before the tests were analysed (both lists empty when it held). */
  readonly invariants: InvariantHealing;
}

function policyOf(row: AbTestRow, override: PolicyName | undefined): PolicyName {
  if (override) return override;
  return isPolicyName(row.policy) ? row.policy : 'seed';
}

async function analyseOne(tx: Queryable, testId: number, asOf: Date, options: AnalysisOptions, config: DecisionConfig): Promise<TestReport> {
  await lockTestForAnalysis(tx, testId);
  const row = await selectRunningTestForUpdate(tx, testId);
  if (!row) return { kind: 'skipped', testId, reason: 'test is not running (completed already, or meanwhile)' };
  const metric = row.metric_tracked;
  if (!isTrackedMetric(metric)) return { kind: 'failed', testId, error: `unknown metric_tracked "${metric}"` };
  const policy = policyOf(row, options.policy);
  let design: TestDesign | null = null;
  if (row.design !== null && row.design !== undefined) {
    const parsed = parseStoredDesign(row.design);
    if (parsed.kind === 'invalid') return { kind: 'failed', testId, error: parsed.reason };
    design = parsed.design;
  }
  if (policy === 'planned' && design === null) {
    return { kind: 'failed', testId, error: 'the planned policy needs the test\'s design (lh_ab_tests.design is empty): decide it with --policy seed or sequential' };
  }
  // the looks are the memory of a planned test; deciding it with another policy neither reads nor writes them
  const ownLooks = policy === 'planned' && row.policy === 'planned';
  const looks = ownLooks ? await readLooks(tx, testId) : [];
  const { outcomes, assignment } = await queryTestStats(tx, testId, metric, asOf, row.segment);
  const interactions = await interactionsOf(tx, row.id, metric, row.started_at, asOf, row.segment);
  const ev = evaluateTest({
    id: row.id, metric, segment: row.segment, allocationPct: row.traffic_allocation_pct,
    minSampleSize: row.min_sample_size, plannedSampleSize: row.planned_sample_size,
    confidenceLevel: row.confidence_level, startedAt: row.started_at,
    maxDurationDays: row.max_duration_days ?? config.defaultMaxDurationDays, design,
  }, outcomes, assignment, asOf, policy, config, looks, interactions);
  const final = isFinal(ev.outcome.decision);
  const warnings: string[] = [];
  const skill = await selectSkillForUpdate(tx, row.skill_id);
  if (!skill) warnings.push(row.skill_id === null ? 'test has no skill_id: no skill to update' : `skill ${row.skill_id} is missing: no skill to update`);
  const testUpdated = await writeTestResult(tx, testId, {
    controlSampleSize: ev.control.n, treatmentSampleSize: ev.treatment.n,
    controlValue: ev.comparison.controlValue, treatmentValue: ev.comparison.treatmentValue,
    liftPct: ev.comparison.liftPct, pValue: ev.outcome.pValue,
    winner: ev.winner, recommendation: ev.recommendation, final,
    killReason: ev.outcome.decision.kind === 'KILL' ? ev.outcome.decision.killReason : null,
    decisionReason: ev.outcome.decision.reason, results: ev.results,
  }, asOf);
  const look = ev.outcome.look;
  const lookWritten = look !== null && ownLooks ? await writeLook(tx, testId, look, asOf) : false;
  let skillUpdated = false;
  if (final && skill) {
    const to = ev.outcome.decision.kind === 'KEEP' ? 'active' : 'killed';
    skillUpdated = await decideSkill(tx, skill.id, to, ev.comparison.liftPct, ev.outcome.decision.reason, asOf);
    if (!skillUpdated) warnings.push(`skill ${skill.id} is already ${skill.status}: left as it is`);
  }
  return {
    kind: 'analyzed', testId, testName: row.test_name, metric, segment: row.segment, policy, skillId: row.skill_id,
    decision: ev.outcome.decision, recommendation: ev.recommendation, winner: ev.winner,
    status: final ? 'completed' : 'running', control: ev.control, treatment: ev.treatment,
    liftPct: ev.comparison.liftPct, liftCi: ev.comparison.liftCi, pValue: ev.outcome.pValue,
    srm: ev.srm.kind === 'checked' ? { status: ev.srm.mismatch ? 'mismatch' : 'ok', pValue: ev.srm.pValue } : { status: 'not-checked', pValue: null },
    bySource: ev.bySource, testUpdated: testUpdated || lookWritten, skillUpdated, warnings,
    killReason: ev.outcome.decision.kind === 'KILL' ? ev.outcome.decision.killReason : null,
    look: ev.outcome.look,
  };
}

/** The interaction check of the test with every test it shares leads with (overlapping tests). */
async function interactionsOf(
  tx: Queryable, testId: number, metric: TrackedMetric, startedAt: Date, asOf: Date, segment: string | null,
): Promise<InteractionSummary[]> {
  const others = await queryOverlapCandidates(tx, testId, startedAt);
  const rows = await queryInteractionCells(tx, testId, metric, asOf, segment, others.map((o) => o.id));
  const pairs: OverlappingPair[] = others.map((o) => ({ otherTestId: o.id, otherMetric: o.metric_tracked,
    cells: rows.filter((r) => r.btest === o.id).map((r) => ({ grp: r.grp, bgrp: r.bgrp, n: r.n, sumY: r.sum_y, mean: r.mean, variance: r.variance })) }));
  return summarizeInteractions(metric, pairs);
}

function countReports(tests: readonly TestReport[]): AnalysisResult['counts'] {
  const analyzed = tests.filter((t): t is AnalyzedTest => t.kind === 'analyzed');
  const of = (k: Decision['kind']) => analyzed.filter((t) => t.decision.kind === k).length;
  return {
    analyzed: analyzed.length, keep: of('KEEP'), kill: of('KILL'), continue: of('CONTINUE'),
    notEnoughData: of('not-enough-data'), blockedSrm: of('blocked-srm'),
    skipped: tests.filter((t) => t.kind === 'skipped').length,
    failed: tests.filter((t) => t.kind === 'failed').length,
    updated: analyzed.filter((t) => t.testUpdated).length,
  };
}

/** The database lacks the tables the analysis needs: run the migrations first. */
export class AnalysisSchemaError extends Error {
  override readonly name = 'AnalysisSchemaError';
}

/** Analyses the running tests (or `options.testIds`) as of the clock's now; see the module comment. */
export async function runAnalysisJob(deps: JobDeps, options: AnalysisOptions = {}): Promise<AnalysisResult> {
  const asOf = deps.clock.now();
  const missing = await missingSchemaObjects(deps.db, ANALYSIS_JOB_OBJECTS);
  if (missing.length > 0) {
    throw new AnalysisSchemaError(notMigratedMessage(missing));
  }
  // the lead facts read lh_settings.max_plausible_delay_days: every stored setting is checked first
  await checkStoredSettings(deps.db);
  // an explicit override (tests, simulator) wins; else the thresholds stored in lh_settings.decision
  const config = options.config !== undefined
    ? resolveDecisionConfig(options.config)
    : decisionFromSetting((await readSettingDocuments(deps.db, ['decision'])).decision);
  // the first write, after every check: a testing skill whose test ended elsewhere is resolved here
  const invariants = await healSkillInvariants(deps.db, asOf);
  warnInvariantHealing(deps.logger, invariants);
  const listed = await queryTestsToAnalyse(deps.db, options.testIds);
  const found = new Set(listed.map((t) => t.id));
  const tests: TestReport[] = (options.testIds ?? [])
    .filter((id) => !found.has(id))
    .map((testId) => ({ kind: 'skipped', testId, reason: 'no such test' }) as const);
  for (const { id } of listed) {
    try {
      tests.push(await deps.db.transaction((tx) => analyseOne(tx, id, asOf, options, config)));
    } catch (e) {
      const error = `analysis of test ${id} failed: ${(e as Error).message}`;
      warn(deps.logger, error);
      tests.push({ kind: 'failed', testId: id, error });
    }
  }
  for (const t of tests) {
    if (t.kind === 'analyzed') for (const w of t.warnings) warn(deps.logger, `test ${t.testId}: ${w}`);
  }
  tests.sort((a, b) => a.testId - b.testId);
  return { asOf: asOf.toISOString(), policyOverride: options.policy ?? null, tests, counts: countReports(tests), invariants };
}
