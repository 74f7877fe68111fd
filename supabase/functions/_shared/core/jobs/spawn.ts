// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Spawning (docs/design.md §3 step 3): for each bottleneck, skip when its skill identity (skill type and
 * segment: the source-optimizers of two sources are different skills) is already testing, when a skill of
 * that identity was killed less than `killCooldownDays` before the run's clock, or when a test already runs
 * on the same metric (and segment); otherwise insert the skill and its A/B test in ONE transaction.
 *
 * Safe under concurrency: each decision runs in a transaction that first takes a fixed advisory lock, so
 * concurrent daily runs decide one after another and the later ones see the earlier inserts. Writers that
 * bypass the lock still cannot create duplicates (partial unique indexes); their 23505 becomes a
 * 'lost-race' skip and the transaction leaves nothing behind.
 */
import { minSampleSizeForBottleneck, type FixedRulePolicy } from '../experiments/planner.ts';
import { DEFAULT_DECISION_CONFIG, type DecisionConfig } from '../experiments/decision-config.ts';
import { designTest, type TestDesign } from '../experiments/design.ts';
import { allocateAlpha, identityName } from '../experiments/alpha-budget.ts';
import type { PolicyName } from '../experiments/types.ts';
import type { TrackedMetric } from '../metrics.ts';
import type { Bottleneck } from '../detect/types.ts';
import type { Database, Queryable } from '../db/port.ts';
import { sqlState, UNIQUE_VIOLATION } from '../db/port.ts';
import {
  countTestsSinceKeep, findLatestKeep, findLatestKill, findRunningTest, findTestingSkill, insertSkill, insertTest, measureVolume, takeSpawnLock,
  type MeasuredVolume,
} from '../db/queries/spawning.ts';
import type { SkipReason, Spawned, Skipped } from './daily-result.ts';
import { CONTROL_DESCRIPTION, hypothesis, problemDetected, skillName, testName, treatmentDescription } from './spawn-text.ts';

export interface SpawnConfig {
  /** A killed skill type may be spawned again only this many days after its kill decision. */
  readonly killCooldownDays: number;
  /**
   * After a KEEP the skill is rolled out, but detection's windows (7 recent + 28 baseline days) still hold
   * the days before the rollout: the same problem would be "detected" again and a second, pointless test
   * spawned. So a kept skill type waits this many days (default 35, the detection windows' span).
   */
  readonly keptCooldownDays?: number;
  /**
   * After a KILL as inconclusive ("we don't know yet", not "it does not work") the type may be tried again
   * sooner: this many days (default 14) instead of killCooldownDays.
   */
  readonly inconclusiveCooldownDays?: number;
  readonly trafficAllocationPct: number;
  readonly confidenceLevel: number;
  /** The decision settings (lh_settings.decision): which policy new tests get, and the planned design's knobs. */
  readonly decision?: DecisionConfig;
}

export const DEFAULT_SPAWN_CONFIG = {
  killCooldownDays: 30,
  keptCooldownDays: 35,
  inconclusiveCooldownDays: 14,
  trafficAllocationPct: 50,
  confidenceLevel: 0.95,
} as const satisfies SpawnConfig;

/**
 * Called inside the spawning transaction after the skill row is inserted and before its test is: a test
 * hook to prove that a failure between the two writes leaves neither (throw from it), or to simulate a
 * competing writer (insert through `tx`).
 */
export type AfterSkillInsert = (tx: Queryable, skillId: number, bottleneck: Bottleneck) => Promise<void>;

/**
 * The test's min_sample_size per group for a fixed-size rule: max(100, the size that gives 80% power to
 * reach the bottleneck's target under the decision rule), from the planner (src/experiments/planner.ts).
 * Deciding before that size is what makes the seed rule KILL most real improvements.
 */
export function plannedMinSampleSize(bottleneck: Bottleneck, policy: FixedRulePolicy = 'seed', decision: DecisionConfig = DEFAULT_DECISION_CONFIG): number {
  return minSampleSizeForBottleneck(bottleneck, { policy, config: decision });
}

/** The window over which the volume a new test will get is measured. */
export const VOLUME_WINDOW_DAYS = 28;

