/** Turning a rule's checks into at most one bottleneck (per segment), plus the reasons it stayed quiet. */
import { lowerIsBetter, type TrackedMetric } from '../metrics.ts';
import type { Check, Fired } from './checks.ts';
import { maxSeverity } from './severity.ts';
import { SKILL_FOR, type Bottleneck, type BottleneckType } from './types.ts';

/** What one rule concluded: its bottlenecks (none, one, or one per source) and why checks were quiet. */
export interface RuleOutcome {
  readonly type: BottleneckType;
  readonly bottlenecks: readonly Bottleneck[];
  readonly quiet: readonly string[];
}

export interface MetricChecks {
  readonly metric: TrackedMetric;
  /** The configured target (what the spawned skill aims for). */
  readonly target: number;
  /** Threshold checks first: the first fired check gives the current value. */
  readonly checks: readonly Check[];
}

const isFired = (c: Check): c is Fired => c.kind === 'fired';

/**
 * One bottleneck from the fired checks of one or more metrics (the first metric with a fired check
 * is the bottleneck's metric). The target is the configured one, or the baseline when a drop trigger
 * fired and the baseline was better (the skill should at least restore it).
 */
export function buildBottleneck(type: BottleneckType, metrics: readonly MetricChecks[], segment: string | null): Bottleneck | null {
  const allFired = metrics.flatMap((m) => m.checks.filter(isFired));
  const primary = metrics.find((m) => m.checks.some(isFired));
  if (!primary || allFired.length === 0) return null;
  const fired = primary.checks.filter(isFired);
  const first = fired[0]!;
  const lower = lowerIsBetter(primary.metric);
  const better = (a: number, b: number) => (lower ? Math.min(a, b) : Math.max(a, b));
  const target = fired
    .filter((f) => f.evidence.trigger.kind === 'baseline-drop' || f.evidence.trigger.kind === 'cusum')
    .reduce((t, f) => better(t, f.reference), primary.target);
  return {
    type,
    severity: maxSeverity(allFired.map((f) => f.severity)),
    metric: primary.metric,
    currentValue: first.current,
    targetValue: target,
    suggestedSkill: SKILL_FOR[type],
    segment,
    evidence: allFired.map((f) => f.evidence),
  };
}

/** The outcome of a rule with one global bottleneck at most. */
export function globalOutcome(type: BottleneckType, metrics: readonly MetricChecks[]): RuleOutcome {
  const b = buildBottleneck(type, metrics, null);
  const quiet = metrics.flatMap((m) => m.checks.flatMap((c) => (c.kind === 'quiet' ? [c.reason] : [])));
  return { type, bottlenecks: b ? [b] : [], quiet: b ? [] : quiet };
}
