/**
 * Power of the `sequential` policy at its planned size (private helper of the planner; src/stats plans
 * for the seed rule only). At N = S (the tuning point, S = 2 × planned per group) the normal-mixture
 * confidence sequence's half-width is k·se with
 *   k = sqrt((1 + 1/c)·(ln(1 + c) + 2·ln(1/α))),  c = 2·ln(1/α) + ln(1 + 2·ln(1/α))
 * (src/stats/sequential.ts; ≈ 3.04 at α = 0.05, against 1.96 for one fixed look). KEEP at that look needs
 * the improvement above k·se AND an observed lift above the KEEP threshold: the same two-condition event
 * as the seed rule, integrated by keepEventProbability. Earlier looks can only add KEEPs, so this is a
 * slightly conservative power (the simulation in test/sim/decision-policies.test.ts measures the real one).
 */
import { keepEventProbability, mixtureTuningConstant } from '../stats/index.ts';

/** The CS half-width in standard errors at N = S. Example: α = 0.05 → ≈ 3.035. */
export function csMultiplierAtPlan(alpha: number): number {
  const c = mixtureTuningConstant(alpha);
  return Math.sqrt((1 + 1 / c) * (Math.log(1 + c) + 2 * Math.log(1 / alpha)));
}

/** P(KEEP at the planned look) for rates p1 → p2 at n per group. */
export function sequentialPowerRates(p1: number, p2: number, n: number, alpha: number, minLiftPct: number): number {
  const sdX = Math.sqrt((p1 * (1 - p1)) / n);
  const sdY = Math.sqrt((p2 * (1 - p2)) / n);
  return keepEventProbability({
    meanX: p1, sdX, meanY: p2, sdY,
    threshold: csMultiplierAtPlan(alpha) * Math.sqrt(sdX ** 2 + sdY ** 2),
    ratio: 1 + minLiftPct / 100,
  });
}

/** P(KEEP at the planned look) for mean durations (lower is better) at n per group. */
export function sequentialPowerDurations(
  baselineMean: number, targetMean: number, sdControl: number, sdTreatment: number, n: number, alpha: number, minLiftPct: number,
): number {
  const sdX = sdControl / Math.sqrt(n);
  const sdY = sdTreatment / Math.sqrt(n);
  return keepEventProbability({
    meanX: -baselineMean, sdX, meanY: -targetMean, sdY,
    threshold: csMultiplierAtPlan(alpha) * Math.sqrt(sdX ** 2 + sdY ** 2),
    ratio: 1 - minLiftPct / 100,
  });
}
