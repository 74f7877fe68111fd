/**
 * Policy backtest (docs/design.md §4: the simulator compares the policies' error rates): statistics only,
 * no database. Each run draws a test's weekly sufficient statistics (successes per group on a conversion
 * metric) and hands them, look after look, to the REAL decision code — compareGroups and decide from
 * src/experiments — exactly as the weekly job does. The same random data feeds every policy (paired
 * comparison), so differences between policies are not sampling noise between them; a policy's figures do
 * not depend on which other policies run beside it.
 *
 * Sizes: seed and sequential tests get the real planner's per-group size (planTest, 80% power for the
 * design lift under their rule); a planned test gets the real design (designTest) at the volume the test
 * actually receives, and keeps its own look history per run (appended / replaced from each decision's
 * `look`), as lh_ab_test_looks does for a real test.
 *
 * Volume: either `perGroupPerWeek` directly, or `leadsPerDay` (leads a day in the whole business) with
 * `testsAtOnce` tests running. Overlapping tests (the default assignment) each get every lead, split 50/50:
 * per group per week = round(7·leadsPerDay / 2), whatever their number; this assumes the tests do not
 * interact (the weekly report checks every overlapping pair for that). Mutually exclusive tests share the
 * leads: round(7·leadsPerDay / (2·testsAtOnce)).
 */
import { compareGroups } from '../experiments/compare.ts';
import { decide, type LookRecord } from '../experiments/decide.ts';
import { DEFAULT_DECISION_CONFIG, type DecisionConfig } from '../experiments/decision-config.ts';
import { designTest, type TestDesign } from '../experiments/design.ts';
import { allocateAlpha } from '../experiments/alpha-budget.ts';
import { proportionStats } from '../experiments/outcomes.ts';
import { planTest } from '../experiments/plan-test.ts';
import { DEFAULT_ASSIGNMENT_MODE, type AssignmentMode } from '../experiments/assignment.ts';
import { KILL_REASONS, type KillReason, type PolicyName } from '../experiments/types.ts';
import { createRng, type Rng } from './rng.ts';

export interface BacktestOptions {
  readonly policies: readonly PolicyName[];
  /** Simulated tests per true effect. */
  readonly runs: number;
  readonly seed: number;
  /** Control conversion rate (default 0.30: the research note's baseline). */
  readonly baselineRate: number;
  /** Units per group per week (default 50, the research note's volume); ignored when leadsPerDay is given. */
  readonly perGroupPerWeek: number;
  /** Leads a day in the whole business; when given, sets the volume together with testsAtOnce. */
  readonly leadsPerDay?: number | null;
  /** Tests running at once; default 1; needs leadsPerDay. */
  readonly testsAtOnce?: number | null;
  /** How the tests at once get their leads (lh_settings.ab_assignment); default overlapping. */
  readonly assignment?: AssignmentMode;
  /** True relative lifts to simulate, in %; 0 is the A/A case. */
  readonly trueLiftsPct: readonly number[];
  /** The lift each test is planned / designed for (80% power under its policy). */
  readonly designLiftPct: number;
  readonly maxDurationDays: number;
  readonly decisionConfig?: DecisionConfig;
  /**
   * Planned tests: the simulated test's place among its skill's repeated tests, which sets its α from the
   * skill's false-KEEP budget (planned.alphaBudget) as spawning does; default 1 (a skill's first test).
   */
  readonly testNumber?: number;
  /** Called after every simulated test: done out of total (true effects × runs). Not part of the result. */
  readonly progress?: (done: number, total: number) => void;
}

export const DEFAULT_BACKTEST: Omit<BacktestOptions, 'policies' | 'runs' | 'seed'> = {
  baselineRate: 0.3,
  perGroupPerWeek: 50,
  trueLiftsPct: [0, 10, 20, 30],
  designLiftPct: 20,
  maxDurationDays: 182,
};

/** Per kill reason, a share of the runs. */
export type KillShares = Readonly<Record<KillReason, number>>;

/** The outcome of one policy on one true effect, over all runs. */
export interface BacktestCell {
  readonly policy: PolicyName;
  readonly trueLiftPct: number;
  readonly runs: number;
  readonly keepRate: number;
  readonly killRate: number;
  /** killRate split by the decision's killReason (the three add up to killRate). */
  readonly killRateByReason: KillShares;
  readonly undecidedRate: number;
  /** Median days from start to KEEP/KILL over decided runs (a decision at look w counts 7·w); null when none decided. */
  readonly medianDaysToDecision: number | null;
  /** The same in weekly looks. */
  readonly medianWeeksToDecision: number | null;
  /** Share of the runs KILLed at a look ≤ 6 / ≤ 12 (42 / 84 days). */
  readonly killedByWeek6: number;
  readonly killedByWeek12: number;
}

