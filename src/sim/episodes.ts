/**
 * The bottleneck episodes scenarios are built from: each bends the healthy world towards one bottleneck
 * the detection rules should find, with the published figure or assumption it rests on.
 */
import { type LeadSource, type WorldState } from './params.ts';
import type { Episode } from './scenarios.ts';

export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

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

/** Validation accuracy drifts 0.90 → 0.77 by default (F1 ≈ 0.87 → 0.73: the seed's "87% → 75%"). */
export const accuracyDrifts = (startDay: number, drop = 0.13, rampDays = 10): Episode => ({
  bottleneck: 'validation_accuracy_drop', label: `validation accuracy drifts (0.90 → ${(0.9 - drop).toFixed(2)})`, startDay, rampDays,
  apply: (s, k) => ({ ...s, validationAccuracy: lerp(s.validationAccuracy, s.validationAccuracy - drop, k) }),
});

/** Every source's P(qualified | contacted) × `factor` (qualification rate ≈ 46% → 30% at 0.65). */
export const qualificationDrops = (startDay: number, factor = 0.65): Episode => ({
  bottleneck: 'poor_qualification', label: `fewer contacted leads qualify (every source × ${factor})`, startDay, rampDays: 3,
  apply: (s, k) => scaleQualify(s, lerp(1, factor, k)),
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

/** Every source's P(qualified | contacted) × `factor`: qualification and every source's conversion × factor. */
export function scaleQualify(state: WorldState, factor: number): WorldState {
  const sources = Object.fromEntries(Object.entries(state.sources).map(([name, t]) =>
    [name, { ...t, qualifyGivenContact: t.qualifyGivenContact * factor }])) as unknown as WorldState['sources'];
  return { ...state, sources };
}