/** The metric's units per day entering a new test: all of its unit's volume when tests overlap, a share of it when they are exclusive. */
export function dailyUnitsFor(metric: TrackedMetric, v: MeasuredVolume): number {
  const total = metric === 'f1_score' ? v.validations
    : metric === 'qualification_rate' || metric === 'avg_days_to_qualify' || metric === 'avg_response_time_hours' ? v.contacted
      : v.newLeads;
  return v.days === 0 ? 0 : Math.round((total / v.days / (v.runningTests + 1)) * 100) / 100;
}

interface TestPlan {
  readonly policy: PolicyName;
  readonly minSampleSize: number;
  readonly design: TestDesign | null;
}

/**
 * How the new test will be decided: a design powered for the smallest worthwhile lift at the measured
 * volume (planned; raised to the minimum detectable lift when that does not fit in the maximum duration,
 * and saying so) at the α the skill identity's budget gives this test (its place among the identity's
 * tests since its last KEEP; src/experiments/alpha-budget.ts), or a fixed-size plan for the seed /
 * sequential rule.
 */
async function planFor(tx: Queryable, b: Bottleneck, date: string, now: Date, config: SpawnConfig): Promise<TestPlan> {
  const decision = config.decision ?? DEFAULT_DECISION_CONFIG;
  const policy = decision.spawnPolicy;
  if (policy !== 'planned') return { policy, minSampleSize: plannedMinSampleSize(b, policy, decision), design: null };
  const volume = await measureVolume(tx, date, b.segment, VOLUME_WINDOW_DAYS);
  const earlier = await countTestsSinceKeep(tx, b.suggestedSkill, b.segment, now);
  const alphaAllocation = allocateAlpha(decision.planned.alphaBudget, decision.planned.alpha, earlier + 1,
    identityName(b.suggestedSkill, b.segment));
  const res = designTest({
    metric: b.metric, baseline: b.currentValue, dailyUnits: dailyUnitsFor(b.metric, volume),
    allocationPct: config.trafficAllocationPct, maxDurationDays: decision.defaultMaxDurationDays,
    raiseToFeasible: true, config: decision.planned, keepLinePct: decision.seed.keepMinLiftPct, alphaAllocation,
  });
  if (res.kind === 'invalid') {
    // e.g. a share of 0 or 1 has nothing to design from: the seed's rule still decides such a test
    return { policy: 'seed', minSampleSize: plannedMinSampleSize(b, 'seed', decision), design: null };
  }
  const d = res.design;
  return { policy, minSampleSize: Math.max(d.maxPerGroup.control, d.maxPerGroup.treatment), design: d };
}

export type SpawnDecision =
  | { readonly kind: 'spawned'; readonly spawned: Spawned }
  | { readonly kind: 'skipped'; readonly skipped: Skipped };

const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;
const DAY_MS = 86_400_000;

/** Decide every bottleneck of `date` in order of severity (stable), each in its own transaction. */
export async function spawnForBottlenecks(
  db: Database, bottlenecks: readonly Bottleneck[], date: string, now: Date,
  config: SpawnConfig = DEFAULT_SPAWN_CONFIG, afterSkillInsert?: AfterSkillInsert,
): Promise<SpawnDecision[]> {
  const ordered = bottlenecks.map((b, i) => ({ b, i }))
    .sort((x, y) => SEVERITY_RANK[x.b.severity] - SEVERITY_RANK[y.b.severity] || x.i - y.i);
  const decisions: SpawnDecision[] = [];
  for (const { b } of ordered) decisions.push(await spawnOne(db, b, date, now, config, afterSkillInsert));
  return decisions;
}

/** One bottleneck: checks and inserts under the spawning lock, in one transaction. */
export async function spawnOne(
  db: Database, b: Bottleneck, date: string, now: Date,
  config: SpawnConfig = DEFAULT_SPAWN_CONFIG, afterSkillInsert?: AfterSkillInsert,
): Promise<SpawnDecision> {
  const skip = (r: SkipReason): SpawnDecision =>
    ({ kind: 'skipped', skipped: { type: b.type, skill: b.suggestedSkill, metric: b.metric, segment: b.segment, ...r } });
  try {
    return await db.transaction(async (tx) => {
      await takeSpawnLock(tx);
      const blocked = await blockingReason(tx, b, now, config);
      if (blocked) return skip(blocked);
      return { kind: 'spawned', spawned: await insertSkillAndTest(tx, b, date, now, config, afterSkillInsert) };
    });
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION) {
      return skip({ reason: 'lost-race', detail: `another writer inserted first: ${(err as Error).message}` });
    }
    throw err;
  }
}

