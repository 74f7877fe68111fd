/**
 * The design of a `planned` test (docs/design.md §4), fixed when the test is spawned and stored on it
 * (lh_ab_tests.design): the lift it is powered for, one-sided α, power, the maximum sample per group, the
 * look schedule and the α-spending function. The weekly looks then only read it.
 *
 * Why a design and not "look until significant": at tens of leads a day a test cannot afford the ~1.9×
 * sample of an always-valid confidence sequence, and a single fixed look wastes the weeks in which a
 * clear winner or a hopeless skill is already visible. A group-sequential design with Lan–DeMets spending
 * keeps the overall false-KEEP rate at α over all weekly looks and needs only a few % more than a single
 * look (O'Brien–Fleming: max 1,050 per group for +20 % at 30 %, 81.7 % power, research note in
 * docs/design.md §4).
 *
 * Sizing: the improvement δ (good direction positive) is estimated with variance v/N after N units in
 * both groups, v = v_c/(1 − a) + v_t/a (a = treatment share, v_g the per-unit variance under the design).
 * The z-statistic then has mean θ·√t at information fraction t = N_t/N_max, θ = δ·√(N_max/v). The
 * design finds the drift θ whose probability of crossing the efficacy boundaries, before the harm or
 * futility rule stops the test, equals the power, for the looks the schedule will actually take (one per
 * `lookEveryDays` at the measured volume), and N_max = v·θ²/δ².
 */
import { z } from 'zod';
import { METRIC_KIND, TRACKED_METRICS, type TrackedMetric } from '../metrics.ts';
import {
  driftForPower, efficacyBoundaries, normalQuantile, type SpendingFunction,
} from '../stats/index.ts';
import type { AlphaAllocation } from './alpha-budget.ts';
import { PLANNED_DURATION_TESTS, type PlannedConfig, type PlannedDurationTest } from './decision-config.ts';

/** The stored design (lh_ab_tests.design). `version` changes when its meaning does. */
export interface TestDesign {
  readonly version: 1;
  readonly metric: TrackedMetric;
  /** The control value the design assumes (a share for rates, a mean for durations). */
  readonly baseline: number;
  /** Durations: the assumed standard deviation of one unit at the baseline (null for shares). */
  readonly baselineSd: number | null;
  /** The relative lift the test is powered for, in % (positive = better; a reduction for durations). */
  readonly liftPct: number;
  /** The lift that was asked for (the smallest worth keeping); liftPct is higher when that was not reachable. */
  readonly requestedLiftPct: number;
  readonly alpha: number;
  readonly power: number;
  readonly spending: SpendingFunction;
  readonly futilityFromFraction: number;
  readonly futilityConfidence: number;
  readonly lookEveryDays: number;
  readonly minPerGroup: number;
  /** Treatment share in % (lh_ab_tests.traffic_allocation_pct). */
  readonly allocationPct: number;
  /** Per-unit variances of control and treatment under the design (they turn sizes into information). */
  readonly unitVariance: { readonly control: number; readonly treatment: number };
  /** The maximum sample: the test ends at this information at the latest. */
  readonly maxPerGroup: { readonly control: number; readonly treatment: number };
  /** The z-statistic's mean at full information under the design lift. */
  readonly drift: number;
  /** The planned looks' information fractions (the actual looks use the information actually reached). */
  readonly plannedFractions: readonly number[];
  /** Units of the test's metric per day in both groups the design assumed (null: not measured). */
  readonly dailyUnits: number | null;
  readonly maxDurationDays: number;
  /** Days until the maximum sample at dailyUnits (null without a volume). */
  readonly daysToMax: number | null;
  /** Whether the maximum sample is reached within maxDurationDays at dailyUnits (null without a volume). */
  readonly feasible: boolean | null;
  /** The smallest lift this design reaches within maxDurationDays at dailyUnits (null without a volume, or none). */
  readonly minDetectableLiftPct: number | null;
  /** Said to the user when the design had to depart from the request. */
  readonly note: string | null;
  /**
   * Where `alpha` came from when the test is one of its skill's repeated tests (src/experiments/alpha-budget.ts):
   * its place among them, its share of the skill's budget, and why. Absent in designs made before the budget
   * existed, and in designs made outside spawning (plan, backtest without a test number): alpha is then the config's.
   */
  readonly alphaAllocation?: AlphaAllocation;
  /**
   * Duration metrics: the statistic the looks compare with the boundaries (PlannedConfig.durationTest).
   * Absent (designs made before it existed, and rate metrics): the mean's z (welch).
   */
  readonly durationTest?: PlannedDurationTest;
}

