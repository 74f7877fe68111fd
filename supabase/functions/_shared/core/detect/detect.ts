// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Bottleneck detection (docs/design.md §3 step 2): pure — window summaries in, bottlenecks out. Runs the five
 * rules; each yields at most one bottleneck (one per source for weak_lead_source) carrying every
 * trigger that fired as evidence. Then attribution decides whose a funnel-wide qualification drop is: the
 * sources that explain it (their source-optimizers, not the lead-scorer) or the funnel's (and then no
 * source's drop is a bottleneck of its own). Absent data never fires. Method: src/detect/README.md.
 */
import { attributeDrop, contributionFigures, contributionText, type Attribution } from './attribution.ts';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './config.ts';
import { coverageGap } from './coverage.ts';
import type { DetectionInput } from './input.ts';
import type { RuleOutcome } from './rule.ts';
import { lowResponseRate } from './rules/low-response-rate.ts';
import { poorQualification, qualifyCohortNeeds } from './rules/poor-qualification.ts';
import { slowFollowUp } from './rules/slow-follow-up.ts';
import { validationAccuracyDrop } from './rules/validation-accuracy-drop.ts';
import { weakLeadSource } from './rules/weak-lead-source.ts';
import { SKILL_FOR, type Bottleneck, type BottleneckType, type Evidence } from './types.ts';

export type { RuleOutcome } from './rule.ts';

/** Every rule's outcome: its bottlenecks and, when it stayed quiet, why (absent data, volume, not significant, …). */
export interface DetectionReport {
  readonly bottlenecks: readonly Bottleneck[];
  readonly rules: readonly RuleOutcome[];
}

const RULES: ReadonlyArray<(input: DetectionInput, c: DetectionConfig) => RuleOutcome> = [
  lowResponseRate, poorQualification, validationAccuracyDrop, slowFollowUp, weakLeadSource,
];

/** Runs every rule and keeps the explanations of the quiet ones (for the daily job's JSON summary). */
export function explainDetection(input: DetectionInput, config: DetectionConfig = DEFAULT_DETECTION_CONFIG): DetectionReport {
  const rules = attributeQualificationDrop(input, RULES.map((rule) => rule(input, config)), config);
  return { bottlenecks: rules.flatMap((r) => r.bottlenecks), rules };
}

/**
 * When poor_qualification fired and its rate dropped against an established baseline, decide whose drop it is
 * from the same cohorts per source (src/detect/attribution.ts). `sources`: the funnel-wide bottleneck is
 * replaced by a weak_lead_source bottleneck per blamed source (or its existing one gains the evidence).
 * `funnel-wide`: it keeps the evidence, and a source whose only trigger is its own drop test is not a
 * bottleneck of its own (its drop is part of the funnel's). `undecided`: the funnel-wide bottleneck waits
 * (quiet, with the reason) until the evidence decides, so the wrong skill is not started on the first days.
 */
function attributeQualificationDrop(input: DetectionInput, rules: readonly RuleOutcome[], c: DetectionConfig): RuleOutcome[] {
  const pq = rules.find((r) => r.type === 'poor_qualification');
  const funnel = pq?.bottlenecks[0];
  if (!pq || !funnel) return attributeSourceDrops(input, rules, c);
  if (coverageGap('attribution', input.historyStart, qualifyCohortNeeds(input), c)) return [...rules];
  const a = attributeDrop(input.qualifyCohortsBySource, c.attribution);
  if (a.kind === 'not-applicable') return [...rules];
  const replace = (type: BottleneckType, f: (r: RuleOutcome) => RuleOutcome) => rules.map((r) => (r.type === type ? f(r) : r));
  if (a.kind === 'undecided') {
    // one source pulls the drop but cannot yet be told from the rest: no skill for either side today
    return replace('poor_qualification', (r) => ({ ...r, bottlenecks: [],
      quiet: [...r.quiet, `the qualification drop waits for its attribution: ${a.reason}. Per source: ${contributionText(a)}`] }));
  }
  const evidence = attributionEvidence(a, `the qualification drop (contacted leads qualified within ${c.maturity.qualifyDays} days)`);
  if (a.kind === 'funnel-wide') {
    const withEvidence = replace('poor_qualification', (r) => ({ ...r, bottlenecks: [{ ...funnel, evidence: [...funnel.evidence, evidence] }] }));
    return reviseSources(withEvidence, (b) => !ownDropOnly(b),
      (b) => `${b.segment}: its conversion drop is part of the funnel-wide qualification drop (${a.reason})`);
  }
  const blamed = new Set(a.sources);
  return rules.map((r) => {
    if (r.type === 'poor_qualification') {
      return { ...r, bottlenecks: [], quiet: [...r.quiet, `the qualification drop is attributed to ${a.sources.join(', ')}: ${a.reason}`] };
    }
    if (r.type !== 'weak_lead_source') return r;
    const existing = r.bottlenecks.map((b) => (b.segment !== null && blamed.has(b.segment) ? { ...b, evidence: [...b.evidence, evidence] } : b));
    const have = new Set(existing.map((b) => b.segment));
    const added = a.sources.filter((s) => !have.has(s)).map((s) => sourceBottleneck(input, s, funnel, evidence, c));
    return { ...r, bottlenecks: [...existing, ...added] };
  });
}

