/**
 * Scenarios: how the simulated world changes over time (bottleneck episodes) and what each skill truly
 * does to the leads it treats. The truth is what the summary judges the engine's decisions against.
 */
import type { BottleneckType, SkillType } from '../detect/types.ts';
import { accuracyDrifts, responseDegrades, sourceGoesBad } from './episodes.ts';
import { MODEST_DAYS, modestScenario } from './modest-scenario.ts';
import { HEALTHY, type WorldState } from './params.ts';

export { accuracyDrifts, followUpSlows, qualificationDrops, responseDegrades, scaleQualify, sourceGoesBad } from './episodes.ts';

/** A bottleneck injected from `startDay`, reaching full strength after `rampDays`. */
export interface Episode {
  readonly bottleneck: BottleneckType;
  readonly label: string;
  readonly startDay: number;
  readonly rampDays: number;
  /** Bend the state by `strength` ∈ [0, 1]. */
  apply(state: WorldState, strength: number): WorldState;
}

/** What a skill really does to a lead it treats (in its test's treatment group, or everyone once active). */
export interface SkillTruth {
  /** Is it worth keeping? A correct engine KEEPs it if so, else KILLs it (unless `eitherIsRight`). */
  readonly helps: boolean;
  /**
   * The true relative effect on the metric its test tracks, in % (positive = better, a reduction for
   * durations), when the scenario declares one (measured by src/sim/true-effect.ts); null when the truth
   * is only "helps a lot" / "does nothing" (the default scenario).
   */
  readonly trueEffectPct: number | null;
  /**
   * A real but small effect, below the smallest lift worth keeping (+20 %, the planned design's): KEEP and
   * KILL are both acceptable decisions, so the verdict is 'acceptable' rather than right or wrong.
   */
  readonly eitherIsRight?: boolean;
  readonly description: string;
  apply(state: WorldState): WorldState;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  readonly days: number;
  readonly episodes: readonly Episode[];
  readonly skills: Readonly<Record<SkillType, SkillTruth>>;
}

export const SCENARIO_NAMES = ['default', 'stable', 'modest'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

const none = (description: string): SkillTruth => ({ helps: false, trueEffectPct: null, description, apply: (s) => s });

/** The true effects of the five skills: three really help, two do nothing. */
export const DEFAULT_SKILLS: Readonly<Record<SkillType, SkillTruth>> = {
  'instant-responder': {
    helps: true, trueEffectPct: null, description: 'auto-reply: response times × 0.4, never-answered share halved',
    apply: (s) => ({ ...s, responseMedianHours: s.responseMedianHours * 0.4, neverRespondShare: s.neverRespondShare / 2 }),
  },
  'pattern-optimizer': {
    helps: true, trueEffectPct: null, description: 'retrained detectors: accuracy restored to ≥ 0.92',
    apply: (s) => ({ ...s, validationAccuracy: Math.max(s.validationAccuracy, 0.92) }),
  },
  'follow-up-sequencer': {
    helps: true, trueEffectPct: null, description: 'follow-up cadence: contacted → qualified delay × 0.5',
    apply: (s) => ({ ...s, qualifyMedianDays: s.qualifyMedianDays * 0.5 }),
  },
  'lead-scorer': none('re-ranks leads: no real effect on qualification'),
  'source-optimizer': none('re-targets the weak source: no real effect on its conversion'),
};

/** Strength of an episode on a day: 0 before it starts, ramping linearly to 1. */
export function episodeStrength(e: Episode, day: number): number {
  if (day < e.startDay) return 0;
  return e.rampDays <= 0 ? 1 : Math.min(1, (day - e.startDay + 1) / e.rampDays);
}

/** The untreated truth on a day: the healthy world bent by every episode that has started. */
export function worldOn(scenario: Scenario, day: number, base: WorldState = HEALTHY): WorldState {
  return scenario.episodes.reduce((s, e) => {
    const k = episodeStrength(e, day);
    return k > 0 ? e.apply(s, k) : s;
  }, base);
}

/** Look a scenario up by name; `days` scales the episode days when the run is shorter or longer. */
export function scenarioByName(name: ScenarioName, days?: number): Scenario {
  if (name === 'modest') return modestScenario(days ?? MODEST_DAYS);
  if (name === 'stable') {
    return { name, description: 'a healthy pipeline with no injected bottleneck', days: days ?? 120, episodes: [], skills: DEFAULT_SKILLS };
  }
  const total = days ?? 120;
  const at = (fraction: number): number => Math.max(1, Math.round(total * fraction));
  return {
    name,
    description: 'response time degrades, then validation accuracy drifts, then the portal source goes bad',
    days: total,
    episodes: [responseDegrades(at(0.25)), accuracyDrifts(at(0.42)), sourceGoesBad(at(0.58))],
    skills: DEFAULT_SKILLS,
  };
}