/** How a policy's tests are sized at the simulated volume. */
export interface BacktestPlanSummary {
  /** Seed / sequential: min_sample_size; planned: the design's maximum per group. */
  readonly perGroup: number;
  /** Weekly looks until a group holds perGroup (ceil(perGroup / perGroupPerWeek)). */
  readonly weeksToSize: number;
  /** Whether perGroup is reached within maxDurationDays at this volume (the planner's / design's verdict). */
  readonly feasible: boolean | null;
  /** The smallest lift the policy detects with 80% power within maxDurationDays at this volume, in %. */
  readonly minDetectableLiftPct: number | null;
}

/** The planned policy's design as the backtest used it (raiseToFeasible off: the requested lift is kept). */
export interface BacktestDesignSummary {
  readonly liftPct: number;
  readonly maxPerGroup: { readonly control: number; readonly treatment: number };
  readonly dailyUnits: number | null;
  readonly daysToMax: number | null;
  readonly feasible: boolean | null;
  readonly minDetectableLiftPct: number | null;
  readonly plannedLooks: number;
  readonly note: string | null;
  /** The one-sided α the design was given (its share of the skill's false-KEEP budget), and why. */
  readonly alpha: number;
  readonly alphaReason: string | null;
}

export interface BacktestSettings {
  readonly policies: readonly PolicyName[];
  readonly runs: number;
  readonly seed: number;
  readonly baselineRate: number;
  /** The volume simulated: units per group per week of one test. */
  readonly perGroupPerWeek: number;
  /** The business volume it came from (null when perGroupPerWeek was given directly). */
  readonly leadsPerDay: number | null;
  readonly testsAtOnce: number | null;
  readonly assignment: AssignmentMode;
  /** One test's units a day, both groups (2·perGroupPerWeek/7): the dailyUnits of the planned design. */
  readonly dailyUnitsPerTest: number;
  readonly trueLiftsPct: readonly number[];
  readonly designLiftPct: number;
  readonly maxDurationDays: number;
  /** min_sample_size per policy, as `lh-brain plan` / the daily job would set it (planned: the design's max per group). */
  readonly plannedPerGroup: Readonly<Record<string, number>>;
  readonly plans: Readonly<Record<string, BacktestPlanSummary>>;
  /** The planned policy's design (null when planned is not backtested). */
  readonly design: BacktestDesignSummary | null;
}

/** One line per policy: the figures a user compares. */
export interface BacktestPolicySummary {
  readonly policy: PolicyName;
  /** P(KEEP) when the treatment does nothing. */
  readonly falseKeepRate: number | null;
  /** P(KEEP) per true lift > 0, keyed by the lift in %. */
  readonly power: Readonly<Record<string, number>>;
  /** P(KILL) per true lift > 0: a real improvement thrown away. */
  readonly wrongKillRate: Readonly<Record<string, number>>;
  /** wrongKillRate split by kill reason, per true lift > 0. */
  readonly wrongKillRateByReason: Readonly<Record<string, KillShares>>;
  /** Per true lift (0 included). */
  readonly medianDaysToDecision: Readonly<Record<string, number | null>>;
  readonly medianWeeksToDecision: Readonly<Record<string, number | null>>;
  /** Share of the A/A runs (useless skills) KILLed by week 6 / week 12; null without an A/A case. */
  readonly aaKilledByWeek6: number | null;
  readonly aaKilledByWeek12: number | null;
}

export interface BacktestResult {
  readonly settings: BacktestSettings;
  readonly cells: readonly BacktestCell[];
  readonly summary: readonly BacktestPolicySummary[];
}

/** Raised for settings that cannot be simulated (non-positive runs, rates outside (0, 1)…). */
export class BacktestInputError extends Error {
  override readonly name = 'BacktestInputError';
}

function binomial(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? null) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/**
 * Per group per week of one test, split 50/50, when `leadsPerDay` leads a day go to `testsAtOnce` tests:
 * overlapping, every test gets every lead, round(7·leadsPerDay / 2) (50 a day → 175); exclusive, they share
 * them, round(7·leadsPerDay / (2·testsAtOnce)) (50 a day, 3 tests → 58).
 */
