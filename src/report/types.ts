/**
 * The report as plain JSON data: what `lh-brain report --json` prints and what both renderers draw.
 * Dates are ISO strings ('YYYY-MM-DD' for metric days, full ISO for instants); a missing figure is null,
 * never NaN or Infinity, so the document survives JSON.stringify unchanged.
 */
import type { StoredTestResults } from '../experiments/results-document.ts';

/** Any JSON value (the stored evidence jsonb is passed through as it is). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One metric day of the trend window. `hasData` is false for a day the daily job has not computed. */
export interface TrendPoint {
  readonly date: string;
  readonly hasData: boolean;
  readonly newLeads: number | null;
  readonly contacted: number | null;
  readonly qualified: number | null;
  readonly closed: number | null;
  readonly avgResponseTimeHours: number | null;
  readonly avgTimeToQualifyHours: number | null;
  /** contacted / new of that day (lh_daily_metrics.contact_rate). */
  readonly contactRate: number | null;
  /** qualified / contacted of that day (lh_daily_metrics.qualification_rate). */
  readonly qualificationRate: number | null;
  /** The mean F1 over patterns scored that day (lh_pattern_performance.avg_f1_score); null when no feedback. */
  readonly f1Score: number | null;
}

/**
 * A bottleneck the daily job detected on the latest computed metric day (lh_detected_bottlenecks), with
 * what spawning decided for it.
 */
export interface DetectedBottleneckView {
  readonly type: string;
  /** The weak source for weak_lead_source; null for a global bottleneck. */
  readonly segment: string | null;
  readonly severity: 'low' | 'medium' | 'high';
  readonly metric: string;
  readonly currentValue: number | null;
  readonly targetValue: number | null;
  readonly suggestedSkill: string;
  /** When the stored figures were (last) computed. */
  readonly detectedAt: string;
  /**
   * 'spawned', the reason spawning was skipped ('already-testing', 'killed-recently', 'kept-recently',
   * 'metric-has-running-test', 'lost-race'), or null when no decision was taken for that day (a backfill day).
   */
  readonly spawnOutcome: string | null;
  /** The spawned skill, or the one that blocked spawning; null when none (or it was deleted). */
  readonly skillId: number | null;
  readonly skillStatus: SkillStatus | null;
  /** The evidence as stored: one entry per fired trigger, each with its `summary` sentence. */
  readonly evidence: JsonValue;
}

/** A bottleneck that is being worked on: a skill still under test, with the evidence that spawned it. */
export interface SkillUnderTestView {
  readonly skillId: number;
  readonly skillType: string;
  readonly skillName: string;
  readonly problem: string | null;
  readonly metric: string | null;
  readonly segment: string | null;
  readonly baselineValue: number | null;
  readonly targetValue: number | null;
  readonly detectedFor: string | null;
  readonly spawnedAt: string;
  readonly evidence: JsonValue;
}

export type SkillStatus = 'testing' | 'active' | 'killed';

/** What became of a skill's actions (lh_skill_actions by status): produced = all of them. */
export interface ActionCounts {
  readonly produced: number;
  readonly pending: number;
  readonly claimed: number;
  readonly done: number;
  readonly expired: number;
  readonly cancelled: number;
}

export interface SkillView {
  readonly id: number;
  readonly skillType: string;
  readonly skillName: string;
  readonly status: SkillStatus;
  readonly metric: string | null;
  readonly segment: string | null;
  readonly baselineValue: number | null;
  readonly targetValue: number | null;
  readonly actualLiftPct: number | null;
  readonly spawnedAt: string;
  readonly decisionMadeAt: string | null;
  readonly decisionReason: string | null;
  /** Its actions for leads (treatment, or the rollout after KEEP), by what became of them. */
  readonly actions: ActionCounts;
}

/**
 * A confidence interval of the relative lift, in %. `source` says where it comes from: the analysis
 * job's stored result, or computed here from the stored rates and sample sizes (log-ratio Wald).
 */
export interface LiftInterval {
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  readonly source: 'analysis' | 'wald-from-rates';
}