export interface DesignRequest {
  readonly metric: TrackedMetric;
  readonly baseline: number;
  /** Durations only; default = baseline (coefficient of variation 1). */
  readonly baselineSd?: number;
  /** Default: config.smallestWorthwhileLiftPct. */
  readonly liftPct?: number;
  /** Units of the metric entering the test per day, both groups; null/undefined when unknown. */
  readonly dailyUnits?: number | null;
  readonly allocationPct?: number;
  readonly maxDurationDays: number;
  /** When the request's lift cannot be reached in time, design for the minimum detectable lift instead (spawning). */
  readonly raiseToFeasible?: boolean;
  /**
   * The KEEP line (the observed lift KEEP also needs, seed.keepMinLiftPct; default 10). The minimum
   * detectable lift is never reported below 1.5× it: near the line, "observed lift above it" is close to
   * a coin flip and the design's power would not hold.
   */
  readonly keepLinePct?: number;
  readonly config: PlannedConfig;
  /** The α this test was given from its skill's budget; the design then uses allocation.alpha instead of config.alpha. */
  readonly alphaAllocation?: AlphaAllocation;
}

export type DesignResult = { readonly kind: 'ok'; readonly design: TestDesign } | { readonly kind: 'invalid'; readonly reason: string };

const MAX_PLANNED_LOOKS = 200;

/** Looks assumed when no volume is known (the boundaries are computed from the actual looks anyway). */
const LOOKS_WITHOUT_VOLUME = 8;

interface Sizing {
  readonly unitVariance: { control: number; treatment: number };
  /** δ on the improvement scale (positive). */
  readonly delta: number;
}

/** The largest relative lift a metric allows at a baseline (a share cannot pass 1, a duration 0). */
export function maxLiftPct(metric: TrackedMetric, baseline: number): number {
  return METRIC_KIND[metric] === 'duration' ? 95 : Math.min(((0.999 - baseline) / baseline) * 100, 1000);
}

function sizing(metric: TrackedMetric, baseline: number, sd: number, liftPct: number): Sizing {
  const l = liftPct / 100;
  if (METRIC_KIND[metric] === 'duration') {
    // the treatment's durations shrink with their mean (constant coefficient of variation)
    return { unitVariance: { control: sd ** 2, treatment: (sd * (1 - l)) ** 2 }, delta: baseline * l };
  }
  const p1 = baseline * (1 + l);
  return { unitVariance: { control: baseline * (1 - baseline), treatment: p1 * (1 - p1) }, delta: p1 - baseline };
}

/** v = v_c/(1 − a) + v_t/a: the variance of the estimate times the total sample. */
function totalVariance(s: Sizing, share: number): number {
  return s.unitVariance.control / (1 - share) + s.unitVariance.treatment / share;
}

/** The planned looks' fractions for a maximum total N: one every lookEveryDays, the first once minPerGroup is reached. */
function scheduleFractions(nMax: number, dailyUnits: number | null, share: number, c: PlannedConfig): number[] {
  if (dailyUnits === null || !(dailyUnits > 0)) {
    return Array.from({ length: LOOKS_WITHOUT_VOLUME }, (_, i) => (i + 1) / LOOKS_WITHOUT_VOLUME);
  }
  // at a volume so low that the maximum takes more than MAX_PLANNED_LOOKS looks the design is infeasible
  // anyway; the schedule is then thinned to that many looks so the sizing still converges
  const perLook = Math.max(dailyUnits * c.lookEveryDays, nMax / MAX_PLANNED_LOOKS);
  const out: number[] = [];
  for (let k = 1; out.length < MAX_PLANNED_LOOKS + 1; k++) {
    const n = k * perLook;
    if (Math.min(share, 1 - share) * n < c.minPerGroup && n < nMax) continue;
    out.push(Math.min(1, n / nMax));
    if (n >= nMax) break;
  }
  return out;
}

/**
 * The lower stopping boundaries a look applies (for the power computation): harm (z ≤ −c_k, the efficacy
 * boundary mirrored) always, futility (the interval's upper bound below the design effect:
 * z < θ√t − z_{(1+conf)/2}) from futilityFromFraction on. Exported for the policy, which applies the same rule.
 */
