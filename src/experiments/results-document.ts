/**
 * The document the weekly analysis stores in lh_ab_tests.results, and the one reader of it (the report).
 * One type shared by the writer (src/experiments/evaluate.ts builds a `TestResultsDocument`) and the reader
 * (`readTestResults`), so a renamed field is a compile error on one side and a failing round-trip test on
 * the other, instead of a guess among spellings. `version` 2 adds the design, the look, the KILL reason
 * and the Bayesian view to version 1; documents without a version (written by hand, as in the original
 * examples) are read for the fields they share.
 */
import { z } from 'zod';
import { KILL_REASONS, type KillReason, type PolicyName } from './types.ts';
import type { Interval } from '../stats/index.ts';
import type { InteractionSummary } from './interactions.ts';

export const RESULTS_VERSION = 2;

/** The Bayesian view beside the decision (reported, not deciding). */
export interface BayesReport {
  readonly chanceToBeatControl: number;
  readonly expectedLossTreatment: number;
  readonly expectedLossControl: number;
  readonly credibleInterval: Interval;
  readonly method: 'beta-binomial' | 'normal';
}

/** What the analysis writes (numbers already made JSON-safe: non-finite ones become null). */
export interface TestResultsDocument {
  readonly version: typeof RESULTS_VERSION;
  readonly policy: PolicyName;
  readonly metric: string;
  readonly decision: { readonly kind: string; readonly reason: string };
  readonly killReason: KillReason | null;
  readonly liftPct: number | null;
  readonly liftCi: (Interval & { readonly level: number }) | null;
  readonly note: string | null;
  readonly srm:
    | { readonly status: 'ok' | 'mismatch'; readonly pValue: number; readonly chiSquare: number; readonly threshold: number; readonly expectedTreatmentPct: number }
    | { readonly status: 'not-checked'; readonly reason: string };
  readonly bySource: readonly {
    readonly source: string; readonly controlSampleSize: number; readonly treatmentSampleSize: number;
    readonly controlRate: number | null; readonly treatmentRate: number | null; readonly liftPct: number | null;
    readonly pValue: number | null; readonly adjustedPValue: number | null; readonly significant: boolean;
    readonly note: string | null;
    /** Rates: Newcombe's interval of the difference (sound at small counts, where Wald gives [0, 0]). */
    readonly differenceCi: Interval | null;
  }[];
  readonly bayes: BayesReport | null;
  readonly design: {
    readonly liftPct: number; readonly requestedLiftPct: number; readonly alpha: number; readonly power: number;
    readonly maxPerGroup: { readonly control: number; readonly treatment: number };
    readonly feasible: boolean | null; readonly note: string | null;
    /** Why alpha is what it is: the test's share of its skill's false-KEEP budget (absent in older documents). */
    readonly alphaReason?: string | null;
  } | null;
  readonly look: {
    readonly lookNumber: number; readonly informationFraction: number; readonly z: number;
    readonly efficacyZ: number; readonly futilityZ: number | null;
  } | null;
  /** The interaction check with every test this one shares leads with (overlapping tests); empty when none. */
  readonly interactions: readonly InteractionSummary[];
  /** Everything else the analysis stores (sizes, p-values, the sequential look, …): read by no one but people. */
  readonly [detail: string]: unknown;
}

const num = z.number().nullable();
const interval = z.object({ lower: z.number(), upper: z.number() });

const readerSchema = z.object({
  version: z.number().int().optional(),
  policy: z.string().optional(),
  killReason: z.enum(KILL_REASONS).nullable().optional(),
  liftCi: interval.extend({ level: z.number().gt(0).lt(1).optional() }).nullable().optional(),
  note: z.string().nullable().optional(),
  srm: z.object({ status: z.enum(['ok', 'mismatch', 'not-checked']), pValue: num.optional() }).optional(),
  bySource: z.array(z.object({
    source: z.string(), controlSampleSize: num.optional(), treatmentSampleSize: num.optional(),
    controlRate: num.optional(), treatmentRate: num.optional(), liftPct: num.optional(), pValue: num.optional(),
    adjustedPValue: num.optional(), significant: z.boolean().nullable().optional(), note: z.string().nullable().optional(),
    differenceCi: interval.nullable().optional(),
  })).optional(),
  bayes: z.object({
    chanceToBeatControl: z.number().min(0).max(1), expectedLossTreatment: z.number().min(0), expectedLossControl: z.number().min(0),
    credibleInterval: interval, method: z.enum(['beta-binomial', 'normal']),
  }).nullable().optional(),
  design: z.object({
    liftPct: z.number(), requestedLiftPct: z.number(), alpha: z.number(), power: z.number(),
    maxPerGroup: z.object({ control: z.number(), treatment: z.number() }),
    feasible: z.boolean().nullable(), note: z.string().nullable(), alphaReason: z.string().nullable().optional(),
  }).nullable().optional(),
  look: z.object({
    lookNumber: z.number().int(), informationFraction: z.number(), z: z.number(), efficacyZ: z.number(), futilityZ: num,
  }).nullable().optional(),
  interactions: z.array(z.object({
    otherTestId: z.number().int(), otherMetric: z.string(),
    verdict: z.enum(['interaction', 'no-interaction', 'insufficient-data']),
    cellN: z.object({ cc: z.number(), ct: z.number(), tc: z.number(), tt: z.number() }),
    estimate: num, ci: interval.nullable(), pValue: num, alpha: num,
    effectInOtherControl: num, effectInOtherTreatment: num, reason: z.string().nullable(),
  })).optional(),
});

/** What a reader gets: every field optional (older or hand-written documents lack some). */
export type StoredTestResults = z.infer<typeof readerSchema>;

/** The stored document as the report reads it, or why it cannot be read (not an object, a field of the wrong type). */
export function readTestResults(v: unknown): { kind: 'ok'; results: StoredTestResults } | { kind: 'unreadable'; reason: string } | { kind: 'none' } {
  if (v === null || v === undefined) return { kind: 'none' };
  const r = readerSchema.safeParse(v);
  if (r.success) return { kind: 'ok', results: r.data };
  return { kind: 'unreadable', reason: `lh_ab_tests.results is not an analysis document: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
}
