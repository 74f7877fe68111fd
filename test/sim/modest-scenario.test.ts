/**
 * The modest scenario's declared true effects, measured: each skill's truth is applied to the world of
 * the day its bottleneck is at full strength and the metric its test tracks is computed as the analysis
 * does (src/sim/true-effect.ts, seeded, common random numbers). The measured relative effect must match
 * the declared one within 1.5 points (rates are exact by construction and land within a fraction of a
 * point; the follow-up delay factor is calibrated). Plus: every skill type gets a bottleneck early enough.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SKILL_FOR, type SkillType } from '../../src/detect/types.ts';
import type { TrackedMetric } from '../../src/metrics.ts';
import { MODEST_SKILLS, modestScenario } from '../../src/sim/modest-scenario.ts';
import type { LeadSource } from '../../src/sim/params.ts';
import { scenarioByName, worldOn } from '../../src/sim/scenarios.ts';
import { measureEffect } from '../../src/sim/true-effect.ts';

const scenario = scenarioByName('modest');
const LEADS = 60_000;
const TOLERANCE_PTS = 1.5;

/** The metric each skill's test tracks (src/detect/rules), and the day its episode is at full strength. */
const CASES: readonly { skill: SkillType; metric: TrackedMetric; segment?: LeadSource }[] = [
  { skill: 'pattern-optimizer', metric: 'f1_score' },
  { skill: 'lead-scorer', metric: 'qualification_rate' },
  { skill: 'follow-up-sequencer', metric: 'avg_days_to_qualify' },
  { skill: 'instant-responder', metric: 'avg_response_time_hours' },
  { skill: 'instant-responder', metric: 'contact_rate' },
  { skill: 'source-optimizer', metric: 'source_conversion_rate', segment: 'zillow' },
  { skill: 'source-optimizer', metric: 'source_conversion_rate', segment: 'referral' },
];

function fullStrengthDay(skill: SkillType): number {
  const e = scenario.episodes.find((x) => SKILL_FOR[x.bottleneck] === skill);
  assert.ok(e, `no episode makes the daily job spawn a ${skill}`);
  return e.startDay + e.rampDays;
}

describe('modest scenario: declared true effects', () => {
  it('declares −10%, 0, +10%, +20%, +30%, one per skill type; worth keeping from +20%, +10% either way', () => {
    const effects = Object.values(MODEST_SKILLS).map((t) => t.trueEffectPct).sort((a, b) => (a ?? 0) - (b ?? 0));
    assert.deepEqual(effects, [-10, 0, 10, 20, 30]);
    for (const t of Object.values(MODEST_SKILLS)) {
      assert.equal(t.eitherIsRight === true, t.trueEffectPct === 10, t.description);
      if (!t.eitherIsRight) assert.equal(t.helps, (t.trueEffectPct ?? 0) >= 20, t.description);
    }
  });

  for (const c of CASES) {
    const declared = MODEST_SKILLS[c.skill].trueEffectPct ?? Number.NaN;
    it(`${c.skill} changes ${c.metric}${c.segment ? ` [${c.segment}]` : ''} by ${declared}% (measured, seeded)`, () => {
      const world = worldOn(scenario, fullStrengthDay(c.skill));
      const m = measureEffect(world, MODEST_SKILLS[c.skill].apply, c.metric, LEADS, 2026, { segment: c.segment ?? null });
      assert.ok(m.control.units > 1000, `only ${m.control.units} units of ${c.metric}`);
      assert.ok(Math.abs(m.effectPct - declared) <= TOLERANCE_PTS,
        `measured ${m.effectPct.toFixed(2)}% on ${c.metric} (control ${m.control.value.toFixed(4)}, treatment ${m.treatment.value.toFixed(4)}), declared ${declared}%`);
    });
  }

  it('the measurement tells a wrong declaration apart: the default scenario\'s instant-responder is far from 0%', () => {
    const world = worldOn(scenario, fullStrengthDay('instant-responder'));
    const m = measureEffect(world, scenarioByName('default').skills['instant-responder'].apply, 'avg_response_time_hours', 20_000, 1);
    assert.ok(m.effectPct > 40, `measured ${m.effectPct.toFixed(1)}%`);
  });

  it('injects every bottleneck in the first third of the run, scaled with --days', () => {
    for (const total of [180, 60]) {
      const s = modestScenario(total);
      assert.deepEqual(new Set(s.episodes.map((e) => SKILL_FOR[e.bottleneck])), new Set(Object.keys(MODEST_SKILLS)));
      for (const e of s.episodes) assert.ok(e.startDay >= 1 && e.startDay <= total / 2.5, `${e.label} starts on day ${e.startDay} of ${total}`);
    }
  });
});