export function lowerBoundaries(fractions: readonly number[], efficacy: readonly number[], drift: number, c: Pick<PlannedConfig, 'futilityFromFraction' | 'futilityConfidence'>): number[] {
  const zc = normalQuantile((1 + c.futilityConfidence) / 2);
  return fractions.map((t, k) => {
    const harm = -(efficacy[k] ?? Number.POSITIVE_INFINITY);
    const last = k === fractions.length - 1;
    if (t + 1e-12 < c.futilityFromFraction && !last) return harm;
    return Math.max(harm, drift * Math.sqrt(t) - zc);
  });
}

interface Solved { readonly nMax: number; readonly drift: number; readonly fractions: readonly number[] }

/** N_max for δ with power under the schedule; fixed point over the schedule (whose length depends on N_max). */
function solveMaxSample(s: Sizing, share: number, dailyUnits: number | null, c: PlannedConfig): Solved | string {
  const v = totalVariance(s, share);
  let drift = normalQuantile(1 - c.alpha) + normalQuantile(c.power);
  let nMax = (v * drift ** 2) / s.delta ** 2;
  let fractions: number[] = [1];
  let previous = 0;
  for (let i = 0; i < 8; i++) {
    fractions = scheduleFractions(nMax, dailyUnits, share, c);
    const b = efficacyBoundaries(fractions, c.alpha, c.spending);
    if (b.kind !== 'ok') return b.reason;
    const d = driftForPower(fractions, b.efficacyZ, (th: number) => lowerBoundaries(fractions, b.efficacyZ, th, c), c.power);
    if (typeof d !== 'number') return d.reason;
    drift = d;
    const next = (v * drift ** 2) / s.delta ** 2;
    // the schedule is discrete: stop when N settles, or take the larger of two alternating values
    if (Math.abs(next - nMax) < 0.5 || Math.abs(next - previous) < 0.5) {
      nMax = Math.max(next, nMax);
      break;
    }
    previous = nMax;
    nMax = next;
  }
  return { nMax, drift, fractions: scheduleFractions(nMax, dailyUnits, share, c) };
}

function checkRequest(r: DesignRequest): string | null {
  const isRate = METRIC_KIND[r.metric] !== 'duration';
  if (!Number.isFinite(r.baseline)) return 'baseline must be a number';
  if (isRate && !(r.baseline > 0 && r.baseline < 1)) return `baseline must be a share strictly between 0 and 1 for ${r.metric}, got ${r.baseline}`;
  if (!isRate && !(r.baseline > 0)) return `baseline must be a positive duration for ${r.metric}, got ${r.baseline}`;
  if (r.baselineSd !== undefined && !(Number.isFinite(r.baselineSd) && r.baselineSd > 0)) return 'baseline sd must be > 0';
  const lift = r.liftPct ?? r.config.smallestWorthwhileLiftPct;
  if (!(Number.isFinite(lift) && lift > 0)) return `the lift to design for must be > 0%, got ${lift}`;
  if (lift > maxLiftPct(r.metric, r.baseline)) return `a ${lift}% lift is impossible from ${r.baseline} for ${r.metric}`;
  if (r.dailyUnits !== undefined && r.dailyUnits !== null && !(Number.isFinite(r.dailyUnits) && r.dailyUnits >= 0)) return 'daily volume must be ≥ 0';
  const a = r.allocationPct ?? 50;
  if (!(a > 0 && a < 100)) return 'allocation must be a percentage strictly between 0 and 100';
  if (!(Number.isInteger(r.maxDurationDays) && r.maxDurationDays > 0)) return 'max duration must be a positive whole number of days';
  return null;
}

/** N_max (total, both groups) for a lift, or null when it cannot be designed. */
function nMaxFor(r: DesignRequest, liftPct: number, share: number): Solved | null {
  const s = sizing(r.metric, r.baseline, r.baselineSd ?? r.baseline, liftPct);
  const solved = solveMaxSample(s, share, r.dailyUnits ?? null, r.config);
  return typeof solved === 'string' ? null : solved;
}

/**
 * The smallest lift whose design reaches its maximum sample within maxDurationDays at dailyUnits, in %
 * (null when even the largest possible lift does not fit). N_max(L) = v(L)·θ²/δ(L)², and the drift θ
 * barely moves with L (only through the number of looks), so L is found by bisection on that closed form
 * with θ from a full design, and θ is refreshed twice at the candidate: a few full designs instead of one
 * per bisection step.
 */
