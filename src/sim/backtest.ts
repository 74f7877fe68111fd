/**
 * Policy backtest (docs/design.md §4: the simulator compares the two policies' error rates):
 * statistics only, no database. Each run draws a test's weekly sufficient statistics (successes per group
 * on a conversion metric) and hands them, look after look, to the REAL decision code — compareGroups and
 * decide from src/experiments — exactly as the weekly job does. The same random data feeds every policy
 * (paired comparison), so differences between policies are not sampling noise between them.
 */
import { compareGroups } from '../experiments/compare.ts';
import { decide } from '../experiments/decide.ts';
import { DEFAULT_DECISION_CONFIG, type DecisionConfig } from '../experiments/decision-config.ts';
import { proportionStats } from '../experiments/outcomes.ts';
import type { PolicyName } from '../experiments/types.ts';
import { planMinSampleSize } from '../experiments/planner.ts';
import { createRng, type Rng } from './rng.ts';

export interface BacktestOptions {
  readonly policies: readonly PolicyName[];
  /** Simulated tests per true effect. */
  readonly runs: number;
  readonly seed: number;
  /** Control conversion rate (default 0.30: the research note's baseline). */
  readonly baselineRate: number;
  /** Units per group per week (default 50, the research note's volume). */
  readonly perGroupPerWeek: number;
  /** True relative lifts to simulate, in %; 0 is the A/A case. */
  readonly trueLiftsPct: readonly number[];
  /** The lift each test is planned for: min_sample_size = the real planner's size for 80% power under its policy. */
  readonly designLiftPct: number;
  readonly maxDurationDays: number;
  readonly decisionConfig?: DecisionConfig;
}

export const DEFAULT_BACKTEST: Omit<BacktestOptions, 'policies' | 'runs' | 'seed'> = {
  baselineRate: 0.3,
  perGroupPerWeek: 50,
  trueLiftsPct: [0, 10, 20, 30],
  designLiftPct: 20,
  maxDurationDays: 182,
};

/** The outcome of one policy on one true effect, over all runs. */
export interface BacktestCell {
  readonly policy: PolicyName;
  readonly trueLiftPct: number;
  readonly runs: number;
  readonly keepRate: number;
  readonly killRate: number;
  readonly undecidedRate: number;
  /** Median days from start to KEEP/KILL over decided runs; null when none decided. */
  readonly medianDaysToDecision: number | null;
}

