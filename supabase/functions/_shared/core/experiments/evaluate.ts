// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * One test's weekly evaluation (pure): the aggregated outcome rows, the test's settings and the clock in;
 * the comparison, the policy's decision, the lh_ab_tests column values and the `results` document out.
 * The analysis job only adds the reads, the lock and the writes around it.
 */
import type { AssignmentRow, OutcomeRow } from '../db/queries/test-outcomes.ts';
import { METRIC_KIND, lowerIsBetter, type TrackedMetric } from '../metrics.ts';
import { compareBySource, type SourceResult } from './by-source.ts';
import { compareGroups, rankImprovementZ, type Comparison } from './compare.ts';
import { decide, type LookRecord, type PolicyOutcome, type SrmCheck } from './decide.ts';
import type { TestDesign } from './design.ts';
import type { DecisionConfig } from './decision-config.ts';
import { pairsFromRows, type GroupStats } from './outcomes.ts';
import { checkSrm } from './srm-check.ts';
import { postStratifiedDifference } from './post-stratify.ts';
import type { InteractionSummary } from './interactions.ts';
import { RESULTS_VERSION, type BayesReport, type TestResultsDocument } from './results-document.ts';
import { bayesMeans, bayesProportions } from '../stats/index.ts';
import type { PolicyName, Recommendation } from './types.ts';

/** The settings of a test the evaluation needs (columns of lh_ab_tests). */
export interface TestSpec {
  readonly id: number;
  readonly metric: TrackedMetric;
  readonly segment: string | null;
  readonly allocationPct: number;
  readonly minSampleSize: number;
  readonly plannedSampleSize: number | null;
  readonly confidenceLevel: number;
  readonly startedAt: Date;
  readonly maxDurationDays: number;
  /** lh_ab_tests.design (planned tests), parsed; null otherwise. */
  readonly design: TestDesign | null;
}

/** A group as reported: its units, the metric's value and what was left out. */
export interface GroupReport {
  readonly assigned: number;
  readonly n: number;
  readonly value: number | null;
  readonly successes: number | null;
  readonly sd: number | null;
  /** Leads left out of the outcome, by reason (lh_lead_facts' reasons and outside_segment). */
  readonly excluded: Readonly<Record<string, number>>;
}

