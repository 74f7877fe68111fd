// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * `planned` — a designed, group-sequential test (docs/design.md §4). The design (src/experiments/design.ts)
 * is fixed at spawn; at every weekly look, from the information actually reached:
 * - KEEP when z crosses the efficacy boundary (Lan–DeMets α-spending over the looks taken so far) and the
 *   observed lift is above the seed's KEEP line (10 %);
 * - KILL as harmful when z is below the mirrored boundary (treatment significantly worse);
 * - KILL as futile when, from a third of the information on, the 95 % interval's upper bound lies below
 *   the lift the test is designed for (the worthwhile lift is out of reach; non-binding, so it costs no α);
 * - KILL as inconclusive only at the last look (the maximum sample, or the last look that fits in
 *   max_duration_days, which spends whatever α is left);
 * - otherwise CONTINUE. An early look whose interval still holds the design lift is never a KILL.
 * A look that adds no information (the same group sizes as the latest look: a re-run, two runs at once)
 * is the same look again: same number, same boundary, so re-running the analysis never spends α.
 * z is the improvement over its standard error, except for a duration whose design says durationTest
 * mann-whitney: there the boundaries (which depend only on the sizes) are compared with the standardized
 * rank-sum statistic, because a few very long durations make the mean's z keep useless skills (docs/design.md
 * §4), while the futility rule, the estimate and the KEEP line stay on the mean.
 */
import {
  alphaSpent, crossingProbabilities, normalQuantile, normalSf,
} from '../../stats/index.ts';
import { improvement } from '../compare.ts';
import type { DecisionConfig } from '../decision-config.ts';
import { designTest, informationFraction, type TestDesign } from '../design.ts';
import type { Plan, PlanRequest, PlanResult } from '../planner.ts';
import { liftOf } from '../planner.ts';
import {
  fmtLift, ruleLift, sizes, srmBlock, undecided,
  type DecisionInput, type DecisionPolicy, type LookRecord, type PolicyOutcome,
} from '../policy.ts';
import type { Decision } from '../types.ts';
import { resolveDecisionConfig } from '../decision-config.ts';
import { allocateAlpha } from '../alpha-budget.ts';

/** Boundaries above this are treated as "cannot be crossed" (P(Z ≥ 8) ≈ 6e-16). */
const MAX_BOUNDARY = 8;
const boundaryCache = new Map<string, number>();

/**
 * The efficacy boundary c_k of a new look at fraction t: P_H0(no earlier crossing, Z_k ≥ c_k) = the α this
 * look may spend, the earlier looks' boundaries as they were (stored), so a look never rewrites history.
 * Bisection on the exit probability; memoised, because simulations take the same looks thousands of times.
 */
export function nextEfficacyBoundary(previous: readonly Pick<LookRecord, 'informationFraction' | 'efficacyZ'>[], t: number, increment: number): number {
  if (!(increment > 1e-15)) return MAX_BOUNDARY;
  const key = `${previous.map((l) => `${l.informationFraction}:${l.efficacyZ}`).join(',')}|${t}|${increment}`;
  const hit = boundaryCache.get(key);
  if (hit !== undefined) return hit;
  const fractions = [...previous.map((l) => l.informationFraction), t];
  const upper = previous.map((l) => l.efficacyZ);
  const lower = fractions.map(() => Number.NEGATIVE_INFINITY);
  const exitAt = (c: number) => {
    const r = crossingProbabilities(fractions, [...upper, c], lower, 0);
    return r.kind === 'ok' ? (r.upper[r.upper.length - 1] ?? 0) : 0;
  };
  let lo = -MAX_BOUNDARY, hi = MAX_BOUNDARY;
  if (exitAt(hi) >= increment) return hi;
  for (let i = 0; i < 60 && hi - lo > 1e-7; i++) {
    const mid = (lo + hi) / 2;
    if (exitAt(mid) > increment) lo = mid;
    else hi = mid;
  }
  const c = (lo + hi) / 2;
  if (boundaryCache.size > 50_000) boundaryCache.clear();
  boundaryCache.set(key, c);
  return c;
}

interface LookPlace {
  readonly lookNumber: number;
  readonly informationFraction: number;
  readonly spendingFraction: number;
  readonly alphaSpent: number;
  readonly efficacyZ: number;
  readonly final: boolean;
}

/** Where this run's look sits: the latest look again (no new information) or the next one. */
function placeLook(design: TestDesign, input: DecisionInput, looks: readonly LookRecord[]): LookPlace {
  const last = looks[looks.length - 1];
  const t = informationFraction(design, input.controlN, input.treatmentN);
  const lastFits = input.elapsedDays + design.lookEveryDays > input.maxDurationDays;
  if (last && (t <= last.informationFraction + 1e-12 || (last.controlN === input.controlN && last.treatmentN === input.treatmentN))) {
    return { ...last, final: last.spendingFraction >= 1 || input.elapsedDays > input.maxDurationDays };
  }
  const final = t >= 1 - 1e-9 || lastFits;
  const spendingFraction = final ? 1 : t;
  const spent = alphaSpent(design.spending, design.alpha, spendingFraction);
  const increment = spent - (last?.alphaSpent ?? 0);
  return {
    lookNumber: (last?.lookNumber ?? 0) + 1, informationFraction: t, spendingFraction, alphaSpent: spent,
    efficacyZ: nextEfficacyBoundary(looks, t, increment), final,
  };
}