export interface BacktestResult {
  /** plannedPerGroup: min_sample_size per policy, as `lh-brain plan` / the daily job would set it. */
  readonly settings: Omit<BacktestOptions, 'decisionConfig'> & { readonly plannedPerGroup: Readonly<Record<string, number>> };
  readonly cells: readonly BacktestCell[];
  /** One line per policy: the figures a user compares. */
  readonly summary: readonly {
    readonly policy: PolicyName;
    /** P(KEEP) when the treatment does nothing. */
    readonly falseKeepRate: number | null;
    /** P(KEEP) per true lift > 0, keyed by the lift in %. */
    readonly power: Readonly<Record<string, number>>;
    /** P(KILL) per true lift > 0: a real improvement thrown away. */
    readonly wrongKillRate: Readonly<Record<string, number>>;
    readonly medianDaysToDecision: Readonly<Record<string, number | null>>;
  }[];
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

/** The per-group size the real planner gives a test of `policy` designed for `designLiftPct` at this baseline. */
export function plannedPerGroup(baselineRate: number, designLiftPct: number, policy: PolicyName = 'seed'): number {
  const r = planMinSampleSize({ metric: 'conversion_rate', baseline: baselineRate, target: baselineRate * (1 + designLiftPct / 100), policy });
  if (r.kind !== 'ok') throw new BacktestInputError(`cannot plan a ${policy} test for +${designLiftPct}% at ${baselineRate}: ${r.reason}`);
  return r.perGroup;
}

/** Run the backtest. Deterministic for a seed. */
export function runBacktest(options: BacktestOptions): BacktestResult {
  const o = options;
  if (!(Number.isInteger(o.runs) && o.runs > 0)) throw new BacktestInputError(`runs must be a positive integer, got ${o.runs}`);
  if (!(o.baselineRate > 0 && o.baselineRate < 1)) throw new BacktestInputError(`baseline rate must be in (0, 1), got ${o.baselineRate}`);
  if (!(Number.isInteger(o.perGroupPerWeek) && o.perGroupPerWeek > 0)) throw new BacktestInputError('units per group per week must be a positive integer');
  for (const l of o.trueLiftsPct) {
    const p = o.baselineRate * (1 + l / 100);
    if (!(p > 0 && p < 1)) throw new BacktestInputError(`true lift ${l}% gives a rate ${p} outside (0, 1)`);
  }
  const config = o.decisionConfig ?? DEFAULT_DECISION_CONFIG;
  const planned = new Map(o.policies.map((p) => [p, plannedPerGroup(o.baselineRate, o.designLiftPct, p)]));
  const weeks = Math.ceil(o.maxDurationDays / 7) + 1;
  const root = createRng(o.seed);
  const cells: BacktestCell[] = [];
  for (const lift of o.trueLiftsPct) {
    const pT = o.baselineRate * (1 + lift / 100);
    const tally = new Map(o.policies.map((p) => [p, { keep: 0, kill: 0, days: [] as number[] }]));
    for (let run = 0; run < o.runs; run++) {
      const rng = root.fork();
      let sc = 0, st = 0, n = 0;
      const open = new Set(o.policies);
      for (let w = 1; w <= weeks && open.size > 0; w++) {
        n += o.perGroupPerWeek;
        sc += binomial(rng, o.perGroupPerWeek, o.baselineRate);
        st += binomial(rng, o.perGroupPerWeek, pT);
        const comparison = compareGroups('conversion_rate', proportionStats(sc, n), proportionStats(st, n));
        for (const policy of [...open]) {
          const size = planned.get(policy) ?? 100;
          const out = decide(policy, {
            comparison, controlN: n, treatmentN: n, minSampleSize: size, plannedSampleSize: size,
            elapsedDays: 7 * w, maxDurationDays: o.maxDurationDays, confidenceLevel: 0.95,
            srm: { kind: 'not-checked', reason: 'backtest: equal groups by construction' },
          }, config);
          const t = tally.get(policy);
          if (!t) continue;
          if (out.decision.kind === 'KEEP' || out.decision.kind === 'KILL') {
            if (out.decision.kind === 'KEEP') t.keep++;
            else t.kill++;
            t.days.push(7 * w);
            open.delete(policy);
          }
        }
      }
    }
    for (const [policy, t] of tally) {
      cells.push({ policy, trueLiftPct: lift, runs: o.runs, keepRate: t.keep / o.runs, killRate: t.kill / o.runs,
        undecidedRate: (o.runs - t.keep - t.kill) / o.runs, medianDaysToDecision: median(t.days) });
    }
  }
  const { decisionConfig: _unused, ...settings } = o;
  return { settings: { ...settings, plannedPerGroup: Object.fromEntries(planned) }, cells, summary: summarise(o.policies, cells) };
}

function summarise(policies: readonly PolicyName[], cells: readonly BacktestCell[]): BacktestResult['summary'] {
  return policies.map((policy) => {
    const mine = cells.filter((c) => c.policy === policy);
    const power: Record<string, number> = {};
    const wrongKill: Record<string, number> = {};
    const days: Record<string, number | null> = {};
    for (const c of mine) {
      days[String(c.trueLiftPct)] = c.medianDaysToDecision;
      if (c.trueLiftPct > 0) {
        power[String(c.trueLiftPct)] = c.keepRate;
        wrongKill[String(c.trueLiftPct)] = c.killRate;
      }
    }
    const aa = mine.find((c) => c.trueLiftPct === 0);
    return { policy, falseKeepRate: aa ? aa.keepRate : null, power, wrongKillRate: wrongKill, medianDaysToDecision: days };
  });
}
