/**
 * The multi-seed report (issue 11 item 9): one simulation per seed, summed up per true effect. A single
 * seed is an anecdote; what the engine does to a +20 % skill is a rate, so the report gives, for each
 * true effect, how often the skill type ended KEPT, KILLED (by lh_ab_tests.kill_reason) or undecided by
 * the last day, and how long its tests took from spawn to decision. Pure: the runs come in, plain
 * JSON-able rows come out (the CLI runs the seeds, render.ts prints).
 */
import type { SkillType } from '../detect/types.ts';
import type { SkillTruth } from './scenarios.ts';
import type { KillReason, SkillVerdict } from './timeline.ts';

/** What the report reads of one skill of one run. */
export type SkillOutcome = Pick<SkillVerdict, 'skillType' | 'status' | 'killReason' | 'spawnedOn' | 'decidedOn'>;

/** One seed's skills, in spawn order (SimulationSummary.skills). */
export interface SeedRun {
  readonly seed: number;
  readonly skills: readonly SkillOutcome[];
}

/** Where a skill type stands on the last day of a run. */
export type FinalState = 'KEEP' | `KILL ${KillReason}` | 'KILL' | 'undecided' | 'not spawned';

/** What a correct engine does with a skill of this true effect. */
export type Expected = 'KEEP' | 'KILL' | 'either';

export interface EffectRow {
  /** '+20%' for a declared effect, else 'helps' / 'no effect'. */
  readonly effect: string;
  readonly trueEffectPct: number | null;
  readonly expected: Expected;
  readonly skillTypes: readonly SkillType[];
  /** Runs × skill types of this effect: the denominator of every share below. */
  readonly cases: number;
  /** Shares of `cases` (0..1): kept (any of the type's tests ended KEEP), else by the latest decision. */
  readonly keep: number;
  readonly kill: { readonly futile: number; readonly harmful: number; readonly inconclusive: number; readonly unstated: number };
  /** Still testing on the last day (a re-test after a KILL included), or never spawned. */
  readonly undecided: number;
  readonly notSpawned: number;
  /** Tests of this effect (a type may be tested again after a KILL) and those decided. */
  readonly tests: number;
  readonly decidedTests: number;
  /** Median days from a test's spawn to its decision, over decided tests (null: none decided). */
  readonly medianDaysToDecision: number | null;
  /** Share of cases decided the way a correct engine would (null when either decision is right). */
  readonly right: number | null;
}

const DAY_MS = 86_400_000;

/** Whole days between two YYYY-MM-DD dates. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A type's state on the last day: KEEP as soon as any of its tests was kept (the skill is rolled out);
 * otherwise the latest test decides: still testing → undecided, killed → KILL with its reason.
 */
export function finalState(skills: readonly SkillOutcome[]): FinalState {
  if (skills.length === 0) return 'not spawned';
  if (skills.some((s) => s.status === 'active')) return 'KEEP';
  const last = skills[skills.length - 1]!;
  if (last.status === 'testing') return 'undecided';
  return last.killReason === null ? 'KILL' : `KILL ${last.killReason}`;
}

type Truths = Readonly<Record<SkillType, Pick<SkillTruth, 'helps' | 'trueEffectPct' | 'eitherIsRight'>>>;

const labelOf = (t: Truths[SkillType]): string =>
  t.trueEffectPct === null ? (t.helps ? 'helps' : 'no effect') : `${t.trueEffectPct > 0 ? '+' : ''}${t.trueEffectPct}%`;
const expectedOf = (t: Truths[SkillType]): Expected => (t.eitherIsRight ? 'either' : t.helps ? 'KEEP' : 'KILL');

/** The rows, one per distinct true effect, from the most harmful to the most helpful. */
export function aggregateSeeds(runs: readonly SeedRun[], truths: Truths): EffectRow[] {
  const groups = new Map<string, { truth: Truths[SkillType]; types: SkillType[] }>();
  for (const [type, truth] of Object.entries(truths) as [SkillType, Truths[SkillType]][]) {
    const key = `${labelOf(truth)}|${expectedOf(truth)}`;
    const g = groups.get(key);
    if (g) g.types.push(type);
    else groups.set(key, { truth, types: [type] });
  }
  const rows = [...groups.values()].map(({ truth, types }): EffectRow => {
    const states: FinalState[] = [];
    const days: number[] = [];
    let tests = 0;
    for (const run of runs) {
      for (const type of types) {
        const skills = run.skills.filter((s) => s.skillType === type);
        states.push(finalState(skills));
        tests += skills.length;
        for (const s of skills) if (s.status !== 'testing' && s.decidedOn !== null) days.push(daysBetween(s.spawnedOn, s.decidedOn));
      }
    }
    const cases = states.length;
    const share = (pred: (s: FinalState) => boolean) => (cases === 0 ? 0 : states.filter(pred).length / cases);
    const expected = expectedOf(truth);
    const isKill = (s: FinalState) => s.startsWith('KILL');
    return {
      effect: labelOf(truth), trueEffectPct: truth.trueEffectPct, expected, skillTypes: types, cases,
      keep: share((s) => s === 'KEEP'),
      kill: { futile: share((s) => s === 'KILL futile'), harmful: share((s) => s === 'KILL harmful'),
        inconclusive: share((s) => s === 'KILL inconclusive'), unstated: share((s) => s === 'KILL') },
      undecided: share((s) => s === 'undecided'),
      notSpawned: share((s) => s === 'not spawned'),
      tests, decidedTests: days.length, medianDaysToDecision: median(days),
      right: expected === 'either' ? null : share(expected === 'KEEP' ? (s) => s === 'KEEP' : isKill),
    };
  });
  const order = (r: EffectRow) => r.trueEffectPct ?? (r.expected === 'KEEP' ? Infinity : -Infinity);
  return rows.sort((a, b) => order(a) - order(b));
}
