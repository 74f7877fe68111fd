/**
 * Builds the report from the output tables only (daily metrics, pattern performance, detected
 * bottlenecks, skills, tests), every read bounded by the trend window or a LIMIT. Pure data out: both
 * renderers and `--json` use it.
 */
import { DatabaseError, type Queryable, sqlState } from '../db/port.ts';
import {
  queryCurrentBottlenecks, querySkillActionCounts, querySkills, queryTestingSkills, queryTests, queryTrend, queryWindow,
  type ActionCountRow,
  type DetectedBottleneckRow, type SkillRow, type TestRow, type TrendRow,
} from './queries.ts';
import { finite, storedBySource, storedLiftCi, storedSrm, waldLiftCi } from './results.ts';
import { readTestResults } from '../experiments/results-document.ts';
import type {
  DetectedBottleneckView, JsonValue, Recommendation, Report, SkillStatus, SkillUnderTestView, SkillView, TestView, TrendPoint,
} from './types.ts';

export interface ReportOptions {
  /** The report's clock: the trend window ends on this instant's date in the business time zone. */
  readonly now: Date;
  /** Days in the trend window (default 30, at most MAX_REPORT_DAYS). */
  readonly days?: number;
}

export const DEFAULT_REPORT_DAYS = 30;
export const MAX_REPORT_DAYS = 366;
/** Bounds of the lists: the report never reads an unbounded number of rows. */
export const REPORT_LIMITS = { skills: 100, tests: 100, bottlenecks: 50, sourcesPerTest: 50 } as const;

/** A report that cannot be built, with what to do about it. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
}

const UNDEFINED_TABLE = '42P01';

/** Reads the aggregates and assembles the report (see Report for the shape). */
export async function buildReport(db: Queryable, options: ReportOptions): Promise<Report> {
  const days = options.days ?? DEFAULT_REPORT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_REPORT_DAYS) {
    throw new ReportError(`the trend window must be a whole number of days from 1 to ${MAX_REPORT_DAYS}, got ${days}`);
  }
  if (Number.isNaN(options.now.getTime())) throw new ReportError('the report clock (now) is not a valid date');
  try {
    const window = await queryWindow(db, options.now, days);
    const [trendRows, detectedRows, skillRows, testingRows, testRows] = await Promise.all([
      queryTrend(db, window.from_date, days),
      queryCurrentBottlenecks(db, window.to_date, REPORT_LIMITS.bottlenecks + 1),
      querySkills(db, REPORT_LIMITS.skills + 1),
      queryTestingSkills(db, REPORT_LIMITS.bottlenecks),
      queryTests(db, REPORT_LIMITS.tests + 1),
    ]);
    const listed = skillRows.slice(0, REPORT_LIMITS.skills);
    const counts = new Map((await querySkillActionCounts(db, listed.map((r) => Number(r.id)))).map((c) => [Number(c.skill_id), c]));
    const trend = trendRows.map(toTrendPoint);
    const detected = detectedRows.flatMap(toDetected);
    return {
      generatedAt: options.now.toISOString(),
      timeZone: window.time_zone,
      window: { from: window.from_date, to: window.to_date, days },
      trend,
      latest: [...trend].reverse().find((p) => p.hasData) ?? null,
      bottlenecksDate: detectedRows[0]?.metric_date ?? null,
      bottlenecks: detected.slice(0, REPORT_LIMITS.bottlenecks),
      skillsUnderTest: testingRows.map(toSkillUnderTest),
      skills: listed.map((r) => toSkill(r, counts.get(Number(r.id)))),
      tests: testRows.slice(0, REPORT_LIMITS.tests).map(toTest),
      truncated: { bottlenecks: detected.length > REPORT_LIMITS.bottlenecks, skills: skillRows.length > REPORT_LIMITS.skills,
        tests: testRows.length > REPORT_LIMITS.tests },
    };
  } catch (cause) {
    if (cause instanceof ReportError) throw cause;
    if (sqlState(cause) === UNDEFINED_TABLE) {
      throw new DatabaseError('the database has no Lead Hunter tables yet: run `lh-brain migrate` first', { cause, code: UNDEFINED_TABLE });
    }
    throw new DatabaseError(`cannot read the report's tables: ${(cause as Error).message}`, { cause, code: sqlState(cause) });
  }
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

function toTrendPoint(r: TrendRow): TrendPoint {
  return {
    date: r.date,
    hasData: r.has_data,
    newLeads: finite(r.new_leads_count),
    contacted: finite(r.contacted_count),
    qualified: finite(r.qualified_count),
    closed: finite(r.closed_count),
    avgResponseTimeHours: finite(r.avg_response_time_hours),
    avgTimeToQualifyHours: finite(r.avg_time_to_qualify_hours),
    contactRate: finite(r.contact_rate),
    qualificationRate: finite(r.qualification_rate),
    f1Score: finite(r.f1_score),
  };
}

/** jsonb as stored, made safe for JSON (drivers may hand back a string for jsonb in rare setups). */
function json(v: unknown): JsonValue {
  if (v === undefined) return null;
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as JsonValue;
    } catch {
      return v; // a plain string stored as evidence stays a string
    }
  }
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))) as JsonValue;
}

