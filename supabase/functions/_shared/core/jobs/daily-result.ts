// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
import type { GenerationResult, PatternThresholdFit } from '../db/queries/skill-actions.ts';
import type { PolicyName } from '../experiments/types.ts';
/**
 * The daily job's result: one JSON-able document (camelCase throughout) that the CLI prints with --json
 * and the edge function returns as its body. Maps the SQL functions' snake_case JSON into typed objects,
 * and refuses to emit NaN/Infinity (the SQL returns null for undefined ratios; a non-finite number here
 * is a bug to surface, not to print).
 */
import type { Bottleneck, BottleneckType, SkillType } from '../detect/types.ts';
import type { SourceFeedbackRow } from '../db/queries/feedback-summary.ts';
import type { TrackedMetric } from '../metrics.ts';
import type { InvariantHealing } from '../db/queries/skill-invariants.ts';

export type { InvariantHealing, ResolvedSkill, UnpairedRunningTest } from '../db/queries/skill-invariants.ts';

export interface SourceMetrics {
  readonly leads: number;
  readonly newToday: number;
  readonly contacted: number;
  readonly converted: number;
  readonly conversionRate: number | null;
}

/** One lh_daily_metrics row. */
export interface DailyMetrics {
  readonly metricDate: string;
  readonly newLeadsCount: number;
  readonly contactedCount: number;
  readonly qualifiedCount: number;
  readonly closedCount: number;
  readonly avgResponseTimeHours: number | null;
  readonly medianResponseTimeHours: number | null;
  readonly avgTimeToQualifyHours: number | null;
  readonly contactRate: number | null;
  readonly qualificationRate: number | null;
  readonly validationAccuracy: number | null;
  readonly sourceMetrics: Readonly<Record<string, SourceMetrics>>;
  readonly invalidRowsCount: number;
  readonly invalidRows: Readonly<Record<string, number>>;
  readonly timeZone: string;
}

export interface PatternScore {
  readonly patternName: string;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly trueNegatives: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1Score: number | null;
  readonly sampleSize: number;
}

/** The feedback analysis of one day (lh_pattern_performance rows plus what could not be scored). */
export interface PatternPerformanceDay {
  readonly avgF1Score: number | null;
  readonly patterns: readonly PatternScore[];
  /** Truths (feedback with `actual`) that match no validation. */
  readonly unlinkedFeedback: number;
  /** Validations with a truth but no prediction (predicted is null). */
  readonly unscorableValidations: number;
}

export interface SourceFeedback {
  readonly source: string;
  readonly feedbackCount: number;
  readonly ratedCount: number;
  readonly avgRating: number | null;
  readonly lowQualityCount: number;
  readonly ratings: Readonly<Record<string, number>>;
  readonly reasons: Readonly<Record<string, number>>;
}

export interface DayResult {
  readonly date: string;
  readonly metrics: DailyMetrics;
  readonly patternPerformance: PatternPerformanceDay;
  readonly feedbackSummary: readonly SourceFeedback[];
  readonly bottlenecks: readonly Bottleneck[];
  /** Rules that did not fire, with their reasons (no data, too few events, not significant...). */
  readonly quietRules: readonly { readonly type: BottleneckType; readonly reasons: readonly string[] }[];
}

/** Why a bottleneck did not spawn a skill: a closed union, each case with the facts behind it. */
export type SkipReason =
  | { readonly reason: 'already-testing'; readonly testingSkillId: number }
  | { readonly reason: 'killed-recently'; readonly killedSkillId: number; readonly killedAt: string;
      readonly cooldownDays: number; readonly daysRemaining: number }
  | { readonly reason: 'kept-recently'; readonly keptSkillId: number; readonly keptAt: string;
      readonly cooldownDays: number; readonly daysRemaining: number }
  | { readonly reason: 'metric-has-running-test'; readonly runningTestId: number; readonly runningTestName: string }
  | { readonly reason: 'lost-race'; readonly detail: string };

export type Skipped = {
  readonly type: BottleneckType;
  readonly skill: SkillType;
  readonly metric: TrackedMetric;
  readonly segment: string | null;
} & SkipReason;

export interface SpawnedSkill {
  readonly id: number;
  readonly skillType: SkillType;
  readonly skillName: string;
  readonly targetMetric: TrackedMetric;
  readonly baselineValue: number;
  readonly targetValue: number;
  readonly segment: string | null;
  readonly spawnedForDate: string;
}