/** The attribution as evidence: the verdict, the tests and every source's contribution. */
function attributionEvidence(a: Extract<Attribution, { kind: 'sources' | 'funnel-wide' }>, what: string): Evidence {
  return {
    trigger: { kind: 'attribution', verdict: a.kind, sources: a.kind === 'sources' ? a.sources : [], heterogeneityP: a.heterogeneityP, mixP: a.mixP },
    figures: contributionFigures(a),
    summary: `attribution of ${what}: ${a.reason}. Per source: ${contributionText(a)}.`,
  };
}

/** A weak_lead_source bottleneck fired by nothing but its own drop test. */
const ownDropOnly = (b: Bottleneck) => b.evidence.every((e) => e.trigger.kind === 'baseline-drop');

/**
 * weak_lead_source's outcome revised by an attribution: the bottlenecks `keep` rejects move to its quiet list
 * (each with `why`), the others pass through `mark`.
 */
function reviseSources(rules: readonly RuleOutcome[], keep: (b: Bottleneck) => boolean, why: (b: Bottleneck) => string,
  mark: (b: Bottleneck) => Bottleneck = (b) => b): RuleOutcome[] {
  return rules.map((r) => (r.type !== 'weak_lead_source' ? r : {
    ...r, bottlenecks: r.bottlenecks.filter(keep).map(mark), quiet: [...r.quiet, ...r.bottlenecks.filter((b) => !keep(b)).map(why)],
  }));
}

/**
 * Without a funnel-wide qualification bottleneck, a source's own conversion drop may still be part of a drop
 * of every source (the largest source crosses its line first): attribution on the source cohorts that rule
 * reads decides. The source keeps a bottleneck fired only by its own drop test when the verdict blames it
 * (or the sources overall did not drop); `funnel-wide` makes the drop not its own, `undecided` makes it wait.
 */
function attributeSourceDrops(input: DetectionInput, rules: readonly RuleOutcome[], c: DetectionConfig): RuleOutcome[] {
  const wls = rules.find((r) => r.type === 'weak_lead_source');
  if (!wls || !wls.bottlenecks.some(ownDropOnly)) return [...rules];
  const a = attributeDrop(input.sources, c.attribution);
  if (a.kind === 'not-applicable') return [...rules];
  const blamed = (b: Bottleneck) => a.kind === 'sources' && b.segment !== null && a.sources.includes(b.segment);
  const keep = (b: Bottleneck) => !ownDropOnly(b) || blamed(b);
  const why = (b: Bottleneck) => (a.kind === 'funnel-wide'
    ? `${b.segment}: its conversion drop is part of a drop of every source (${a.reason}; per source: ${contributionText(a)})`
    : `${b.segment}: its conversion drop waits for its attribution (${a.reason}; per source: ${contributionText(a)})`);
  const what = `the conversion drop (leads converted within ${c.maturity.sourceDays} days)`;
  const withEvidence = (b: Bottleneck): Bottleneck => (a.kind === 'sources' && blamed(b) ? { ...b, evidence: [...b.evidence, attributionEvidence(a, what)] } : b);
  return reviseSources(rules, keep, why, withEvidence);
}

/**
 * The blamed source's bottleneck, on the metric its source-optimizer's test tracks (source_conversion_rate:
 * its leads converted within maturity.sourceDays, from the source cohorts), restoring at least its baseline.
 * A source without matured source cohorts yet falls back to its qualify-cohort rates.
 */
function sourceBottleneck(input: DetectionInput, source: string, funnel: Bottleneck, evidence: Evidence, c: DetectionConfig): Bottleneck {
  const sc = input.sources.find((s) => s.source === source);
  const qc = input.qualifyCohortsBySource.find((s) => s.source === source)!;
  const useSource = sc !== undefined && sc.recent.n > 0 && sc.baseline.n > 0;
  const current = useSource ? sc.recent.successes / sc.recent.n : qc.recent.successes / Math.max(1, qc.recent.n);
  const baseline = useSource ? sc.baseline.successes / sc.baseline.n : qc.baseline.successes / Math.max(1, qc.baseline.n);
  return {
    type: 'weak_lead_source', severity: funnel.severity, metric: 'source_conversion_rate',
    currentValue: current, targetValue: Math.max(c.weakLeadSource.targetRate, baseline),
    suggestedSkill: SKILL_FOR.weak_lead_source, segment: source, evidence: [evidence, ...funnel.evidence],
  };
}

/** The bottlenecks of one metric day, in rule order (low_response_rate … weak_lead_source). */
export function detectBottlenecks(input: DetectionInput, config: DetectionConfig = DEFAULT_DETECTION_CONFIG): Bottleneck[] {
  return [...explainDetection(input, config).bottlenecks];
}

/** Bottlenecks by type, for callers that want to look one up. */
export function byType(bottlenecks: readonly Bottleneck[], type: BottleneckType): Bottleneck[] {
  return bottlenecks.filter((b) => b.type === type);
}
