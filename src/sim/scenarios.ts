/**
 * Scenarios: how the simulated world changes over time (bottleneck episodes) and what each skill truly
 * does to the leads it treats. The truth is what the summary judges the engine's decisions against.
 */
import type { BottleneckType, SkillType } from '../detect/types.ts';
import { HEALTHY, type LeadSource, type WorldState } from './params.ts';

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
  /** Does it truly improve the metric it is tested on? A correct engine KEEPs it if so, else KILLs it. */
  readonly helps: boolean;
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

export const SCENARIO_NAMES = ['default', 'stable'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

function withSource(state: WorldState, source: LeadSource, qualify: number): WorldState {
  return { ...state, sources: { ...state.sources, [source]: { ...state.sources[source], qualifyGivenContact: qualify } } };
}

/** Agents slow down: median response 1 h → 5 h, never answered 5% → 15% (towards the HBR audit's 23%). */
export const responseDegrades = (startDay: number): Episode => ({
  bottleneck: 'low_response_rate', label: 'agents respond slower (median 1 h → 5 h)', startDay, rampDays: 7,
  apply: (s, k) => ({ ...s,
    responseMedianHours: lerp(s.responseMedianHours, s.responseMedianHours * 5, k),
    neverRespondShare: lerp(s.neverRespondShare, Math.min(0.5, s.neverRespondShare + 0.1), k) }),
});

/** Validation accuracy drifts 0.90 → 0.77 (F1 ≈ 0.87 → 0.73: the seed's "87% → 75%"). */
export const accuracyDrifts = (startDay: number): Episode => ({
  bottleneck: 'validation_accuracy_drop', label: 'validation accuracy drifts (0.90 → 0.77)', startDay, rampDays: 10,
  apply: (s, k) => ({ ...s, validationAccuracy: lerp(s.validationAccuracy, s.validationAccuracy - 0.13, k) }),
});

/** The portal source goes bad: P(qualified | contacted) 0.38 → 0.08 (conversion ≈ 25% → 5%, portal-like). */
export const sourceGoesBad = (startDay: number, source: LeadSource = 'zillow'): Episode => ({
  bottleneck: 'weak_lead_source', label: `${source} leads go bad (conversion ≈ 25% → 5%)`, startDay, rampDays: 5,
  apply: (s, k) => withSource(s, source, lerp(s.sources[source].qualifyGivenContact, 0.08, k)),
});

/** Follow-up slows: contacted → qualified median 2 d → 6 d. */
export const followUpSlows = (startDay: number): Episode => ({
  bottleneck: 'slow_follow_up', label: 'follow-up slows (median 2 d → 6 d to qualify)', startDay, rampDays: 7,
  apply: (s, k) => ({ ...s, qualifyMedianDays: lerp(s.qualifyMedianDays, s.qualifyMedianDays * 3, k) }),
});

const none = (description: string): SkillTruth => ({ helps: false, description, apply: (s) => s });

/** The true effects of the five skills: three really help, two do nothing. */
export const DEFAULT_SKILLS: Readonly<Record<SkillType, SkillTruth>> = {
  'instant-responder': {
    helps: true, description: 'auto-reply: response times × 0.4, never-answered share halved',
    apply: (s) => ({ ...s, responseMedianHours: s.responseMedianHours * 0.4, neverRespondShare: s.neverRespondShare / 2 }),
  },
  'pattern-optimizer': {
    helps: true, description: 'retrained detectors: accuracy restored to ≥ 0.92',
    apply: (s) => ({ ...s, validationAccuracy: Math.max(s.validationAccuracy, 0.92) }),
  },
  'follow-up-sequencer': {
    helps: true, description: 'follow-up cadence: contacted → qualified delay × 0.5',
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
