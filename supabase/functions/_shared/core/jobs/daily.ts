// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The daily job (docs/design.md §3), one function for every entry point (CLI, edge function, worker, simulator).
 *
 * First, after the schema and settings checks (nothing is written before them), the skill/test pairing is
 * healed (lh_heal_skill_invariants: a testing skill whose test ended elsewhere is resolved; a running test
 * whose skill is not testing is reported), in `invariants` of the result.
 * For each day D of the run (yesterday in the business time zone by default, a chosen day, or a backfill
 * range), in this order:
 *   1. lh_update_pattern_performance(D): the feedback analysis. It runs BEFORE the metrics because
 *      lh_daily_metrics.validation_accuracy reads the latest avg_f1_score on or before D; the other order
 *      would store yesterday's F1 on the first run and change the row on a re-run.
 *   2. lh_update_daily_metrics(D).
 *   3. the lead-quality feedback summary per source (SQL).
 *   4. bottleneck detection for D (reported for every day, with why each quiet rule stayed quiet), and
 *      the day's bottlenecks stored in lh_detected_bottlenecks (rows of bottlenecks that no longer fire
 *      on a re-run are deleted).
 * Then spawning, ONCE, for the bottlenecks of the last day of the run: skills and tests start at the run's
 * clock, so acting on a stale day of a backfill would start experiments for problems that may be gone,
 * and the one-testing-skill-per-type rule would let only the oldest day's bottleneck through anyway.
 * Each decision (spawned, or the skip reason) is recorded on the last day's stored bottleneck.
 *
 * Every step is idempotent, and spawning is serialised by an advisory lock and guarded by unique indexes,
 * so running the job twice, or three times at once, leaves the database as one run does.
 */
import type { DetectionConfig } from '../detect/config.ts';
import {
  checkStoredSettings, decisionFromSetting, detectionFromSetting, readSettingDocuments, settingProblem, spawningFromSetting,
} from './settings.ts';
import { explainDetection } from '../detect/detect.ts';
import { loadDetectionInput } from '../db/queries/detection-input.ts';
import { recordSpawnOutcomes, storeDetectedBottlenecks, type OutcomeRecord } from '../db/queries/detected-bottlenecks.ts';
import {
  missingDailySchema, previousBusinessDay, resolveBusinessTimeZone,
} from '../db/queries/business-day.ts';
import { updateDailyMetrics, updatePatternPerformance } from '../db/queries/daily-steps.ts';
import { loadFeedbackSummary } from '../db/queries/feedback-summary.ts';
import { info } from '../logger.ts';
import type { DailyResult, DayResult, Spawned, Skipped } from './daily-result.ts';
import { firstNonJsonValue, toDailyMetrics, toPatternPerformance, toSourceFeedback } from './daily-result.ts';
import { dayRangeProblem, daysBetween, isIsoDate } from './dates.ts';
import type { JobDeps, Progress } from './deps.ts';
import { noProgress } from './deps.ts';
import { DEFAULT_SPAWN_CONFIG, spawnForBottlenecks, type AfterSkillInsert, type SpawnConfig, type SpawnDecision } from './spawn.ts';
import { notMigratedMessage } from '../db/queries/schema-check.ts';
import { healSkillInvariants, warnInvariantHealing } from '../db/queries/skill-invariants.ts';
import { fitPatternThresholds, generateSkillActions } from '../db/queries/skill-actions.ts';

export interface DailyJobOptions {
  /** One metric day (YYYY-MM-DD). Default: the day before the clock's now in the business time zone. */
  readonly date?: string;
  /** A backfill range, both ends inclusive; give both or neither, and not with `date`. */
  readonly from?: string;
  readonly to?: string;
  /** IANA zone; default lh_settings.business_time_zone (else UTC). */
  readonly timeZone?: string;
  readonly detection?: DetectionConfig;
  /** Kill cooldown, traffic split and confidence of spawned tests. */
  readonly spawning?: Partial<SpawnConfig>;
  readonly progress?: Progress;
  /** Test hook between the skill insert and the test insert (see AfterSkillInsert). */
  readonly afterSkillInsert?: AfterSkillInsert;
}