export function minimumDetectableLiftPct(r: DesignRequest): number | null {
  const daily = r.dailyUnits ?? null;
  if (daily === null || !(daily > 0)) return null;
  const share = (r.allocationPct ?? 50) / 100;
  const available = daily * r.maxDurationDays;
  const sd = r.baselineSd ?? r.baseline;
  const hiLimit = maxLiftPct(r.metric, r.baseline);
  const closedForm = (l: number, drift: number) => {
    const s = sizing(r.metric, r.baseline, sd, l);
    return (totalVariance(s, share) * drift ** 2) / s.delta ** 2;
  };
  let candidate = r.liftPct ?? r.config.smallestWorthwhileLiftPct;
  let result: number | null = null;
  for (let round = 0; round < 3; round++) {
    const solved = nMaxFor(r, candidate, share);
    if (solved === null) return null;
    if (closedForm(hiLimit, solved.drift) > available) return null;
    let lo = 0.05, hi = hiLimit;
    for (let i = 0; i < 60 && hi - lo > 0.01; i++) {
      const mid = (lo + hi) / 2;
      if (closedForm(mid, solved.drift) <= available) hi = mid;
      else lo = mid;
    }
    result = Math.max(Math.ceil(hi * 10) / 10, mdlFloor(r));
    if (Math.abs(result - candidate) < 0.1) break;
    candidate = result;
  }
  // the answer must really fit: step up by 0.1 % while the full design does not (at most a few steps)
  for (let i = 0; result !== null && i < 20; i++) {
    const s = nMaxFor(r, result, share);
    if (s !== null && s.nMax <= available) return result;
    result = result + 0.1 <= hiLimit ? Math.round((result + 0.1) * 10) / 10 : null;
  }
  return result;
}

/** See DesignRequest.keepLinePct. */
function mdlFloor(r: DesignRequest): number {
  return Math.round(1.5 * (r.keepLinePct ?? 10) * 10) / 10;
}

const pct = (x: number) => `+${x.toFixed(1)}%`;

/** The design for a request (see the module comment). Never throws. */
export function designTest(request: DesignRequest): DesignResult {
  const allocation = request.alphaAllocation;
  const r: DesignRequest = allocation ? { ...request, config: { ...request.config, alpha: allocation.alpha } } : request;
  const bad = checkRequest(r);
  if (bad) return { kind: 'invalid', reason: bad };
  const c = r.config;
  const requested = r.liftPct ?? c.smallestWorthwhileLiftPct;
  const allocationPct = r.allocationPct ?? 50;
  const share = allocationPct / 100;
  const daily = r.dailyUnits ?? null;
  const mdl = minimumDetectableLiftPct(r);
  let lift = requested;
  let solved = nMaxFor(r, lift, share);
  if (solved === null) return { kind: 'invalid', reason: `no design found for a ${requested}% lift from ${r.baseline}` };
  const daysFor = (s: Solved) => (daily !== null && daily > 0 ? Math.ceil(s.nMax / daily) : null);
  let feasible = daily === null ? null : daily > 0 && solved.nMax <= daily * r.maxDurationDays;
  let note: string | null = null;
  if (feasible === false) {
    const days = daysFor(solved);
    const need = `at ${(daily ?? 0).toFixed(1)} units a day the ${pct(requested)} design needs ${Math.ceil(solved.nMax * Math.max(share, 1 - share))} per group` +
      (days === null ? '' : ` (${days} days)`) + `, more than the ${r.maxDurationDays}-day maximum`;
    if (r.raiseToFeasible && mdl !== null) {
      const raised = nMaxFor(r, mdl, share);
      if (raised !== null) {
        lift = mdl;
        solved = raised;
        feasible = true;
        note = `${need}: designed for ${pct(mdl)}, the smallest lift detectable within ${r.maxDurationDays} days`;
      }
    }
    if (note === null) {
      note = mdl === null
        ? `${need}, and no lift is detectable within it: the test will end inconclusive unless the volume grows`
        : `${need}; the smallest lift detectable within it is ${pct(mdl)}`;
    }
  }
  const s = sizing(r.metric, r.baseline, r.baselineSd ?? r.baseline, lift);
  const design: TestDesign = {
    version: 1, metric: r.metric, baseline: r.baseline,
    baselineSd: METRIC_KIND[r.metric] === 'duration' ? (r.baselineSd ?? r.baseline) : null,
    liftPct: lift, requestedLiftPct: requested, alpha: c.alpha, power: c.power, spending: c.spending,
    futilityFromFraction: c.futilityFromFraction, futilityConfidence: c.futilityConfidence,
    lookEveryDays: c.lookEveryDays, minPerGroup: c.minPerGroup, allocationPct,
    unitVariance: s.unitVariance,
    maxPerGroup: { control: Math.ceil(solved.nMax * (1 - share)), treatment: Math.ceil(solved.nMax * share) },
    drift: solved.drift, plannedFractions: solved.fractions,
    dailyUnits: daily, maxDurationDays: r.maxDurationDays, daysToMax: daysFor(solved),
    feasible, minDetectableLiftPct: mdl, note,
    ...(allocation ? { alphaAllocation: allocation } : {}),
    ...(METRIC_KIND[r.metric] === 'duration' ? { durationTest: c.durationTest } : {}),
  };
  return { kind: 'ok', design };
}