export function perGroupPerWeekFor(leadsPerDay: number, testsAtOnce: number, assignment: AssignmentMode): number {
  if (!(Number.isFinite(leadsPerDay) && leadsPerDay > 0)) throw new BacktestInputError(`leads per day must be > 0, got ${leadsPerDay}`);
  if (!(Number.isInteger(testsAtOnce) && testsAtOnce >= 1)) throw new BacktestInputError(`tests at once must be a whole number ≥ 1, got ${testsAtOnce}`);
  const sharing = assignment === 'exclusive' ? testsAtOnce : 1;
  const n = Math.round((7 * leadsPerDay) / (2 * sharing));
  if (n < 1) {
    throw new BacktestInputError(`${leadsPerDay} lead${leadsPerDay === 1 ? '' : 's'} a day shared by ${sharing} test${sharing === 1 ? '' : 's'} leave each group fewer than 1 lead a week ` +
      `(7·${leadsPerDay}/(2·${sharing}) = ${((7 * leadsPerDay) / (2 * sharing)).toFixed(2)})`);
  }
  return n;
}

/** Plans and designs are pure and cost up to half a second each (minimum-detectable-lift bisections): memoised. */
const planMemo = new Map<string, unknown>();
function memo<T>(key: string, compute: () => T): T {
  if (planMemo.has(key)) return planMemo.get(key) as T;
  const v = compute();
  if (planMemo.size > 500) planMemo.clear();
  planMemo.set(key, v);
  return v;
}

function fixedRulePlan(policy: 'seed' | 'sequential', baselineRate: number, designLiftPct: number, perGroupPerWeek: number | null, maxDurationDays: number) {
  const r = memo(JSON.stringify(['plan', policy, baselineRate, designLiftPct, perGroupPerWeek, maxDurationDays]), () => planTest({
    metric: 'conversion_rate', baseline: baselineRate, target: baselineRate * (1 + designLiftPct / 100), policy, maxDurationDays,
    ...(perGroupPerWeek === null ? {} : { dailyUnits: (2 * perGroupPerWeek) / 7 }),
  }));
  if (r.kind !== 'ok') throw new BacktestInputError(`cannot plan a ${policy} test for +${designLiftPct}% at ${baselineRate}: ${r.reason}`);
  return r;
}

function plannedDesign(baselineRate: number, designLiftPct: number, perGroupPerWeek: number, maxDurationDays: number, config: DecisionConfig, testNumber = 1): TestDesign {
  if (!(designLiftPct > config.seed.keepMinLiftPct)) {
    throw new BacktestInputError(`cannot design a planned test for +${designLiftPct}%: it must exceed the KEEP line of ${config.seed.keepMinLiftPct}%`);
  }
  if (!(Number.isInteger(testNumber) && testNumber >= 1)) throw new BacktestInputError(`the test number must be a whole number ≥ 1, got ${testNumber}`);
  const alphaAllocation = allocateAlpha(config.planned.alphaBudget, config.planned.alpha, testNumber, 'the simulated skill');
  const r = memo(JSON.stringify(['design', baselineRate, designLiftPct, perGroupPerWeek, maxDurationDays, config.planned, testNumber]), () => designTest({
    metric: 'conversion_rate', baseline: baselineRate, liftPct: designLiftPct, dailyUnits: (2 * perGroupPerWeek) / 7,
    allocationPct: 50, maxDurationDays, raiseToFeasible: false, config: config.planned, keepLinePct: config.seed.keepMinLiftPct,
    alphaAllocation,
  }));
  if (r.kind !== 'ok') throw new BacktestInputError(`cannot design a planned test for +${designLiftPct}% at ${baselineRate}: ${r.reason}`);
  return r.design;
}

/**
 * The per-group size the real planner gives a test of `policy` designed for `designLiftPct` at this
 * baseline (planned: the design's maximum per group at `perGroupPerWeek`).
 */
export function plannedPerGroup(baselineRate: number, designLiftPct: number, policy: PolicyName = 'seed', perGroupPerWeek = DEFAULT_BACKTEST.perGroupPerWeek): number {
  if (policy === 'planned') {
    const d = plannedDesign(baselineRate, designLiftPct, perGroupPerWeek, DEFAULT_BACKTEST.maxDurationDays, DEFAULT_DECISION_CONFIG);
    return Math.max(d.maxPerGroup.control, d.maxPerGroup.treatment);
  }
  return fixedRulePlan(policy, baselineRate, designLiftPct, null, DEFAULT_BACKTEST.maxDurationDays).perGroup;
}

