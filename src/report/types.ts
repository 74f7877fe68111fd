/**
 * The report as plain JSON data: what `lh-brain report --json` prints and what both renderers draw.
 * Dates are ISO strings ('YYYY-MM-DD' for metric days, full ISO for instants); a missing figure is null,
 * never NaN or Infinity, so the document survives JSON.stringify unchanged.
 */

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

/** A bottleneck that is being worked on: a skill still under test, with the evidence that spawned it. */
export interface BottleneckView {
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
}

export interface Report {
  readonly generatedAt: string;
  readonly timeZone: string;
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  readonly trend: readonly TrendPoint[];
  /** The most recent computed day in the window (null when none). */
  readonly latest: TrendPoint | null;
  readonly bottlenecks: readonly BottleneckView[];
  readonly skills: readonly SkillView[];
  readonly tests: readonly TestView[];
  /** Whether a list hit its LIMIT (older rows not shown). */
  readonly truncated: { readonly skills: boolean; readonly tests: boolean };
}