/** The job was called with options that cannot run (bad date, from > to, unknown time zone...). */
export class DailyJobInputError extends Error {
  override readonly name = 'DailyJobInputError';
}

/** The database is not ready: migrations missing, or lh_settings holds an unknown zone or a bad source window. */
export class DailySchemaError extends Error {
  override readonly name = 'DailySchemaError';
}

/** A step produced a value that cannot be serialised honestly (NaN/Infinity): a bug upstream. */
export class DailyJobResultError extends Error {
  override readonly name = 'DailyJobResultError';
}

/** Run the daily job; returns its JSON-able summary. Throws DailyJobInputError for bad options. */
export async function runDailyJob(deps: JobDeps, options: DailyJobOptions = {}): Promise<DailyResult> {
  const now = deps.clock.now();
  const missing = await missingDailySchema(deps.db);
  if (missing.length > 0) {
    throw new DailySchemaError(notMigratedMessage(missing));
  }
  const { timeZone, known } = await resolveBusinessTimeZone(deps.db, options.timeZone);
  if (!known && options.timeZone !== undefined) {
    throw new DailyJobInputError(`unknown time zone "${timeZone}" (use an IANA name such as Europe/Berlin)`);
  }
  if (!known) {
    throw new DailySchemaError(`lh_settings.business_time_zone holds an unknown time zone "${timeZone}": set an IANA name such as Europe/Berlin`);
  }
  if (options.timeZone !== undefined) {
    const problem = await settingProblem(deps.db, 'business_time_zone', options.timeZone);
    if (problem !== null) throw new DailyJobInputError(problem.replace('lh_settings.business_time_zone', 'the time zone'));
  }
  await checkStoredSettings(deps.db);
  const [from, to] = await resolveRange(deps, options, now, timeZone);
  const days = daysBetween(from, to);
  // thresholds: an explicit option wins; else lh_settings (validated before anything is written)
  const settings = await readSettingDocuments(deps.db, ['detection', 'spawning', 'decision']);
  const detection = options.detection ?? detectionFromSetting(settings.detection);
  const storedSpawning = spawningFromSetting(settings.spawning);
  const storedDecision = decisionFromSetting(settings.decision);
  const progress = options.progress ?? noProgress;
  // the first write: a testing skill whose test ended elsewhere would block its type (see the migration)
  const invariants = await healSkillInvariants(deps.db, now);
  warnInvariantHealing(deps.logger, invariants);

  const dayResults: DayResult[] = [];
  for (const [i, date] of days.entries()) {
    progress(i, days.length, date);
    dayResults.push(await runDay(deps, date, timeZone, detection, now));
  }
  progress(days.length, days.length, to);

  const spawnConfig: SpawnConfig = {
    ...DEFAULT_SPAWN_CONFIG, ...storedSpawning, decision: storedDecision, ...options.spawning,
  };
  const last = dayResults[dayResults.length - 1];
  const decisions = await spawnForBottlenecks(deps.db, last?.bottlenecks ?? [], to, now, spawnConfig, options.afterSkillInsert);
  await recordSpawnOutcomes(deps.db, to, decisions.map(outcomeOf));
  const spawned: Spawned[] = [];
  const skipped: Skipped[] = [];
  for (const d of decisions) {
    if (d.kind === 'spawned') {
      spawned.push(d.spawned);
      info(deps.logger, `spawned ${d.spawned.skill.skillName}`, { skillId: d.spawned.skill.id, testId: d.spawned.test.id });
    } else {
      skipped.push(d.skipped);
      info(deps.logger, `skipped ${d.skipped.skill}: ${d.skipped.reason}`, { type: d.skipped.type });
    }
  }
  // the tick, so a deployment without the worker or pg_cron still gets every due action once a day, and a
  // skill spawned or decided just now acts at once (idempotent: a tick that ran meanwhile adds nothing)
  // the skills' models first (pattern-optimizer's thresholds for the last day), so the tick acts on them
  const patternThresholds = await fitPatternThresholds(deps.db, to, timeZone);
  const actions = await generateSkillActions(deps.db, now);
  const result: DailyResult = {
    timeZone, ranAt: now.toISOString(), from, to, spawnDate: to, days: dayResults, spawned, skipped, invariants,
    patternThresholds, actions,
  };
  const bad = firstNonJsonValue(result);
  if (bad) throw new DailyJobResultError(`the daily result holds a non-finite number at ${bad}`);
  return result;
}