interface Tally { keep: number; kill: Record<KillReason, number>; weeks: number[]; killedBy6: number; killedBy12: number }

const zeroKills = (): Record<KillReason, number> => ({ futile: 0, harmful: 0, inconclusive: 0 });

/** Run the backtest. Deterministic for a seed. */
export function runBacktest(options: BacktestOptions): BacktestResult {
  const o = options;
  if (o.policies.length === 0) throw new BacktestInputError('no policy to backtest');
  if (!(Number.isInteger(o.runs) && o.runs > 0)) throw new BacktestInputError(`runs must be a positive integer, got ${o.runs}`);
  if (!(o.baselineRate > 0 && o.baselineRate < 1)) throw new BacktestInputError(`baseline rate must be in (0, 1), got ${o.baselineRate}`);
  const leadsPerDay = o.leadsPerDay ?? null;
  const testsAtOnce = leadsPerDay === null ? null : (o.testsAtOnce ?? 1);
  if (leadsPerDay === null && o.testsAtOnce !== undefined && o.testsAtOnce !== null) {
    throw new BacktestInputError('tests at once needs the leads per day they share');
  }
  const assignment = o.assignment ?? DEFAULT_ASSIGNMENT_MODE;
  const perGroupPerWeek = leadsPerDay === null ? o.perGroupPerWeek : perGroupPerWeekFor(leadsPerDay, testsAtOnce ?? 1, assignment);
  if (!(Number.isInteger(perGroupPerWeek) && perGroupPerWeek > 0)) throw new BacktestInputError('units per group per week must be a positive integer');
  if (!(Number.isInteger(o.maxDurationDays) && o.maxDurationDays > 0)) throw new BacktestInputError('max duration must be a positive whole number of days');
  for (const l of o.trueLiftsPct) {
    const p = o.baselineRate * (1 + l / 100);
    if (!(p > 0 && p < 1)) throw new BacktestInputError(`true lift ${l}% gives a rate ${p} outside (0, 1)`);
  }
  const policies = [...new Set(o.policies)];
  const config = o.decisionConfig ?? DEFAULT_DECISION_CONFIG;

  const design = policies.includes('planned') ? plannedDesign(o.baselineRate, o.designLiftPct, perGroupPerWeek, o.maxDurationDays, config, o.testNumber ?? 1) : null;
  const plans: Record<string, BacktestPlanSummary> = {};
  const sizes = new Map<PolicyName, number>();
  for (const policy of policies) {
    if (policy === 'planned') {
      const d = design as TestDesign;
      const perGroup = Math.max(d.maxPerGroup.control, d.maxPerGroup.treatment);
      sizes.set(policy, perGroup);
      plans[policy] = { perGroup, weeksToSize: Math.ceil(perGroup / perGroupPerWeek), feasible: d.feasible, minDetectableLiftPct: d.minDetectableLiftPct };
    } else {
      const p = fixedRulePlan(policy, o.baselineRate, o.designLiftPct, perGroupPerWeek, o.maxDurationDays);
      sizes.set(policy, p.perGroup);
      plans[policy] = { perGroup: p.perGroup, weeksToSize: Math.ceil(p.perGroup / perGroupPerWeek), feasible: p.feasible, minDetectableLiftPct: p.minDetectableLiftPct };
    }
  }

  // One look more than fits: a fixed-size test still open after max_duration_days is KILLed there as inconclusive.
  const weeks = Math.ceil(o.maxDurationDays / 7) + 1;
  const total = o.trueLiftsPct.length * o.runs;
  let done = 0;
  const root = createRng(o.seed);
  const cells: BacktestCell[] = [];
  for (const lift of o.trueLiftsPct) {
    const pT = o.baselineRate * (1 + lift / 100);
    const tally = new Map(policies.map((p) => [p, { keep: 0, kill: zeroKills(), weeks: [], killedBy6: 0, killedBy12: 0 } as Tally]));
    for (let run = 0; run < o.runs; run++) {
      const rng = root.fork();
      let sc = 0, st = 0, n = 0;
      const open = new Set(policies);
      const history = new Map<PolicyName, LookRecord[]>(policies.map((p) => [p, []]));
      for (let w = 1; w <= weeks && open.size > 0; w++) {
        n += perGroupPerWeek;
        sc += binomial(rng, perGroupPerWeek, o.baselineRate);
        st += binomial(rng, perGroupPerWeek, pT);
        const comparison = compareGroups('conversion_rate', proportionStats(sc, n), proportionStats(st, n));
        for (const policy of [...open]) {
          const size = sizes.get(policy) ?? 100;
          const looks = history.get(policy) ?? [];
          const out = decide(policy, {
            comparison, controlN: n, treatmentN: n, minSampleSize: size, plannedSampleSize: size,
            elapsedDays: 7 * w, maxDurationDays: o.maxDurationDays, confidenceLevel: 0.95,
            srm: { kind: 'not-checked', reason: 'backtest: equal groups by construction' },
            ...(policy === 'planned' ? { design, looks } : {}),
          }, config);
          if (out.look) {
            const last = looks[looks.length - 1];
            if (last && last.lookNumber === out.look.lookNumber) looks[looks.length - 1] = out.look;
            else looks.push(out.look);
          }
          const t = tally.get(policy);
          if (!t) continue;
          const d = out.decision;
          if (d.kind === 'KEEP' || d.kind === 'KILL') {
            if (d.kind === 'KEEP') t.keep++;
            else {
              t.kill[d.killReason]++;
              if (w <= 6) t.killedBy6++;
              if (w <= 12) t.killedBy12++;
            }
            t.weeks.push(w);
            open.delete(policy);
          }
        }
      }
      done++;
      o.progress?.(done, total);
    }
    for (const [policy, t] of tally) {
      const kills = KILL_REASONS.reduce((s, r) => s + t.kill[r], 0);
      const byReason = Object.fromEntries(KILL_REASONS.map((r) => [r, t.kill[r] / o.runs])) as Record<KillReason, number>;
      const mw = median(t.weeks);
      cells.push({
        policy, trueLiftPct: lift, runs: o.runs, keepRate: t.keep / o.runs, killRate: kills / o.runs, killRateByReason: byReason,
        undecidedRate: (o.runs - t.keep - kills) / o.runs, medianDaysToDecision: mw === null ? null : 7 * mw, medianWeeksToDecision: mw,
        killedByWeek6: t.killedBy6 / o.runs, killedByWeek12: t.killedBy12 / o.runs,
      });
    }
  }
  const settings: BacktestSettings = {
    policies, runs: o.runs, seed: o.seed, baselineRate: o.baselineRate, perGroupPerWeek, leadsPerDay, testsAtOnce, assignment,
    dailyUnitsPerTest: (2 * perGroupPerWeek) / 7, trueLiftsPct: [...o.trueLiftsPct], designLiftPct: o.designLiftPct,
    maxDurationDays: o.maxDurationDays, plannedPerGroup: Object.fromEntries(sizes), plans,
    design: design === null ? null : {
      liftPct: design.liftPct, maxPerGroup: design.maxPerGroup, dailyUnits: design.dailyUnits, daysToMax: design.daysToMax,
      feasible: design.feasible, minDetectableLiftPct: design.minDetectableLiftPct, plannedLooks: design.plannedFractions.length,
      note: design.note, alpha: design.alpha, alphaReason: design.alphaAllocation?.reason ?? null,
    },
  };
  return { settings, cells, summary: summarise(policies, cells) };
}

