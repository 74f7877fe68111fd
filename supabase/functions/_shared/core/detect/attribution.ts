// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Attribution of a funnel-wide drop to lead sources (issue 12 item 3), before anything is spawned.
 *
 * Why: when one source goes bad (a list vendor's leads stop qualifying) the funnel-wide qualification rate
 * drops too, and the funnel-wide rule fires first: the engine then tests a lead-scorer, which cannot fix a
 * source. And when every source drops alike, one source's own drop test may cross its line first and a
 * source-optimizer is spawned beside the funnel-wide skill, for a problem that is not that source's.
 *
 * The drop of a rate P = Σ w_s p_s (w_s: source s's share of the units, p_s: its rate) between the baseline
 * (b) and the recent window (r) splits exactly into per-source contributions (a shift-share decomposition):
 *
 *   ΔP = Σ_s c_s,   c_s = w̄_s (p_s^r − p_s^b)  +  [Δw_s > 0] Δw_s (p̄_s − p̄_from)
 *                        [the source's own change]   [the mix moving towards it]
 *
 * with bars the means of the two windows, Δw_s = w_s^r − w_s^b, and p̄_from the mean rate of the units the
 * shrinking sources gave up (Σ over Δw_j < 0 of |Δw_j| p̄_j / Σ |Δw_j|). The mix term goes to the sources that
 * grew only: when the mix shifts towards a weak source, the strong sources it came from are not to blame. The
 * terms sum to ΔP exactly because Σ_s Δw_s = 0 (so Σ_grow Δw_s p̄_from = Σ_shrink |Δw_j| p̄_j).
 *
 * The verdict: the candidates are the fewest sources whose contributions reach `minExplainedShare` of the
 * drop (largest pull first).
 * - More than `maxSourceShare` of the sources needed: the drop is spread, **funnel-wide**.
 * - Else, when the sources differ, the drop is **the candidates'**: their rate changes by Cochran's Q (the
 *   heterogeneity test of meta-analysis, Σ (d_s − d̄)² / v_s against χ²(k − 1)) below `alpha`, or the mix by
 *   Pearson's chi-square on units per source and window below `alpha` when the mix makes at least half of
 *   the candidates' contribution (a mix that changed by chance says nothing about a drop of rates).
 * - Else **undecided** when a single source pulls most of the drop, its own drop is significant and the
 *   other sources' is not (one-sided two-proportion tests below `alpha`), but the sources cannot yet be
 *   told apart: the first days of one source going bad, while the matured cohort holds only part of its
 *   drop. The daily job then waits (no skill for either side) rather than start the wrong one; the next
 *   days decide (src/detect/detect.ts).
 * - Else **funnel-wide**: without evidence that the sources differ, the funnel-wide skill is the default.
 */
import { chiSquareSf, normalCdf } from '../stats/index.ts';
import { continuityCorrected } from './checks.ts';
import type { DetectionConfig } from './config.ts';
import type { SourceCohorts } from './input.ts';

/** One source's part in the change of the funnel-wide rate (fractions; negative = pulls the rate down). */
export interface SourceContribution {
  readonly source: string;
  readonly recentRate: number | null;
  readonly baselineRate: number | null;
  readonly recentShare: number;
  readonly baselineShare: number;
  /** w̄ (p^r − p^b): the source's own change, weighted by its mean share. */
  readonly rateEffect: number;
  /** Δw (p̄ − p̄_from) when the source's share grew, else 0: the mix moving towards it from the shrinking sources. */
  readonly mixEffect: number;
  /** rateEffect + mixEffect; the contributions sum to the funnel-wide change. */
  readonly total: number;
}

interface Tests {
  readonly contributions: readonly SourceContribution[];
  /** Funnel-wide rates and their change (recent − baseline). */
  readonly recentRate: number;
  readonly baselineRate: number;
  readonly change: number;
  /** Cochran's Q p-value on the sources' rate changes (null: fewer than two sources with minUnits). */
  readonly heterogeneityP: number | null;
  /** Pearson chi-square p-value on the source mix (null: fewer than two sources with units). */
  readonly mixP: number | null;
}

export type Attribution =
  | { readonly kind: 'not-applicable'; readonly reason: string }
  | (Tests & { readonly kind: 'funnel-wide'; readonly reason: string })
  | (Tests & { readonly kind: 'undecided'; readonly sources: readonly string[]; readonly explainedShare: number; readonly reason: string })
  | (Tests & { readonly kind: 'sources'; readonly sources: readonly string[]; readonly explainedShare: number; readonly reason: string });

const rate = (successes: number, n: number): number | null => (n > 0 ? successes / n : null);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;

/** The exact shift-share split of the change of the pooled rate (every source with units in either window). */
export function contributions(cohorts: readonly SourceCohorts[]): { rows: SourceContribution[]; recentRate: number; baselineRate: number } | null {
  const nr = cohorts.reduce((a, c) => a + c.recent.n, 0);
  const nb = cohorts.reduce((a, c) => a + c.baseline.n, 0);
  if (nr === 0 || nb === 0) return null;
  const pr = cohorts.reduce((a, c) => a + c.recent.successes, 0) / nr;
  const pb = cohorts.reduce((a, c) => a + c.baseline.successes, 0) / nb;
  const parts = cohorts.filter((c) => c.recent.n + c.baseline.n > 0).map((c) => {
    const r = rate(c.recent.successes, c.recent.n);
    const b = rate(c.baseline.successes, c.baseline.n);
    // a source absent from one window has no rate there: its units in the other window carry its one rate
    const rr = r ?? b!;
    const bb = b ?? r!;
    return { c, r, b, wr: c.recent.n / nr, wb: c.baseline.n / nb, change: rr - bb, mean: (rr + bb) / 2 };
  });
  const shrinking = parts.filter((x) => x.wr < x.wb);
  const given = shrinking.reduce((a, x) => a + (x.wb - x.wr), 0);
  const fromRate = given > 0 ? shrinking.reduce((a, x) => a + (x.wb - x.wr) * x.mean, 0) / given : 0;
  const rows = parts.map((x): SourceContribution => {
    const rateEffect = ((x.wr + x.wb) / 2) * x.change;
    const mixEffect = x.wr > x.wb ? (x.wr - x.wb) * (x.mean - fromRate) : 0;
    return { source: x.c.source, recentRate: x.r, baselineRate: x.b, recentShare: x.wr, baselineShare: x.wb, rateEffect, mixEffect,
      total: rateEffect + mixEffect };
  });
  return { rows, recentRate: pr, baselineRate: pb };
}

/**
 * Cochran's Q on the rate changes d_s = p_s^r − p_s^b of the sources with at least `minUnits` units in each
 * window, each weighted by 1 / v_s, v_s the null variance of a difference of two proportions at the
 * source's pooled rate (with a half-unit continuity so a 0 % or 100 % source still has a variance).
 */
export function heterogeneityP(cohorts: readonly SourceCohorts[], minUnits: number): number | null {
  const used = cohorts.filter((c) => c.recent.n >= minUnits && c.baseline.n >= minUnits);
  if (used.length < 2) return null;
  const terms = used.map((c) => {
    const d = c.recent.successes / c.recent.n - c.baseline.successes / c.baseline.n;
    const pooled = (c.recent.successes + c.baseline.successes + 0.5) / (c.recent.n + c.baseline.n + 1);
    const v = pooled * (1 - pooled) * (1 / c.recent.n + 1 / c.baseline.n);
    return { d, w: 1 / v };
  });
  const sw = terms.reduce((a, t) => a + t.w, 0);
  const mean = terms.reduce((a, t) => a + t.w * t.d, 0) / sw;
  const q = terms.reduce((a, t) => a + t.w * (t.d - mean) ** 2, 0);
  return chiSquareSf(q, used.length - 1);
}

/** Pearson's chi-square test that the share of units per source is the same in both windows. */
export function mixP(cohorts: readonly SourceCohorts[]): number | null {
  const used = cohorts.filter((c) => c.recent.n + c.baseline.n > 0);
  if (used.length < 2) return null;
  const nr = used.reduce((a, c) => a + c.recent.n, 0);
  const nb = used.reduce((a, c) => a + c.baseline.n, 0);
  const n = nr + nb;
  if (nr === 0 || nb === 0) return null;
  let x2 = 0;
  for (const c of used) {
    const row = c.recent.n + c.baseline.n;
    const er = (row * nr) / n;
    const eb = (row * nb) / n;
    x2 += (c.recent.n - er) ** 2 / er + (c.baseline.n - eb) ** 2 / eb;
  }
  return chiSquareSf(x2, used.length - 1);
}

/**
 * One-sided p-value that the pooled rate of `rest` dropped (recent below baseline): the pooled two-proportion
 * z with the continuity correction of the detection's own drop tests (src/detect/checks.ts). 1 without units.
 */
export function restDropP(rest: readonly SourceCohorts[]): number {
  const r = rest.reduce((a, c) => ({ n: a.n + c.recent.n, x: a.x + c.recent.successes }), { n: 0, x: 0 });
  const b = rest.reduce((a, c) => ({ n: a.n + c.baseline.n, x: a.x + c.baseline.successes }), { n: 0, x: 0 });
  if (r.n === 0 || b.n === 0) return 1;
  const pooled = (r.x + b.x) / (r.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / r.n + 1 / b.n));
  if (!(se > 0)) return 1;
  const d = r.x / r.n - b.x / b.n;
  return normalCdf(continuityCorrected(d / se, d, 0.5 * (1 / r.n + 1 / b.n)));
}

/** Who the drop of a funnel-wide rate belongs to (see the module comment). */
export function attributeDrop(cohorts: readonly SourceCohorts[], cfg: DetectionConfig['attribution']): Attribution {
  const split = contributions(cohorts);
  if (!split) return { kind: 'not-applicable', reason: 'no units in one of the windows' };
  const change = split.recentRate - split.baselineRate;
  if (!(change < 0)) return { kind: 'not-applicable', reason: `the rate did not drop (${pct(split.baselineRate)} → ${pct(split.recentRate)})` };
  const tests: Tests = { contributions: split.rows, recentRate: split.recentRate, baselineRate: split.baselineRate, change,
    heterogeneityP: heterogeneityP(cohorts, cfg.minUnits), mixP: mixP(cohorts) };
  const ranked = [...split.rows].sort((a, b) => a.total - b.total || a.source.localeCompare(b.source));
  const blamed: SourceContribution[] = [];
  let explained = 0;
  for (const c of ranked) {
    if (!(c.total < 0) || explained <= cfg.minExplainedShare * change) break;
    blamed.push(c);
    explained += c.total;
  }
  const few = Math.max(1, Math.floor(split.rows.length * cfg.maxSourceShare));
  const drop = `the drop ${pct(split.baselineRate)} → ${pct(split.recentRate)}`;
  const pText = `sources differ: rates p = ${fmtP(tests.heterogeneityP)}, mix p = ${fmtP(tests.mixP)}`;
  const share = explained / change;
  if (!(share >= cfg.minExplainedShare) || blamed.length > few) {
    return { ...tests, kind: 'funnel-wide',
      reason: `${drop} is funnel-wide: it takes more than ${few === 1 ? 'one source' : `${few} sources`} to explain ${pct(cfg.minExplainedShare)} of it (${pText})` };
  }
  const names = blamed.map((c) => c.source);
  const explains = `${names.join(', ')} explain${names.length === 1 ? 's' : ''} ${pct(share)} of ${drop}`;
  // a changed mix speaks for the candidates only when the mix is what their contribution is made of
  const mixPart = blamed.reduce((a, c) => a + c.mixEffect, 0) / explained;
  const differ = (tests.heterogeneityP !== null && tests.heterogeneityP < cfg.alpha)
    || (tests.mixP !== null && tests.mixP < cfg.alpha && mixPart >= 0.5);
  if (differ) return { ...tests, kind: 'sources', sources: names, explainedShare: share, reason: `${explains} (${pText}; level ${cfg.alpha})` };
  const blamedSet = new Set(names);
  const restP = restDropP(cohorts.filter((c) => !blamedSet.has(c.source)));
  const ownP = restDropP(cohorts.filter((c) => blamedSet.has(c.source)));
  if (names.length === 1 && ownP < 0.05 && !(restP < cfg.alpha)) {
    return { ...tests, kind: 'undecided', sources: names, explainedShare: share,
      reason: `${explains}, and its own drop is significant (p = ${fmtP(ownP)}), but the evidence cannot yet tell it from the rest: ` +
        `the sources do not differ (${pText}) and the other sources did not drop (p = ${fmtP(restP)}; level ${cfg.alpha})` };
  }
  return { ...tests, kind: 'funnel-wide',
    reason: `${drop} is funnel-wide: the sources moved alike (${pText}; level ${cfg.alpha}; the other sources' drop p = ${fmtP(restP)})` };
}

function fmtP(p: number | null): string {
  if (p === null) return 'n/a';
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}

/** Per-source contributions as evidence figures (flat: the evidence type holds numbers and strings). */
export function contributionFigures(a: Exclude<Attribution, { kind: 'not-applicable' }>): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {
    verdict: a.kind, baselineRate: round(a.baselineRate), recentRate: round(a.recentRate), change: round(a.change),
    heterogeneityP: a.heterogeneityP === null ? null : round(a.heterogeneityP), mixP: a.mixP === null ? null : round(a.mixP),
  };
  for (const c of a.contributions) {
    out[`contribution:${c.source}`] = round(c.total);
    out[`rateEffect:${c.source}`] = round(c.rateEffect);
    out[`mixEffect:${c.source}`] = round(c.mixEffect);
  }
  return out;
}

/** One line per source, largest pull first: "zillow −9.8 pts (rate 45.0% → 12.0%, share 40.0% → 41.0%)". */
export function contributionText(a: Exclude<Attribution, { kind: 'not-applicable' }>): string {
  return [...a.contributions].sort((x, y) => x.total - y.total).map((c) =>
    `${c.source} ${pts(c.total)} (rate ${c.baselineRate === null ? '—' : pct(c.baselineRate)} → ${c.recentRate === null ? '—' : pct(c.recentRate)}, ` +
    `share ${pct(c.baselineShare)} → ${pct(c.recentShare)})`).join('; ');
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
