/** A/B tests as the assignment tests create them: minutes from a fixed start, optional segment, seed, status. */
import type { Queryable } from '../../src/db/port.ts';
import type { AbGroup, AssignmentMode, CandidateTest, TestGroup } from '../../src/experiments/assignment.ts';

export const T0 = '2026-03-01T00:00:00Z';
/** The instant `minutes` after T0. */
export const at = (minutes: number): Date => new Date(Date.parse(T0) + minutes * 60_000);

export interface TestSpec { metric: string; startMin: number; pct?: number; segment?: string | null; seed?: string | null; status?: 'running' | 'completed' }

/** Inserts one test (a completed one ends a minute after its start) and returns it as the TypeScript rule sees it. */
export async function addTest(db: Queryable, t: TestSpec): Promise<CandidateTest> {
  const status = t.status ?? 'running';
  const [row] = await db.query<{ id: number }>(`insert into lh_ab_tests (test_name, metric_tracked, traffic_allocation_pct,
      segment, hash_seed, status, started_at, ended_at) values ($1, $1, $2, $3, $4, $5, $6, $7) returning id`,
  [t.metric, t.pct ?? 50, t.segment ?? null, t.seed ?? null, status, at(t.startMin), status === 'completed' ? at(t.startMin + 1) : null]);
  return { id: row!.id, trafficAllocationPct: t.pct ?? 50, hashSeed: t.seed ?? null, status, startedAt: at(t.startMin), segment: t.segment ?? null };
}

/** Stores lh_settings.ab_assignment (the assignment trigger is regenerated at commit). */
export async function setAssignmentMode(db: Queryable, mode: AssignmentMode): Promise<void> {
  await db.query(`insert into lh_settings (key, value) values ('ab_assignment', $1)
    on conflict (key) do update set value = excluded.value`, [mode]);
}

/** Every row of lh_ab_assignments of one lead, in test id order, as the TypeScript rule spells it. */
export async function assignmentsOf(db: Queryable, leadId: number): Promise<TestGroup[]> {
  const rows = await db.query<{ test_id: number; ab_group: AbGroup }>(
    'select test_id, ab_group from lh_ab_assignments where lead_id = $1 order by test_id', [leadId]);
  return rows.map((r) => ({ testId: Number(r.test_id), group: r.ab_group }));
}
