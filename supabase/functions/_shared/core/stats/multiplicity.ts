// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Multiple-testing corrections for results by lead source (docs/design.md §4 guards). Both return adjusted
 * p-values in the input order, matching R's p.adjust.
 */
import { invalid, type InvalidInput } from './result.ts';

export interface AdjustedPValues {
  kind: 'ok';
  adjusted: number[];
}

function checkPValues(p: readonly number[]): InvalidInput | null {
  const i = p.findIndex((x) => !(typeof x === 'number' && x >= 0 && x <= 1));
  return i >= 0 ? invalid(`p-value at index ${i} is not in [0, 1]: ${p[i]}`) : null;
}

/** Indices sorted by p ascending; ties keep input order (stable, like R's order()). */
function ascendingOrder(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((a, b) => (p[a] ?? 0) - (p[b] ?? 0) || a - b);
}

/**
 * Holm–Bonferroni step-down adjustment (controls the family-wise error rate).
 * adj_(i) = min(1, max_{j ≤ i} (m − j + 1)·p_(j)) over ascending p. Reference: Holm (1979), Scand. J.
 * Statist. 6:65; R p.adjust(p, "holm").
 * Example: [0.01, 0.04, 0.03, 0.005] → [0.03, 0.06, 0.06, 0.02].
 */
export function holmAdjust(p: readonly number[]): AdjustedPValues | InvalidInput {
  const bad = checkPValues(p);
  if (bad) return bad;
  const m = p.length;
  const adjusted = new Array<number>(m).fill(0);
  let running = 0;
  ascendingOrder(p).forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (p[idx] ?? 0)));
    adjusted[idx] = running;
  });
  return { kind: 'ok', adjusted };
}

/**
 * Benjamini–Hochberg step-up adjustment (controls the false discovery rate).
 * adj_(i) = min(1, min_{j ≥ i} m/j·p_(j)) over ascending p. Reference: Benjamini & Hochberg (1995),
 * JRSS B 57:289; R p.adjust(p, "BH"); scipy.stats.false_discovery_control(p, method='bh').
 * Example: [0.01, 0.04, 0.03, 0.005] → [0.02, 0.04, 0.04, 0.02].
 */
export function benjaminiHochbergAdjust(p: readonly number[]): AdjustedPValues | InvalidInput {
  const bad = checkPValues(p);
  if (bad) return bad;
  const m = p.length;
  const adjusted = new Array<number>(m).fill(0);
  const order = ascendingOrder(p);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const idx = order[rank] ?? 0;
    running = Math.min(running, ((p[idx] ?? 0) * m) / (rank + 1));
    adjusted[idx] = running;
  }
  return { kind: 'ok', adjusted };
}
