// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The skill/test pairing healed at the start of the daily job and of the analysis (migration
 * 20261201000500_heal_invariants.sql): a `testing` skill whose test is no longer running is resolved from
 * its test's KEEP/KILL recommendation, else killed ("test ended outside the analysis"); a running test whose
 * skill is not `testing` is reported. One statement, so one transaction of its own, like every other step
 * of the daily job; safe to run twice at once (the SQL takes an advisory lock and skips locked skills).
 */
import type { Logger } from '../../logger.ts';
import { warn } from '../../logger.ts';
import type { Queryable } from '../port.ts';

/** A `testing` skill without a running test, and what it became. */
export interface ResolvedSkill {
  readonly skillId: number;
  readonly skillType: string;
  readonly skillName: string;
  readonly status: 'active' | 'killed';
  /** Its latest test, if it has one. */
  readonly testId: number | null;
  /** The test's recommendation the status came from; null when it had none (then killed). */
  readonly recommendation: 'KEEP' | 'KILL' | null;
  /** As stored in lh_spawned_skills.decision_reason. */
  readonly reason: string;
}

/** A running test whose skill is not `testing` (none, deleted, active or killed): reported, left running. */
export interface UnpairedRunningTest {
  readonly testId: number;
  readonly testName: string;
  readonly metricTracked: string;
  readonly segment: string | null;
  readonly skillId: number | null;
  /** null when the test has no skill or its skill was deleted. */
  readonly skillStatus: 'active' | 'killed' | null;
}

/** What the healing at the start of a job did (both lists empty when the invariant held). */
export interface InvariantHealing {
  readonly resolvedSkills: readonly ResolvedSkill[];
  readonly runningTestsWithoutTestingSkill: readonly UnpairedRunningTest[];
}

type Raw = Record<string, unknown>;
const arr = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);
const idOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Runs lh_heal_skill_invariants(now) and maps its jsonb. */
export async function healSkillInvariants(db: Queryable, now: Date): Promise<InvariantHealing> {
  const rows = await db.query<{ h: Raw }>('select public.lh_heal_skill_invariants($1::timestamptz) as h', [now.toISOString()]);
  const h = rows[0]?.h;
  if (!h) throw new Error('lh_heal_skill_invariants returned nothing');
  return {
    resolvedSkills: arr(h['resolved_skills']).map((r) => ({
      skillId: Number(r['skill_id']), skillType: String(r['skill_type']), skillName: String(r['skill_name']),
      status: r['status'] === 'active' ? 'active' : 'killed', testId: idOrNull(r['test_id']),
      recommendation: r['recommendation'] === 'KEEP' || r['recommendation'] === 'KILL' ? r['recommendation'] : null,
      reason: String(r['reason']),
    })),
    runningTestsWithoutTestingSkill: arr(h['running_tests_without_testing_skill']).map((r) => ({
      testId: Number(r['test_id']), testName: String(r['test_name']), metricTracked: String(r['metric_tracked']),
      segment: textOrNull(r['segment']), skillId: idOrNull(r['skill_id']),
      skillStatus: r['skill_status'] === 'active' || r['skill_status'] === 'killed' ? r['skill_status'] : null,
    })),
  };
}

/** One warning per healed skill and per reported test (the human CLI shows them on stderr). */
export function warnInvariantHealing(logger: Logger, h: InvariantHealing): void {
  for (const s of h.resolvedSkills) {
    warn(logger, `skill ${s.skillId} (${s.skillName}) was testing without a running test: now ${s.status} (${s.reason})`,
      { skillId: s.skillId, testId: s.testId });
  }
  for (const t of h.runningTestsWithoutTestingSkill) {
    const skill = t.skillId === null ? 'no skill' : t.skillStatus === null ? `skill ${t.skillId}, which no longer exists`
      : `skill ${t.skillId}, which is ${t.skillStatus}`;
    warn(logger, `test ${t.testId} "${t.testName}" is running with ${skill}: left running, decide it by hand or let the analysis finish it`,
      { testId: t.testId, skillId: t.skillId });
  }
}