function summarise(policies: readonly PolicyName[], cells: readonly BacktestCell[]): BacktestPolicySummary[] {
  return policies.map((policy) => {
    const mine = cells.filter((c) => c.policy === policy);
    const power: Record<string, number> = {};
    const wrongKill: Record<string, number> = {};
    const wrongKillByReason: Record<string, KillShares> = {};
    const days: Record<string, number | null> = {};
    const weeks: Record<string, number | null> = {};
    for (const c of mine) {
      const key = String(c.trueLiftPct);
      days[key] = c.medianDaysToDecision;
      weeks[key] = c.medianWeeksToDecision;
      if (c.trueLiftPct > 0) {
        power[key] = c.keepRate;
        wrongKill[key] = c.killRate;
        wrongKillByReason[key] = c.killRateByReason;
      }
    }
    const aa = mine.find((c) => c.trueLiftPct === 0);
    return {
      policy, falseKeepRate: aa ? aa.keepRate : null, power, wrongKillRate: wrongKill, wrongKillRateByReason: wrongKillByReason,
      medianDaysToDecision: days, medianWeeksToDecision: weeks,
      aaKilledByWeek6: aa ? aa.killedByWeek6 : null, aaKilledByWeek12: aa ? aa.killedByWeek12 : null,
    };
  });
}