const pctOf = (t: number) => `${Math.round(t * 100)}% of the information`;

export function decidePlanned(input: DecisionInput, config: DecisionConfig): PolicyOutcome {
  const blocked = srmBlock(input, 'planned');
  if (blocked) return blocked;
  const design = input.design;
  if (!design) {
    return undecided(input, { kind: 'not-enough-data', reason: 'a planned test needs its design (lh_ab_tests.design is empty)' }, 'planned', null, null);
  }
  const c = input.comparison;
  // post-stratified by source when available (same target, smaller variance), else the plain difference
  const adj = input.adjusted && input.adjusted.standardError > 0 ? input.adjusted : null;
  const d = adj ? adj.improvement : improvement(c);
  const se = adj ? adj.standardError : c.standardError;
  if (Math.min(input.controlN, input.treatmentN) < design.minPerGroup || d === null || se === null || !(se > 0)) {
    const reason = Math.min(input.controlN, input.treatmentN) < design.minPerGroup
      ? `needs ${design.minPerGroup} per group for a first look (${sizes(input)})`
      : `no estimate possible: ${c.note ?? 'no variation yet'}`;
    return undecided(input, { kind: 'not-enough-data', reason }, 'planned', null, null);
  }
  const looks = input.looks ?? [];
  const byRank = design.durationTest === 'mann-whitney';
  if (byRank && (input.rankZ === null || input.rankZ === undefined || !Number.isFinite(input.rankZ))) {
    return undecided(input, { kind: 'not-enough-data', reason: 'the design decides on the rank test, and the rank sums are not available' }, 'planned', null, null);
  }
  const place = placeLook(design, input, looks);
  // the statistic compared with the boundaries: the mean's z, or for a duration designed so the
  // standardized rank sum (heavy-tailed durations distort the mean's one-sided error at these sizes:
  // docs/design.md §4); the estimate, its interval and the futility rule stay on the mean
  const z = byRank ? (input.rankZ as number) : d / se;
  const zc = normalQuantile((1 + design.futilityConfidence) / 2);
  // the design effect in the metric's units, at the design's baseline: the effect the power was computed
  // for (scaling it by the observed control would add the control's noise to the futility rule)
  const designEffect = (design.liftPct / 100) * design.baseline;
  const futilityActive = place.informationFraction + 1e-12 >= design.futilityFromFraction || place.final;
  // futility compares the mean's z (d/se) with its line, whatever the boundary statistic: it is non-binding
  // (so for a rank-decided look the stored futilityZ is a line for estimate / standardError, not for z)
  const futilityZ = futilityActive ? designEffect / se - zc : null;
  const meanZ = d / se;
  const lift = ruleLift(c);
  const keepLine = config.seed.keepMinLiftPct;
  const level = Math.round(design.futilityConfidence * 100);
  const interval = `${level}% interval of the difference [${(d - zc * se).toPrecision(3)}, ${(d + zc * se).toPrecision(3)}]`;
  const at = `look ${place.lookNumber}, ${pctOf(place.informationFraction)}${adj ? ', post-stratified by source' : ''}`;
  const zText = byRank ? `rank z = ${z.toFixed(2)}` : `z = ${z.toFixed(2)}`;
  const decision: Decision = (() => {
    const crossed = z >= place.efficacyZ;
    if (crossed && lift.value > keepLine) {
      return { kind: 'KEEP', reason: `efficacy boundary crossed: ${zText} ≥ ${place.efficacyZ.toFixed(2)} (${at}), ${lift.text} > ${keepLine}%` } as const;
    }
    const belowLine = `${zText} crossed the boundary ${place.efficacyZ.toFixed(2)} (${at}) but the ${lift.text} is not above the KEEP line of ${keepLine}%`;
    if (z <= -place.efficacyZ) {
      return { kind: 'KILL', killReason: 'harmful', reason: `harmful: treatment is significantly worse (${zText} ≤ −${place.efficacyZ.toFixed(2)}, ${at}, ${lift.text})` } as const;
    }
    if (futilityZ !== null && meanZ < futilityZ) {
      return { kind: 'KILL', killReason: 'futile', reason: `futile: the ${interval} rules out the ${fmtLift(design.liftPct)} the test is designed for (${lift.text}, ${at})` } as const;
    }
    if (place.final) {
      return { kind: 'KILL', killReason: 'inconclusive', reason: crossed
        ? `inconclusive: at the last look ${belowLine}`
        : `inconclusive: the last look (${at}) did not cross the boundary ${place.efficacyZ.toFixed(2)} (${zText}, ${lift.text}); the ${interval} still holds the ${fmtLift(design.liftPct)} it was designed for` } as const;
    }
    return { kind: 'CONTINUE', reason: crossed ? `${belowLine}: keep collecting`
      : `${lift.text}, ${zText} below the boundary ${place.efficacyZ.toFixed(2)} (${at}); the ${interval} still holds ${fmtLift(design.liftPct)}: keep collecting` } as const;
  })();
  const look: LookRecord = {
    lookNumber: place.lookNumber, controlN: input.controlN, treatmentN: input.treatmentN,
    estimate: d, standardError: se, z, informationFraction: place.informationFraction,
    spendingFraction: place.spendingFraction, alphaSpent: place.alphaSpent, efficacyZ: place.efficacyZ,
    futilityZ, decision: decision.kind === 'KEEP' || decision.kind === 'KILL' ? decision.kind : 'CONTINUE',
    killReason: decision.kind === 'KILL' ? decision.killReason : null,
  };
  return { policy: 'planned', decision, pValue: normalSf(z), sequential: null, look };
}