/**
 * The information fraction reached with these group sizes: the information 1/(v_c/n_c + v_t/n_t) under
 * the design's unit variances over the design's maximum (sizes, not observed variances, so a noisy
 * variance estimate cannot move a look's place in the schedule). Capped at 1.
 */
export function informationFraction(d: TestDesign, controlN: number, treatmentN: number): number {
  if (!(controlN > 0 && treatmentN > 0)) return 0;
  const info = 1 / (d.unitVariance.control / controlN + d.unitVariance.treatment / treatmentN);
  const max = 1 / (d.unitVariance.control / d.maxPerGroup.control + d.unitVariance.treatment / d.maxPerGroup.treatment);
  return Math.min(1, info / max);
}

const finite = z.number().finite();
const storedDesignSchema = z.object({
  version: z.literal(1),
  metric: z.enum(TRACKED_METRICS),
  baseline: finite, baselineSd: finite.nullable(), liftPct: finite, requestedLiftPct: finite,
  alpha: z.number().gt(0).lt(0.5), power: z.number().gt(0).lt(1),
  spending: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('obrien-fleming') }), z.object({ kind: z.literal('pocock') }),
    z.object({ kind: z.literal('power'), rho: z.number().gt(0) }),
  ]),
  futilityFromFraction: z.number().gt(0).max(1), futilityConfidence: z.number().gt(0).lt(1),
  lookEveryDays: z.number().int().min(1), minPerGroup: z.number().int().min(2), allocationPct: z.number().gt(0).lt(100),
  unitVariance: z.object({ control: z.number().gt(0), treatment: z.number().gt(0) }),
  maxPerGroup: z.object({ control: z.number().int().min(1), treatment: z.number().int().min(1) }),
  drift: z.number().gt(0), plannedFractions: z.array(z.number().gt(0).max(1)),
  dailyUnits: z.number().min(0).nullable(), maxDurationDays: z.number().int().min(1), daysToMax: z.number().nullable(),
  feasible: z.boolean().nullable(), minDetectableLiftPct: z.number().nullable(), note: z.string().nullable(),
  alphaAllocation: z.object({
    budget: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('per-skill'), firstShare: z.number().gt(0).lt(1) }), z.object({ kind: z.literal('per-test') }),
    ]),
    familyAlpha: z.number().gt(0).lt(0.5), testNumber: z.number().int().min(1), share: z.number().min(0).max(1),
    alpha: z.number().gt(0).lt(0.5), allocatedBefore: z.number().min(0), reason: z.string(),
  }).optional(),
  durationTest: z.enum(PLANNED_DURATION_TESTS).optional(),
});

/** A stored design read back (lh_ab_tests.design), or why it cannot be used. */
export function parseStoredDesign(v: unknown): { kind: 'ok'; design: TestDesign } | { kind: 'invalid'; reason: string } {
  const r = storedDesignSchema.safeParse(typeof v === 'string' ? safeJson(v) : v);
  if (r.success) return { kind: 'ok', design: r.data as TestDesign };
  return { kind: 'invalid', reason: `lh_ab_tests.design is not a version-1 design: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s; // not JSON: the schema then reports it as not an object
  }
}