async function blockingReason(tx: Queryable, b: Bottleneck, now: Date, config: SpawnConfig): Promise<SkipReason | undefined> {
  const testing = await findTestingSkill(tx, b.suggestedSkill, b.segment);
  if (testing) return { reason: 'already-testing', testingSkillId: testing.id };
  const kill = await findLatestKill(tx, b.suggestedSkill, b.segment);
  if (kill) {
    const cooldownDays = kill.kill_reason === 'inconclusive'
      ? (config.inconclusiveCooldownDays ?? DEFAULT_SPAWN_CONFIG.inconclusiveCooldownDays)
      : config.killCooldownDays;
    const remainingMs = cooldownDays * DAY_MS - (now.getTime() - kill.decided_at.getTime());
    if (remainingMs > 0) {
      return { reason: 'killed-recently', killedSkillId: kill.id, killedAt: kill.decided_at.toISOString(),
        cooldownDays, daysRemaining: Math.ceil(remainingMs / DAY_MS) };
    }
  }
  const keptCooldownDays = config.keptCooldownDays ?? DEFAULT_SPAWN_CONFIG.keptCooldownDays;
  const keep = await findLatestKeep(tx, b.suggestedSkill, b.segment);
  if (keep) {
    const remainingMs = keptCooldownDays * DAY_MS - (now.getTime() - keep.decided_at.getTime());
    if (remainingMs > 0) {
      return { reason: 'kept-recently', keptSkillId: keep.id, keptAt: keep.decided_at.toISOString(),
        cooldownDays: keptCooldownDays, daysRemaining: Math.ceil(remainingMs / DAY_MS) };
    }
  }
  const running = await findRunningTest(tx, b.metric, b.segment);
  if (running) return { reason: 'metric-has-running-test', runningTestId: running.id, runningTestName: running.test_name };
  return undefined;
}

async function insertSkillAndTest(
  tx: Queryable, b: Bottleneck, date: string, now: Date, config: SpawnConfig, afterSkillInsert?: AfterSkillInsert,
): Promise<Spawned> {
  const name = skillName(b, date);
  const skillId = await insertSkill(tx, {
    skillType: b.suggestedSkill, skillName: name, problemDetected: problemDetected(b), targetMetric: b.metric,
    baselineValue: b.currentValue, targetValue: b.targetValue, segment: b.segment,
    evidence: { type: b.type, severity: b.severity, metric: b.metric, currentValue: b.currentValue,
      targetValue: b.targetValue, segment: b.segment, evidence: b.evidence },
    spawnedForDate: date, spawnedAt: now,
  });
  if (afterSkillInsert) await afterSkillInsert(tx, skillId, b);
  const plan = await planFor(tx, b, date, now, config);
  const minSampleSize = plan.minSampleSize;
  const maxDurationDays = (config.decision ?? DEFAULT_DECISION_CONFIG).defaultMaxDurationDays;
  const tName = testName(b, date);
  const testId = await insertTest(tx, {
    testName: tName, skillId, hypothesis: hypothesis(b), controlDescription: CONTROL_DESCRIPTION,
    treatmentDescription: treatmentDescription(b.suggestedSkill), metricTracked: b.metric, segment: b.segment,
    trafficAllocationPct: config.trafficAllocationPct, minSampleSize, confidenceLevel: config.confidenceLevel, startedAt: now,
    policy: plan.policy, design: plan.design, maxDurationDays,
  });
  const d = plan.design;
  return {
    type: b.type,
    skill: { id: skillId, skillType: b.suggestedSkill, skillName: name, targetMetric: b.metric,
      baselineValue: b.currentValue, targetValue: b.targetValue, segment: b.segment, spawnedForDate: date },
    test: { id: testId, testName: tName, metricTracked: b.metric, segment: b.segment,
      trafficAllocationPct: config.trafficAllocationPct, confidenceLevel: config.confidenceLevel, minSampleSize,
      policy: plan.policy, maxDurationDays,
      design: d && { liftPct: d.liftPct, requestedLiftPct: d.requestedLiftPct, maxPerGroup: minSampleSize,
        dailyUnits: d.dailyUnits, daysToMax: d.daysToMax, feasible: d.feasible, note: d.note,
        alpha: d.alpha, alphaReason: d.alphaAllocation?.reason ?? null } },
  };
}