const SEVERITIES = ['low', 'medium', 'high'] as const;
const SKILL_STATUSES: readonly SkillStatus[] = ['testing', 'active', 'killed'];

/** A stored bottleneck (none for the placeholder row of a day without bottlenecks). */
function toDetected(r: DetectedBottleneckRow): DetectedBottleneckView[] {
  if (r.id === null || r.bottleneck_type === null || r.metric_tracked === null || r.suggested_skill === null || r.detected_at === null) return [];
  // the table's check constraints allow only these values
  const severity = SEVERITIES.find((s) => s === r.severity) ?? 'low';
  const skillStatus = SKILL_STATUSES.find((s) => s === r.skill_status) ?? null;
  return [{
    type: r.bottleneck_type,
    segment: r.segment,
    severity,
    metric: r.metric_tracked,
    currentValue: finite(r.current_value),
    targetValue: finite(r.target_value),
    suggestedSkill: r.suggested_skill,
    detectedAt: r.detected_at.toISOString(),
    spawnOutcome: r.spawn_outcome,
    skillId: r.skill_id,
    skillStatus,
    evidence: json(r.evidence),
  }];
}

function toSkillUnderTest(r: SkillRow): SkillUnderTestView {
  return {
    skillId: r.id,
    skillType: r.skill_type,
    skillName: r.skill_name,
    problem: r.problem_detected,
    metric: r.target_metric,
    segment: r.segment,
    baselineValue: finite(r.baseline_value),
    targetValue: finite(r.target_value),
    detectedFor: r.spawned_for_date,
    spawnedAt: r.spawned_at.toISOString(),
    evidence: json(r.evidence),
  };
}

function toSkill(r: SkillRow, c: ActionCountRow | undefined): SkillView {
  return {
    id: r.id,
    skillType: r.skill_type,
    skillName: r.skill_name,
    status: r.status as SkillStatus, // the table's check constraint allows only these three
    metric: r.target_metric,
    segment: r.segment,
    baselineValue: finite(r.baseline_value),
    targetValue: finite(r.target_value),
    actualLiftPct: finite(r.actual_lift_pct),
    spawnedAt: r.spawned_at.toISOString(),
    decisionMadeAt: iso(r.decision_made_at),
    decisionReason: r.decision_reason,
    actions: {
      produced: c?.produced ?? 0, pending: c?.pending ?? 0, claimed: c?.claimed ?? 0,
      done: c?.done ?? 0, expired: c?.expired ?? 0, cancelled: c?.cancelled ?? 0,
    },
  };
}

function toTest(r: TestRow): TestView {
  const level = finite(r.confidence_level) ?? 0.95;
  const controlN = finite(r.control_sample_size);
  const treatmentN = finite(r.treatment_sample_size);
  const controlValue = finite(r.control_conversion_rate);
  const treatmentValue = finite(r.treatment_conversion_rate);
  const read = readTestResults(json(r.results));
  const results = read.kind === 'ok' ? read.results : null;
  const stored = storedLiftCi(results, level);
  const wald = stored ? null
    : waldLiftCi({ metric: r.metric_tracked, controlN, treatmentN, controlRate: controlValue, treatmentRate: treatmentValue, level });
  const unreadable = read.kind === 'unreadable' ? read.reason : null;
  const computed = stored ? { ci: stored, note: null }
    : { ci: wald?.ci ?? null, note: wald?.ci ? null : (unreadable ?? results?.note ?? wald?.note ?? null) };
  return {
    id: r.id,
    name: r.test_name,
    skillId: r.skill_id,
    metric: r.metric_tracked,
    segment: r.segment,
    status: r.status === 'completed' ? 'completed' : 'running',
    policy: r.policy,
    startedAt: r.started_at.toISOString(),
    endedAt: iso(r.ended_at),
    minSampleSize: r.min_sample_size,
    controlSampleSize: controlN,
    treatmentSampleSize: treatmentN,
    controlValue,
    treatmentValue,
    liftPct: finite(r.lift_pct),
    liftCi: computed.ci,
    liftCiNote: computed.note,
    pValue: finite(r.p_value),
    recommendation: (r.recommendation as Recommendation | null) ?? null,
    winner: r.winner === 'control' || r.winner === 'treatment' ? r.winner : null,
    decisionReason: r.decision_reason,
    srm: storedSrm(results),
    bySource: storedBySource(results, REPORT_LIMITS.sourcesPerTest),
    killReason: r.kill_reason === 'futile' || r.kill_reason === 'harmful' || r.kill_reason === 'inconclusive' ? r.kill_reason : null,
    chanceToBeatControl: results?.bayes?.chanceToBeatControl ?? null,
    expectedLossTreatment: results?.bayes?.expectedLossTreatment ?? null,
    design: results?.design ? { liftPct: results.design.liftPct, maxPerGroup: Math.max(results.design.maxPerGroup.control, results.design.maxPerGroup.treatment),
      feasible: results.design.feasible, note: results.design.note, alpha: results.design.alpha,
      alphaReason: results.design.alphaReason ?? null } : null,
    look: results?.look ? { lookNumber: results.look.lookNumber, informationFraction: results.look.informationFraction } : null,
    interactions: results?.interactions ?? [],
  };
}