async function runDay(deps: JobDeps, date: string, timeZone: string, detection: DetectionConfig, now: Date): Promise<DayResult> {
  const pattern = await updatePatternPerformance(deps.db, date, timeZone);
  const metrics = await updateDailyMetrics(deps.db, date, timeZone);
  const feedback = await loadFeedbackSummary(deps.db, date, timeZone);
  const input = await loadDetectionInput(deps.db, date, timeZone, detection);
  const report = explainDetection(input, detection);
  const bottlenecks = [...report.bottlenecks];
  const stored = await storeDetectedBottlenecks(deps.db, date, bottlenecks, now);
  deps.logger.log('debug', `daily ${date}: ${bottlenecks.length} bottleneck(s)`, { timeZone, ...stored });
  return {
    date,
    metrics: toDailyMetrics(metrics),
    patternPerformance: toPatternPerformance(pattern),
    feedbackSummary: feedback.map(toSourceFeedback),
    bottlenecks,
    quietRules: report.rules.filter((r) => r.bottlenecks.length === 0).map((r) => ({ type: r.type, reasons: r.quiet })),
  };
}

/** The stored outcome of one spawning decision; the skill is the spawned one, or the one that blocked it. */
function outcomeOf(d: SpawnDecision): OutcomeRecord {
  if (d.kind === 'spawned') {
    return { type: d.spawned.type, segment: d.spawned.skill.segment, outcome: 'spawned', skillId: d.spawned.skill.id };
  }
  const s = d.skipped;
  const base = { type: s.type, segment: s.segment, outcome: s.reason };
  switch (s.reason) {
    case 'already-testing': return { ...base, skillId: s.testingSkillId };
    case 'killed-recently': return { ...base, skillId: s.killedSkillId };
    case 'kept-recently': return { ...base, skillId: s.keptSkillId };
    case 'metric-has-running-test':
    case 'lost-race':
      return { ...base, skillId: null };
  }
}

async function resolveRange(deps: JobDeps, o: DailyJobOptions, now: Date, timeZone: string): Promise<[string, string]> {
  const ranged = o.from !== undefined || o.to !== undefined;
  if (o.date !== undefined && ranged) throw new DailyJobInputError('give either a date or a from/to range, not both');
  if (ranged) {
    if (o.from === undefined || o.to === undefined) throw new DailyJobInputError('a range needs both from and to');
    for (const d of [o.from, o.to]) if (!isIsoDate(d)) throw new DailyJobInputError(`not a calendar date (YYYY-MM-DD): "${d}"`);
    if (o.from > o.to) throw new DailyJobInputError(`from (${o.from}) is after to (${o.to})`);
    return checkedRange(deps, o.from, o.to, now, timeZone);
  }
  if (o.date !== undefined) {
    if (!isIsoDate(o.date)) throw new DailyJobInputError(`not a calendar date (YYYY-MM-DD): "${o.date}"`);
    return checkedRange(deps, o.date, o.date, now, timeZone);
  }
  const d = await previousBusinessDay(deps.db, now, timeZone);
  return [d, d];
}

/** The one range rule (src/jobs/dates.ts), its last day the business "yesterday" as of the run's clock. */
async function checkedRange(deps: JobDeps, from: string, to: string, now: Date, timeZone: string): Promise<[string, string]> {
  const lastCompleteDay = await previousBusinessDay(deps.db, now, timeZone);
  const problem = dayRangeProblem(from, to, { lastCompleteDay, timeZone });
  if (problem !== null) throw new DailyJobInputError(problem);
  return [from, to];
}