/** `plan --policy planned`: the design at the given volume and maximum duration. */
export function planPlanned(r: PlanRequest): PlanResult {
  const metric = r.metric ?? 'conversion_rate';
  let config;
  try {
    config = resolveDecisionConfig(r.config);
  } catch (e) {
    return { kind: 'invalid', reason: (e as Error).message };
  }
  const liftPct = liftOf(metric, r.baseline, r.target);
  if (!(liftPct > config.seed.keepMinLiftPct + 1e-9)) {
    return { kind: 'invalid', reason: `target ${r.target} is a ${liftPct.toFixed(1)}% lift over baseline ${r.baseline}; it must exceed the KEEP threshold of ${config.seed.keepMinLiftPct}% (the chance of KEEP never passes ~50% otherwise)` };
  }
  if (r.dailyUnits !== undefined && !(Number.isFinite(r.dailyUnits) && r.dailyUnits > 0)) return { kind: 'invalid', reason: 'daily volume must be > 0' };
  const planned = { ...config.planned, ...(r.power === undefined ? {} : { power: r.power }) };
  const testNumber = r.testNumber ?? 1;
  if (!(Number.isInteger(testNumber) && testNumber >= 1)) return { kind: 'invalid', reason: `the test number must be a whole number ≥ 1, got ${testNumber}` };
  const alphaAllocation = allocateAlpha(planned.alphaBudget, planned.alpha, testNumber, 'the skill');
  const res = designTest({
    metric, baseline: r.baseline, baselineSd: r.baselineSd, liftPct, dailyUnits: r.dailyUnits ?? null,
    allocationPct: r.allocationPct, maxDurationDays: r.maxDurationDays ?? config.defaultMaxDurationDays, config: planned,
    keepLinePct: config.seed.keepMinLiftPct, alphaAllocation,
  });
  if (res.kind === 'invalid') return res;
  const d = res.design;
  const perGroup = Math.max(d.maxPerGroup.control, d.maxPerGroup.treatment);
  const plan: Plan = {
    kind: 'ok', metric, policy: 'planned', baseline: r.baseline, target: r.target, targetLiftPct: liftPct,
    perGroup, requiredPerGroup: perGroup, powerAtPerGroup: d.power, power: d.power,
    days: d.daysToMax, weeks: d.daysToMax === null ? null : Math.ceil(d.daysToMax / 7),
    maxDurationDays: d.maxDurationDays, feasible: d.feasible, minDetectableLiftPct: d.minDetectableLiftPct,
    design: d,
    assumptions: [
      `decision rule: group-sequential, one-sided α ${d.alpha} spent by ${spendingText(d)} over looks every ${d.lookEveryDays} days; ` +
        `KEEP when z crosses the boundary and the lift is above ${config.seed.keepMinLiftPct}%`,
      `futility: KILL when the ${Math.round(d.futilityConfidence * 100)}% interval rules out ${fmtLift(d.liftPct)}, from ${Math.round(d.futilityFromFraction * 100)}% of the information on`,
      `at most ${perGroup} per group; ${d.plannedFractions.length} planned looks`,
      alphaAllocation.reason,
      ...(d.dailyUnits === null ? [] : [`${d.dailyUnits} units a day, the treatment getting ${d.allocationPct}%`]),
    ],
  };
  return plan;
}

export function spendingText(d: Pick<TestDesign, 'spending'>): string {
  const s = d.spending;
  return s.kind === 'obrien-fleming' ? 'Lan–DeMets O\'Brien–Fleming spending'
    : s.kind === 'pocock' ? 'Lan–DeMets Pocock spending' : `power spending α·t^${s.rho}`;
}

export const PLANNED_POLICY: DecisionPolicy = {
  name: 'planned',
  explain: 'planned (default for spawned tests): a designed test with weekly looks; KEEP when the evidence crosses a ' +
    'boundary that keeps the false-KEEP rate at 2.5% over all looks, KILL as harmful (significantly worse), futile ' +
    '(the interval rules out the lift it is designed for) or inconclusive (only at its maximum); else CONTINUE.',
  plan: planPlanned,
  decide: decidePlanned,
};
