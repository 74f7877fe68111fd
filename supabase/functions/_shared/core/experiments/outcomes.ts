// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Sufficient statistics of one group's per-unit outcomes (what the outcome SQL returns), in a shape the
 * pure comparison and the decision policies take. The simulator builds the same shape from random draws,
 * so the policies it measures are exactly the ones the weekly job runs.
 */
import type { OutcomeRow } from '../db/queries/test-outcomes.ts';

/** One group's outcome summary; for rates y is 0/1, so `sum` is the number of successes. */
export interface GroupStats {
  readonly n: number;
  readonly sum: number;
  /** Sample mean of y (null when n = 0). */
  readonly mean: number | null;
  /** Unbiased sample variance of y (null when n < 2). */
  readonly variance: number | null;
  /** Units with y > 0, and the mean / variance of ln y over them (durations, log-scale test). */
  readonly nPositive: number;
  readonly logMean: number | null;
  readonly logVariance: number | null;
  /** Σ of the units' average ranks in the pooled sample, and this group's share of Σ(t³ − t). */
  readonly rankSum: number | null;
  readonly tieTerm: number | null;
}

export const EMPTY_GROUP: GroupStats = {
  n: 0, sum: 0, mean: null, variance: null, nPositive: 0, logMean: null, logVariance: null, rankSum: null, tieTerm: null,
};

/** Summary of a rate group from counts (tests and the simulator). */
export function proportionStats(successes: number, n: number): GroupStats {
  if (n === 0) return EMPTY_GROUP;
  const p = successes / n;
  return {
    n, sum: successes, mean: p,
    variance: n > 1 ? (successes * (1 - p) ** 2 + (n - successes) * p ** 2) / (n - 1) : null,
    nPositive: successes, logMean: successes > 0 ? 0 : null, logVariance: successes > 1 ? 0 : null,
    rankSum: null, tieTerm: null,
  };
}

/** Summary of a duration group from n, mean and variance (tests and the simulator). */
export function meanStats(n: number, mean: number, variance: number): GroupStats {
  if (n === 0) return EMPTY_GROUP;
  return { n, sum: n * mean, mean, variance: n > 1 ? variance : null, nPositive: 0, logMean: null, logVariance: null, rankSum: null, tieTerm: null };
}

/** Converts an aggregated SQL row into GroupStats. */
export function statsFromRow(row: OutcomeRow | undefined): GroupStats {
  if (row === undefined || row.n === 0) return EMPTY_GROUP;
  return {
    n: row.n, sum: row.sum_y, mean: row.mean, variance: row.variance,
    nPositive: row.n_pos, logMean: row.log_mean, logVariance: row.log_variance,
    rankSum: row.rank_sum, tieTerm: row.tie_term,
  };
}

/** Control and treatment of one slice (the total, or one lead source). */
export interface GroupPair {
  readonly control: GroupStats;
  readonly treatment: GroupStats;
}

/** Splits the SQL rows into the total pair and one pair per lead source (sources sorted by name). */
export function pairsFromRows(rows: readonly OutcomeRow[]): { total: GroupPair; bySource: Map<string, GroupPair> } {
  const find = (grp: 'control' | 'treatment', source: string | null) =>
    rows.find((r) => r.grp === grp && r.source === source);
  const total = { control: statsFromRow(find('control', null)), treatment: statsFromRow(find('treatment', null)) };
  const sources = [...new Set(rows.map((r) => r.source).filter((s): s is string => s !== null))].sort();
  const bySource = new Map<string, GroupPair>();
  for (const s of sources) {
    bySource.set(s, { control: statsFromRow(find('control', s)), treatment: statsFromRow(find('treatment', s)) });
  }
  return { total, bySource };
}
