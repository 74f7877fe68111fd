/**
 * What the simulation shows: a timeline of what happened (episodes injected, bottlenecks detected,
 * skills spawned, weekly looks and decisions), and the final judgement of every skill against its truth.
 * Plain JSON-able data; rendering is in render.ts.
 */
import type { BottleneckType, Severity, SkillType } from '../detect/types.ts';
import type { TrackedMetric } from '../metrics.ts';

export type TimelineEvent =
  | { readonly kind: 'episode'; readonly day: number; readonly date: string; readonly bottleneck: BottleneckType; readonly label: string }
  | { readonly kind: 'detected'; readonly day: number; readonly date: string; readonly bottleneck: BottleneckType;
      readonly metric: TrackedMetric; readonly segment: string | null; readonly severity: Severity;
      readonly currentValue: number; readonly targetValue: number; readonly summary: string;
      /** Whose drop it is (src/detect/attribution.ts), when attribution decided it and the first evidence is another trigger. */
      readonly attribution: string | null }
  | { readonly kind: 'spawned'; readonly day: number; readonly date: string; readonly skillId: number; readonly skillType: SkillType;
      readonly testId: number; readonly metric: TrackedMetric; readonly segment: string | null;
      readonly baselineValue: number; readonly targetValue: number; readonly minSampleSize: number;
      /** planned: the design's lift and note (null for the fixed rules) */
      readonly policy: string; readonly designLiftPct: number | null; readonly designNote: string | null }
  | { readonly kind: 'skipped'; readonly day: number; readonly date: string; readonly bottleneck: BottleneckType;
      readonly skillType: SkillType; readonly segment: string | null; readonly reason: string }
  | (TestLook & { readonly kind: 'analyzed' })
  | (TestLook & { readonly kind: 'decided' });

/** A weekly analysis of one running test: a look that left it running, or its decision. */
export interface TestLook {
  readonly day: number;
  readonly date: string;
  readonly testId: number;
  readonly skillId: number | null;
  readonly skillType: SkillType | null;
  readonly recommendation: string | null;
  readonly controlN: number | null;
  readonly treatmentN: number | null;
  readonly liftPct: number | null;
  readonly pValue: number | null;
  readonly reason: string | null;
}

/**
 * How a decision compares with the truth; 'acceptable' for a decision on a skill whose true effect is
 * real but too small to matter (SkillTruth.eitherIsRight), where KEEP and KILL are both fine.
 */
export type Verdict = 'right' | 'wrong' | 'acceptable' | 'undecided';

/** lh_ab_tests.kill_reason: why a KILL was decided (null for the seed and sequential rules' KILLs). */
export type KillReason = 'futile' | 'harmful' | 'inconclusive';

export interface SkillVerdict {
  readonly skillId: number;
  readonly skillType: SkillType;
  readonly segment: string | null;
  readonly spawnedOn: string;
  readonly testId: number | null;
  readonly metric: string | null;
  /** What the skill really does (the scenario's truth) and whether that is an improvement. */
  readonly trueEffect: string;
  readonly helps: boolean;
  /**
   * The declared relative effect on the tested metric in % (SkillTruth.trueEffectPct): 0 for a skill of
   * a type already rolled out when it was spawned, null when the scenario declares none.
   */
  readonly trueEffectPct: number | null;
  /** lh_spawned_skills.status: testing (no decision yet), active (KEEP) or killed (KILL). */
  readonly status: 'testing' | 'active' | 'killed';
  readonly decision: 'KEEP' | 'KILL' | 'pending';
  readonly decidedOn: string | null;
  readonly killReason: KillReason | null;
  readonly controlN: number | null;
  readonly treatmentN: number | null;
  readonly liftPct: number | null;
  readonly pValue: number | null;
  readonly verdict: Verdict;
}

export interface DayStats {
  readonly day: number;
  readonly date: string;
  readonly newLeads: number;
  /** Assignments of the day (one per lead and test: a lead in two overlapping tests counts twice). */
  readonly inTest: number;
  readonly bottlenecks: readonly BottleneckType[];
}

export interface SimulationSummary {
  readonly skills: readonly SkillVerdict[];
  readonly right: number;
  readonly wrong: number;
  /** Decisions on skills where either decision is fine (0 in scenarios without such skills). */
  readonly acceptable: number;
  readonly undecided: number;
}

export interface SimulationResult {
  readonly scenario: string;
  readonly description: string;
  readonly seed: number;
  readonly days: number;
  readonly leadsPerDay: number;
  readonly startDate: string;
  readonly endDate: string;
  /** Days of healthy history before startDate (written, then backfilled by one daily-job run). */
  readonly warmupDays: number;
  readonly totals: { readonly leads: number; readonly validations: number; readonly feedback: number;
    readonly dailyRuns: number; readonly analysisRuns: number };
  readonly timeline: readonly TimelineEvent[];
  readonly daily: readonly DayStats[];
  readonly summary: SimulationSummary;
}

/**
 * Right when a helpful skill is kept or a useless one killed; acceptable for any decision when either is
 * right; undecided while it is still testing.
 */
export function verdictFor(helps: boolean, status: SkillVerdict['status'], eitherIsRight = false): Verdict {
  if (status === 'testing') return 'undecided';
  if (eitherIsRight) return 'acceptable';
  return (status === 'active') === helps ? 'right' : 'wrong';
}
