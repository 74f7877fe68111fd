/**
 * The final judgement, read from the database (lh_spawned_skills joined to its lh_ab_tests row), so
 * the summary is by construction what the engine decided, set against the scenario's truth.
 */
import type { Queryable } from '../db/port.ts';
import type { SkillType } from '../detect/types.ts';
import type { Scenario } from './scenarios.ts';
import { verdictFor, type KillReason, type SimulationSummary, type SkillVerdict } from './timeline.ts';

interface Row {
  skill_id: number; skill_type: string; segment: string | null; spawned_on: string; status: string;
  decided_on: string | null; kill_reason: string | null; test_id: number | null; metric: string | null;
  control_n: number | null; treatment_n: number | null; lift_pct: number | null; p_value: number | null;
  [k: string]: unknown;
}

/** Every skill with its test and verdict, in spawn order. */
export async function summarise(db: Queryable, scenario: Scenario): Promise<SimulationSummary> {
  const rows = await db.query<Row>(
    `select s.id as skill_id, s.skill_type, s.segment,
       to_char(s.spawned_at at time zone 'UTC', 'YYYY-MM-DD') as spawned_on, s.status,
       to_char(s.decision_made_at at time zone 'UTC', 'YYYY-MM-DD') as decided_on, t.kill_reason,
       t.id as test_id, t.metric_tracked as metric, t.control_sample_size as control_n,
       t.treatment_sample_size as treatment_n, coalesce(s.actual_lift_pct, t.lift_pct) as lift_pct, t.p_value
     from public.lh_spawned_skills s
     left join lateral (select * from public.lh_ab_tests x where x.skill_id = s.id order by x.id desc limit 1) t on true
     order by s.spawned_at, s.id`);
  const skills: SkillVerdict[] = rows.map((r) => {
    const type = r.skill_type as SkillType;
    const truth = scenario.skills[type];
    const status = (r.status === 'active' || r.status === 'killed' ? r.status : 'testing') as SkillVerdict['status'];
    // a skill type already rolled out when this one was spawned treats everyone already: the test can
    // only find nothing (the pipeline gives its treatment group no extra effect), so KILL is right
    const rolledOut = rows.find((o) => o.skill_type === r.skill_type && o.status === 'active' && o.decided_on !== null
      && o.decided_on <= r.spawned_on && o.skill_id !== r.skill_id);
    const helps = (truth?.helps ?? false) && rolledOut === undefined;
    const eitherIsRight = (truth?.eitherIsRight ?? false) && rolledOut === undefined;
    const trueEffectPct = truth?.trueEffectPct === null || truth?.trueEffectPct === undefined ? null
      : rolledOut ? 0 : truth.trueEffectPct;
    const trueEffect = rolledOut ? `none: ${type} already active since ${rolledOut.decided_on} (skill #${rolledOut.skill_id})`
      : truth?.description ?? 'unknown skill type';
    return {
      skillId: Number(r.skill_id), skillType: type, segment: r.segment, spawnedOn: r.spawned_on,
      testId: r.test_id === null ? null : Number(r.test_id), metric: r.metric,
      trueEffect, helps, trueEffectPct,
      status, decision: status === 'active' ? 'KEEP' : status === 'killed' ? 'KILL' : 'pending',
      decidedOn: r.decided_on, killReason: status === 'killed' ? killReasonOf(r.kill_reason) : null, controlN: r.control_n, treatmentN: r.treatment_n,
      liftPct: finite(r.lift_pct), pValue: finite(r.p_value),
      verdict: verdictFor(helps, status, eitherIsRight),
    };
  });
  return {
    skills,
    right: skills.filter((s) => s.verdict === 'right').length,
    wrong: skills.filter((s) => s.verdict === 'wrong').length,
    acceptable: skills.filter((s) => s.verdict === 'acceptable').length,
    undecided: skills.filter((s) => s.verdict === 'undecided').length,
  };
}

const killReasonOf = (r: string | null): KillReason | null =>
  (r === 'futile' || r === 'harmful' || r === 'inconclusive' ? r : null);

const finite = (x: number | null): number | null => (x !== null && Number.isFinite(Number(x)) ? Number(x) : null);
