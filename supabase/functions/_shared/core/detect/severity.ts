// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Severity of a bottleneck, from the size of the damage rather than from its type:
 * rates by outcomes lost per week (weekly volume × shortfall, research note "Severity"), durations by
 * how many times longer than the reference, F1 by points lost.
 */
import type { SeverityCutoffs } from './config.ts';
import type { Severity } from './types.ts';

const ORDER: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

function grade(value: number, cut: { medium: number; high: number }): Severity {
  if (!Number.isFinite(value)) return 'low';
  return value >= cut.high ? 'high' : value >= cut.medium ? 'medium' : 'low';
}

/** Rate metrics: outcomes (contacts, qualifications, conversions) lost per week. */
export function rateSeverity(lostPerWeek: number, cut: SeverityCutoffs): Severity {
  return grade(lostPerWeek, cut.lostPerWeek);
}

/** Duration metrics: current / reference (2 h → 8 h is 4×). */
export function durationSeverity(ratio: number, cut: SeverityCutoffs): Severity {
  return grade(ratio, cut.durationRatio);
}

/** F1: reference − current in F1 units (0.87 → 0.75 is 0.12). */
export function f1Severity(points: number, cut: SeverityCutoffs): Severity {
  return grade(points, cut.f1Points);
}

/** The worse of several severities (a bottleneck with several fired triggers). */
export function maxSeverity(all: readonly Severity[]): Severity {
  return all.reduce<Severity>((a, b) => (ORDER[b] > ORDER[a] ? b : a), 'low');
}
