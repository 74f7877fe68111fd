/**
 * The interaction checks of one test with every test it overlaps (issue 11 item 3; docs/design.md §4): from
 * the 2×2 cells of the two tests' groups (counted in SQL, src/db/queries/test-outcomes.ts) to the summary
 * the analysis stores in the results document and the report shows. The statistics are
 * src/experiments/interaction.ts; this module only turns rows into its cells and its answer into one
 * stored shape, with α split over the pairs checked for the test (Bonferroni).
 */
import { METRIC_KIND, type TrackedMetric } from '../metrics.ts';
import type { Interval } from '../stats/index.ts';
import {
  checkInteraction, type Group, type InteractionCells, type MeanCell, type RateCell,
} from './interaction.ts';

/** The other test's outcome slice per cell, as the SQL returns it. */
export interface InteractionCellStats {
  readonly grp: Group;
  readonly bgrp: Group;
  readonly n: number;
  readonly sumY: number;
  readonly mean: number | null;
  readonly variance: number | null;
}

/** One overlapping pair as stored in `results.interactions` (and read by the report). */
export interface InteractionSummary {
  readonly otherTestId: number;
  readonly otherMetric: string;
  readonly verdict: 'interaction' | 'no-interaction' | 'insufficient-data';
  /** Leads (units) of this test's outcome in each cell, this test's group first. */
  readonly cellN: { readonly cc: number; readonly ct: number; readonly tc: number; readonly tt: number };
  /** δ = this test's effect within the other's treatment − within its control (metric units), and its 95 % interval. */
  readonly estimate: number | null;
  readonly ci: Interval | null;
  readonly pValue: number | null;
  /** The α the verdict used (the per-pair α divided by the pairs checked for this test). */
  readonly alpha: number | null;
  /** This test's effect (treatment − control) within each group of the other test. */
  readonly effectInOtherControl: number | null;
  readonly effectInOtherTreatment: number | null;
  /** Why there is no verdict (insufficient-data), else null. */
  readonly reason: string | null;
}

/** The cells of one pair that has shared leads; pairs without any are not checked. */
export interface OverlappingPair {
  readonly otherTestId: number;
  readonly otherMetric: string;
  readonly cells: readonly InteractionCellStats[];
}

function cellOf(rows: readonly InteractionCellStats[], a: Group, b: Group): InteractionCellStats {
  return rows.find((r) => r.grp === a && r.bgrp === b) ?? { grp: a, bgrp: b, n: 0, sumY: 0, mean: null, variance: null };
}

function cellsFor(metric: TrackedMetric, rows: readonly InteractionCellStats[]): InteractionCells<RateCell> | InteractionCells<MeanCell> {
  if (METRIC_KIND[metric] === 'duration') {
    const mean = (a: Group, b: Group): MeanCell => {
      const c = cellOf(rows, a, b);
      return { kind: 'mean', n: c.n, mean: c.mean ?? 0, variance: c.variance ?? 0 };
    };
    return { control: { control: mean('control', 'control'), treatment: mean('control', 'treatment') },
      treatment: { control: mean('treatment', 'control'), treatment: mean('treatment', 'treatment') } };
  }
  const rate = (a: Group, b: Group): RateCell => {
    const c = cellOf(rows, a, b);
    return { kind: 'rate', n: c.n, successes: Math.round(c.sumY) };
  };
  return { control: { control: rate('control', 'control'), treatment: rate('control', 'treatment') },
    treatment: { control: rate('treatment', 'control'), treatment: rate('treatment', 'treatment') } };
}

/** Checks every pair that shares leads with the test; α is divided by their number (Bonferroni). */
export function summarizeInteractions(metric: TrackedMetric, pairs: readonly OverlappingPair[]): InteractionSummary[] {
  const shared = pairs.filter((p) => p.cells.some((c) => c.n > 0));
  return shared.map((p) => {
    const n = (a: Group, b: Group) => cellOf(p.cells, a, b).n;
    const base = { otherTestId: p.otherTestId, otherMetric: p.otherMetric,
      cellN: { cc: n('control', 'control'), ct: n('control', 'treatment'), tc: n('treatment', 'control'), tt: n('treatment', 'treatment') } };
    const r = checkInteraction(cellsFor(metric, p.cells), { comparisons: shared.length });
    if (r.kind !== 'ok') {
      return { ...base, verdict: 'insufficient-data', estimate: null, ci: null, pValue: null, alpha: null,
        effectInOtherControl: null, effectInOtherTreatment: null, reason: r.reason };
    }
    return { ...base, verdict: r.verdict, estimate: r.interaction.estimate, ci: r.interaction.ci, pValue: r.interaction.pValue,
      alpha: r.alpha, effectInOtherControl: r.effectOfA.inBControl.estimate, effectInOtherTreatment: r.effectOfA.inBTreatment.estimate,
      reason: null };
  });
}