/** One lead source's result beside the total (stored by the analysis job in lh_ab_tests.results). */
export interface SourceResult {
  readonly source: string;
  readonly controlSampleSize: number | null;
  readonly treatmentSampleSize: number | null;
  readonly controlRate: number | null;
  readonly treatmentRate: number | null;
  readonly liftPct: number | null;
  readonly pValue: number | null;
  /** p-value after the multiple-testing correction, when the analysis stored one. */
  readonly adjustedPValue: number | null;
  /** Significant after the correction, as the analysis judged it (null when not stored). */
  readonly significant: boolean | null;
  readonly note: string | null;
}

/** The sample-ratio-mismatch guard as the analysis stored it (a mismatch blocks any decision). */
export interface SrmView {
  readonly status: 'ok' | 'mismatch' | 'not-checked';
  readonly pValue: number | null;
}

export type Recommendation = 'KEEP' | 'KILL' | 'CONTINUE';

export interface TestView {
  readonly id: number;
  readonly name: string;
  readonly skillId: number | null;
  readonly metric: string;
  readonly segment: string | null;
  readonly status: 'running' | 'completed';
  readonly policy: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly minSampleSize: number;
  readonly controlSampleSize: number | null;
  readonly treatmentSampleSize: number | null;
  /** For rate metrics the share converted; for durations the mean (as the analysis stores it). */
  readonly controlValue: number | null;
  readonly treatmentValue: number | null;
  /** Relative improvement in % (positive = treatment better, also for lower-is-better metrics). */
  readonly liftPct: number | null;
  readonly liftCi: LiftInterval | null;
  /** Why there is no interval, when there is none. */
  readonly liftCiNote: string | null;
  readonly pValue: number | null;
  readonly recommendation: Recommendation | null;
  readonly winner: 'control' | 'treatment' | null;
  readonly decisionReason: string | null;
  /** null when the test has not been analysed (or the analysis stored no SRM check). */
  readonly srm: SrmView | null;
  readonly bySource: readonly SourceResult[];
  /** Why a KILL was decided (lh_ab_tests.kill_reason): futile, harmful or inconclusive. */
  readonly killReason: 'futile' | 'harmful' | 'inconclusive' | null;
  /** Bayesian view stored by the analysis (reported, not deciding). */
  readonly chanceToBeatControl: number | null;
  readonly expectedLossTreatment: number | null;
  /** A planned test's design in brief, and its latest look. */
  readonly design: {
    readonly liftPct: number; readonly maxPerGroup: number; readonly feasible: boolean | null; readonly note: string | null;
    /** The test's one-sided α, and why (its share of its skill's false-KEEP budget; null in older results). */
    readonly alpha: number; readonly alphaReason: string | null;
  } | null;
  readonly look: { readonly lookNumber: number; readonly informationFraction: number } | null;
  /** The interaction check with each test this one overlaps (stored by the analysis; empty when none). */
  readonly interactions: readonly InteractionView[];
}

/** One overlapping pair as the analysis stored it (results.interactions). */
export type InteractionView = NonNullable<StoredTestResults['interactions']>[number];

export interface Report {
  readonly generatedAt: string;
  readonly timeZone: string;
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  readonly trend: readonly TrendPoint[];
  /** The most recent computed day in the window (null when none). */
  readonly latest: TrendPoint | null;
  /**
   * The latest computed metric day on or before the window's end (lh_daily_metrics), whose detected
   * bottlenecks are `bottlenecks`; null when no day has been computed.
   */
  readonly bottlenecksDate: string | null;
  /** The current bottlenecks: those detected on `bottlenecksDate`, most severe first. */
  readonly bottlenecks: readonly DetectedBottleneckView[];
  /** The skills still under test (the bottlenecks being worked on), newest first. */
  readonly skillsUnderTest: readonly SkillUnderTestView[];
  readonly skills: readonly SkillView[];
  readonly tests: readonly TestView[];
  /** Whether a list hit its LIMIT (older rows not shown). */
  readonly truncated: { readonly bottlenecks: boolean; readonly skills: boolean; readonly tests: boolean };
}