export interface SpawnedTest {
  readonly id: number;
  readonly testName: string;
  readonly metricTracked: TrackedMetric;
  readonly segment: string | null;
  readonly trafficAllocationPct: number;
  readonly confidenceLevel: number;
  readonly minSampleSize: number;
  /** The policy that will decide it (lh_settings.decision.spawnPolicy, default planned). */
  readonly policy: PolicyName;
  readonly maxDurationDays: number;
  /** A planned test's design in brief: the lift it is powered for, its maximum, and whether it fits in time. */
  readonly design: {
    readonly liftPct: number; readonly requestedLiftPct: number; readonly maxPerGroup: number;
    readonly dailyUnits: number | null; readonly daysToMax: number | null; readonly feasible: boolean | null;
    readonly note: string | null;
    /** The test's one-sided α, and why (its share of the skill's false-KEEP budget; null without one). */
    readonly alpha: number; readonly alphaReason: string | null;
  } | null;
}

export interface Spawned {
  readonly type: BottleneckType;
  readonly skill: SpawnedSkill;
  readonly test: SpawnedTest;
}

export interface DailyResult {
  /** The business time zone every day was computed in. */
  readonly timeZone: string;
  /** The run's clock (ISO). */
  readonly ranAt: string;
  readonly from: string;
  readonly to: string;
  /** The day whose bottlenecks were acted on (the last day of the range). */
  readonly spawnDate: string;
  readonly days: readonly DayResult[];
  readonly spawned: readonly Spawned[];
  readonly skipped: readonly Skipped[];
  /**
   * The skill/test pairing healed before the days ran: testing skills without a running test resolved,
   * running tests whose skill is not testing reported (both empty when the invariant held).
   */
  readonly invariants: InvariantHealing;
  /** pattern-optimizer's thresholds fitted for the last day (lh_fit_pattern_thresholds). */
  readonly patternThresholds: PatternThresholdFit;
  /** The skill-action tick run at the end (lh_generate_skill_actions at the run's clock). */
  readonly actions: GenerationResult;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** Map the JSON of lh_update_daily_metrics to DailyMetrics. */
export function toDailyMetrics(m: Record<string, unknown>): DailyMetrics {
  const sources: Record<string, SourceMetrics> = {};
  for (const [name, raw] of Object.entries(obj(m['source_metrics']))) {
    const s = obj(raw);
    sources[name] = { leads: num(s['leads']), newToday: num(s['new_today']), contacted: num(s['contacted']),
      converted: num(s['converted']), conversionRate: numOrNull(s['conversion_rate']) };
  }
  const invalid: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj(m['invalid_rows']))) invalid[camel(k)] = num(v);
  return {
    metricDate: String(m['metric_date']),
    newLeadsCount: num(m['new_leads_count']),
    contactedCount: num(m['contacted_count']),
    qualifiedCount: num(m['qualified_count']),
    closedCount: num(m['closed_count']),
    avgResponseTimeHours: numOrNull(m['avg_response_time_hours']),
    medianResponseTimeHours: numOrNull(m['median_response_time_hours']),
    avgTimeToQualifyHours: numOrNull(m['avg_time_to_qualify_hours']),
    contactRate: numOrNull(m['contact_rate']),
    qualificationRate: numOrNull(m['qualification_rate']),
    validationAccuracy: numOrNull(m['validation_accuracy']),
    sourceMetrics: sources,
    invalidRowsCount: num(m['invalid_rows_count']),
    invalidRows: invalid,
    timeZone: String(m['time_zone']),
  };
}

/** Map the JSON of lh_update_pattern_performance to PatternPerformanceDay. */
export function toPatternPerformance(p: Record<string, unknown>): PatternPerformanceDay {
  const patterns = Array.isArray(p['patterns']) ? (p['patterns'] as unknown[]) : [];
  return {
    avgF1Score: numOrNull(p['avg_f1_score']),
    patterns: patterns.map((raw) => {
      const r = obj(raw);
      return { patternName: String(r['pattern_name']), truePositives: num(r['true_positives']),
        falsePositives: num(r['false_positives']), falseNegatives: num(r['false_negatives']),
        trueNegatives: num(r['true_negatives']), precision: numOrNull(r['precision']), recall: numOrNull(r['recall']),
        f1Score: numOrNull(r['f1_score']), sampleSize: num(r['sample_size']) };
    }),
    unlinkedFeedback: num(p['unlinked_feedback']),
    unscorableValidations: num(p['unscorable_validations']),
  };
}

/** Map a feedback summary row. */
export function toSourceFeedback(r: SourceFeedbackRow): SourceFeedback {
  return { source: r.source, feedbackCount: r.feedback_count, ratedCount: r.rated_count, avgRating: r.avg_rating,
    lowQualityCount: r.low_quality_count, ratings: r.ratings, reasons: r.reasons };
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The path of the first NaN/Infinity (or non-JSON value) in `value`, or undefined when it is JSON-safe. */
export function firstNonJsonValue(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = firstNonJsonValue(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      const bad = firstNonJsonValue(v, `${path}.${k}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return path;
}
