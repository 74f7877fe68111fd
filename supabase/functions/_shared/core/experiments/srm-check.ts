// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The sample-ratio-mismatch guard as the policies consume it: a chi-square test of the assigned group
 * sizes against the test's configured split (traffic_allocation_pct is the treatment share), checked only
 * with enough units per group (GrowthBook's rule: 8), flagged at p < 0.001 by default.
 */
import { sampleRatioMismatch } from '../stats/index.ts';
import type { SrmCheck } from './decide.ts';

/** SRM of `controlAssigned` vs `treatmentAssigned` for a treatment share of `allocationPct` %. */
export function checkSrm(
  controlAssigned: number, treatmentAssigned: number, allocationPct: number,
  options: { threshold: number; minPerGroup: number },
): SrmCheck {
  const r = sampleRatioMismatch([controlAssigned, treatmentAssigned], [100 - allocationPct, allocationPct],
    { threshold: options.threshold, minUnitsPerGroup: options.minPerGroup });
  if (r.kind !== 'ok') return { kind: 'not-checked', reason: r.reason };
  return { kind: 'checked', pValue: r.pValue, chiSquare: r.chiSquare, mismatch: r.mismatch };
}
