/**
 * The `modest` scenario (issue 11 item 9): an honest demo. The default scenario's skills either help a
 * lot or do nothing, which any engine gets right; here every skill has a graded true effect on the
 * metric its test tracks, −10 %, 0, +10 %, +20 % and +30 %, so the demo shows what happens to modest
 * improvements (and to a mildly harmful skill).
 *
 * Which skill gets which effect follows what its metric can show at ~50 leads a day: the two worth
 * keeping (+20 %, +30 %) sit on the metrics with the most information per lead (labelled validations,
 * contacted leads), the harmful one on a single source's conversion (a 5 % rate: the test can only rule
 * out large lifts), the useless and the small one on the two heavy-tailed durations.
 *
 * Verdicts: +20 % and +30 % are worth keeping (the planned design's smallest worthwhile lift is +20 %),
 * −10 % and 0 are not; +10 % is real but below that line, so KEEP and KILL are both acceptable.
 *
 * Each effect is a relative change of the tested metric's per-unit mean at full maturity, checked by
 * test/sim/modest-scenario.test.ts with src/sim/true-effect.ts:
 * - pattern-optimizer, f1_score (per unit: a labelled validation is right): accuracy × 1.3, exact while
 *   accuracy ≤ 1/1.3 (the episode drifts it to 0.70 → 0.91);
 * - lead-scorer, qualification_rate: every source's P(qualified | contacted) × 1.2, exact while no
 *   probability reaches 1;
 * - follow-up-sequencer, avg_days_to_qualify: the contacted → qualified delay × 0.87, which shortens the
 *   mean by ≈ 10 % and not 13 %, because delays beyond the 45-day cutoff are lost, never qualified (so
 *   the multiplier is calibrated at the episode's 6-day median, and is only approximately +10 % elsewhere);
 * - instant-responder, avg_response_time_hours: nothing (exactly 0);
 * - source-optimizer, source_conversion_rate of whichever source it is spawned for: every source's
 *   P(qualified | contacted) × 0.9, so every segment converts 10 % less (exact).
 */
import type { SkillType } from '../detect/types.ts';
import { accuracyDrifts, followUpSlows, qualificationDrops, responseDegrades, scaleQualify, sourceGoesBad } from './episodes.ts';
import type { Scenario, SkillTruth } from './scenarios.ts';

/** Default length: long enough for the slowest of the five tests to be decided. */
export const MODEST_DAYS = 180;

/** The contacted → qualified delay multiplier that shortens the mean by ≈ 10 % at a 6-day median (see above). */
export const FOLLOW_UP_DELAY_FACTOR = 0.87;

export const MODEST_SKILLS: Readonly<Record<SkillType, SkillTruth>> = {
  'pattern-optimizer': {
    helps: true, trueEffectPct: 30, description: 'accuracy per labelled validation × 1.3',
    apply: (s) => ({ ...s, validationAccuracy: Math.min(1, s.validationAccuracy * 1.3) }),
  },
  'lead-scorer': {
    helps: true, trueEffectPct: 20, description: 'qualification rate × 1.2 (P(qualified | contacted) × 1.2)',
    apply: (s) => scaleQualify(s, 1.2),
  },
  'follow-up-sequencer': {
    helps: true, trueEffectPct: 10, eitherIsRight: true,
    description: 'mean days to qualify × 0.9 (delay × 0.87); either decision is acceptable',
    apply: (s) => ({ ...s, qualifyMedianDays: s.qualifyMedianDays * FOLLOW_UP_DELAY_FACTOR }),
  },
  'instant-responder': {
    helps: false, trueEffectPct: 0, description: 'no effect on response time', apply: (s) => s,
  },
  'source-optimizer': {
    helps: false, trueEffectPct: -10, description: 'every source converts × 0.9 (P(qualified | contacted) × 0.9)',
    apply: (s) => scaleQualify(s, 0.9),
  },
};

/**
 * Episodes early enough for every test to be decided within `total` days (180 by default): the two
 * skills worth keeping are needed from day 3 (the qualification test takes the longest), the others
 * follow weeks apart so that fewer tests share the leads at once (assignment is mutually exclusive); the
 * +10 % one comes last, as either decision on it is acceptable. (The qualification drop lowers every
 * source's conversion, so a source-optimizer is usually spawned weeks before its own episode.)
 */
export function modestScenario(total: number): Scenario {
  const at = (day: number): number => Math.max(1, Math.round((total * day) / MODEST_DAYS));
  return {
    name: 'modest',
    description: 'every skill has a graded true effect on its metric (−10%, 0, +10%, +20%, +30%): ' +
      'qualification and validation accuracy drop, then response degrades, a source goes bad, follow-up slows',
    days: total,
    episodes: [
      accuracyDrifts(at(3), 0.2, 3), qualificationDrops(at(3)), responseDegrades(at(40)), sourceGoesBad(at(60)), followUpSlows(at(70)),
    ],
    skills: MODEST_SKILLS,
  };
}