export interface Evaluation {
  readonly comparison: Comparison;
  readonly outcome: PolicyOutcome;
  readonly control: GroupReport;
  readonly treatment: GroupReport;
  readonly srm: SrmCheck;
  readonly bySource: readonly SourceResult[];
  readonly recommendation: Recommendation | null;
  readonly winner: 'control' | 'treatment' | null;
  readonly elapsedDays: number;
  /** The JSON stored in lh_ab_tests.results (finite numbers only; nothing clock-dependent, so an unchanged test is not rewritten). */
  readonly results: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

function groupReport(metric: TrackedMetric, s: GroupStats, a: AssignmentRow | undefined): GroupReport {
  const rate = METRIC_KIND[metric] !== 'duration';
  const excluded = {
    ...(a?.excluded ?? {}),
    ...(metric === 'f1_score' ? { validation_without_prediction: a?.unscorable_validations ?? 0 } : {}),
  };
  return {
    assigned: a?.assigned ?? 0, n: s.n, value: s.mean,
    successes: rate ? Math.round(s.sum) : null,
    sd: !rate && s.variance !== null ? Math.sqrt(s.variance) : null,
    excluded,
  };
}

/** KEEP/KILL/CONTINUE for the column; not-enough-data keeps running (CONTINUE); an SRM block has none. */
export function recommendationOf(kind: PolicyOutcome['decision']['kind']): Recommendation | null {
  if (kind === 'KEEP' || kind === 'KILL' || kind === 'CONTINUE') return kind;
  return kind === 'not-enough-data' ? 'CONTINUE' : null;
}

/** Replaces any non-finite number by null, recursively (nothing NaN/Infinity ever reaches a row or JSON). */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

/** Evaluates one test as of `asOf` with `policy`. */
export function evaluateTest(
  spec: TestSpec, outcomeRows: readonly OutcomeRow[], assignment: readonly AssignmentRow[],
  asOf: Date, policy: PolicyName, config: DecisionConfig, looks: readonly LookRecord[] = [],
  interactions: readonly InteractionSummary[] = [],
): Evaluation {
  const { total, bySource: pairs } = pairsFromRows(outcomeRows);
  const options = { confidence: spec.confidenceLevel, durationTest: config.durationTest };
  const comparison = compareGroups(spec.metric, total.control, total.treatment, options);
  const ac = assignment.find((r) => r.grp === 'control');
  const at = assignment.find((r) => r.grp === 'treatment');
  const srm = checkSrm(ac?.assigned ?? 0, at?.assigned ?? 0, spec.allocationPct,
    { threshold: config.srmThreshold, minPerGroup: config.srmMinPerGroup });
  const elapsedDays = (asOf.getTime() - spec.startedAt.getTime()) / DAY_MS;
  const planned = spec.plannedSampleSize ?? spec.minSampleSize;
  const stratified = METRIC_KIND[spec.metric] === 'rate' ? postStratifiedDifference(pairs) : null;
  const ps = stratified !== null && stratified.kind === 'ok' ? stratified : null;
  const outcome = decide(policy, {
    comparison, controlN: total.control.n, treatmentN: total.treatment.n,
    minSampleSize: spec.minSampleSize, plannedSampleSize: planned,
    elapsedDays, maxDurationDays: spec.maxDurationDays, confidenceLevel: spec.confidenceLevel, srm,
    design: spec.design, looks,
    adjusted: ps && { improvement: ps.difference, standardError: ps.standardError },
    rankZ: METRIC_KIND[spec.metric] === 'duration' ? rankImprovementZ(total.control, total.treatment, lowerIsBetter(spec.metric)) : null,
  }, config);
  const alpha = config.seed.keepMaxP ?? Number((1 - spec.confidenceLevel).toPrecision(12));
  const bySource = compareBySource(spec.metric, pairs, { ...options, alpha });
  const kind = outcome.decision.kind;
  const winner = kind === 'KEEP' ? 'treatment' : kind === 'KILL' ? 'control' : null;
  const control = groupReport(spec.metric, total.control, ac);
  const treatment = groupReport(spec.metric, total.treatment, at);
  const durationPValues = METRIC_KIND[spec.metric] === 'duration'
    ? Object.fromEntries((['welch', 'log-welch', 'mann-whitney'] as const).map((t) =>
      [t, compareGroups(spec.metric, total.control, total.treatment, { ...options, durationTest: t }).pValue]))
    : null;
  const level = spec.confidenceLevel;
  const bayes = bayesView(spec.metric, total.control, total.treatment);
  const doc: TestResultsDocument = {
    version: RESULTS_VERSION,
    policy,
    metric: spec.metric,
    metricKind: METRIC_KIND[spec.metric],
    lowerIsBetter: lowerIsBetter(spec.metric),
    test: comparison.test,
    decision: outcome.decision,
    control, treatment,
    difference: comparison.difference,
    differenceCi: comparison.differenceCi && { ...comparison.differenceCi, level },
    liftPct: comparison.liftPct,
    liftCi: comparison.liftCi && { ...comparison.liftCi, level },
    note: comparison.note,
    pValue: comparison.pValue,
    decisionPValue: outcome.pValue,
    durationPValues,
    sequential: outcome.sequential,
    killReason: outcome.decision.kind === 'KILL' ? outcome.decision.killReason : null,
    look: outcome.look,
    bayes,
    postStratified: ps && {
      difference: ps.difference, standardError: ps.standardError, unadjusted: ps.unadjusted,
      varianceRatio: ps.varianceRatio, strata: ps.strata.map((x) => ({ name: x.name, weight: x.weight })),
      usedByDecision: policy === 'planned',
    },
    design: spec.design && {
      liftPct: spec.design.liftPct, requestedLiftPct: spec.design.requestedLiftPct, alpha: spec.design.alpha,
      power: spec.design.power, maxPerGroup: spec.design.maxPerGroup, feasible: spec.design.feasible, note: spec.design.note,
      alphaReason: spec.design.alphaAllocation?.reason ?? null,
    },
    srm: srm.kind === 'checked'
      ? { status: srm.mismatch ? 'mismatch' : 'ok', pValue: srm.pValue, chiSquare: srm.chiSquare, threshold: config.srmThreshold,
        expectedTreatmentPct: spec.allocationPct }
      : { status: 'not-checked', reason: srm.reason },
    minSampleSize: spec.minSampleSize,
    plannedSampleSize: planned,
    maxDurationDays: spec.maxDurationDays,
    bySourceAdjustment: 'holm',
    bySource,
    interactions,
  };
  const results = jsonSafe(doc) as Record<string, unknown>;
  return { comparison, outcome, control, treatment, srm, bySource, recommendation: recommendationOf(kind), winner, elapsedDays, results };
}

/**
 * Chance to beat control and expected loss (GrowthBook, Eppo, Statsig report them beside the decision):
 * Beta(1 + x, 1 + n − x) posteriors for rates, a normal posterior of the means for durations. Reported,
 * never deciding. Null when a group has no units.
 */
export function bayesView(metric: TrackedMetric, c: GroupStats, t: GroupStats): BayesReport | null {
  if (c.n === 0 || t.n === 0) return null;
  const lower = lowerIsBetter(metric);
  const r = METRIC_KIND[metric] === 'duration'
    ? (c.mean === null || t.mean === null || c.variance === null || t.variance === null ? null
      : bayesMeans(c.mean, Math.sqrt(c.variance / c.n), t.mean, Math.sqrt(t.variance / t.n), { lowerIsBetter: lower }))
    : bayesProportions({ successes: Math.round(c.sum), n: c.n }, { successes: Math.round(t.sum), n: t.n }, { lowerIsBetter: lower });
  if (r === null || r.kind !== 'ok') return null;
  return { chanceToBeatControl: r.chanceToBeatControl, expectedLossTreatment: r.expectedLossTreatment,
    expectedLossControl: r.expectedLossControl, credibleInterval: r.credibleInterval, method: r.method };
}
