/**
 * The simulator's SQL: set-based, one statement per table per simulated day. Rows travel as one JSON
 * text parameter unpacked by jsonb_to_recordset (portable across postgres.js and PGlite, no array
 * parameter typing), so a day of any size costs the same handful of round trips.
 */
import type { Queryable } from '../db/port.ts';
import type { SkillType } from '../detect/types.ts';
import type { FeedbackRow, LeadEvent, LeadStatus, NewLead, ValidationRow } from './life.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Reserve `n` ids of a table's identity sequence, in order (so rows can reference each other before insert). */
export async function allocateIds(db: Queryable, table: 'lh_lead_status' | 'lh_validation_history', n: number): Promise<number[]> {
  if (n <= 0) return [];
  const rows = await db.query<{ id: number }>(
    `select nextval(pg_get_serial_sequence($1, 'id'))::int8 as id from generate_series(1, $2::int) g order by g`,
    [`public.${table}`, n]);
  return rows.map((r) => Number(r.id));
}

/** Insert the day's new leads, status 'new' (their later events are applied on the days they happen). */
export async function insertLeads(db: Queryable, leads: readonly NewLead[]): Promise<void> {
  if (leads.length === 0) return;
  const data = leads.map((l) => ({ id: l.id, source: l.source, assigned_to: l.agentId, created_at: iso(l.createdAt) }));
  await db.query(
    `insert into public.lh_lead_status (id, source, assigned_to, status, created_at, updated_at)
     select r.id, r.source, r.assigned_to, 'new', r.created_at, r.created_at
     from jsonb_to_recordset($1::text::jsonb) as r(id bigint, source text, assigned_to text, created_at timestamptz)`,
    [JSON.stringify(data)]);
}

/** One of a lead's experiments as the assignment SQL decided it, with the skill the test is about. */
export interface LeadAssignmentRow {
  readonly leadId: number;
  readonly testId: number;
  readonly group: 'control' | 'treatment';
  readonly skillType: SkillType | null;
}

/**
 * Assign the new leads with the real assignment function, each at its own creation instant (what the
 * ingestion service does right after an insert), and return every (lead, test) they joined: one per test
 * when tests overlap (lh_assign_ab_test's `assignments`).
 */
export async function assignLeads(db: Queryable, leads: readonly NewLead[]): Promise<LeadAssignmentRow[]> {
  if (leads.length === 0) return [];
  const data = leads.map((l) => ({ id: l.id, created_at: iso(l.createdAt) }));
  const rows = await db.query<{ lead_id: number; test_id: number; grp: string; skill_type: string | null }>(
    `with a as (
       select public.lh_assign_ab_test(r.id, r.created_at) as res
       from jsonb_to_recordset($1::text::jsonb) as r(id bigint, created_at timestamptz)
     )
     select (a.res->>'lead_id')::int8 as lead_id, (x->>'test_id')::int8 as test_id, x->>'ab_group' as grp, s.skill_type
     from a
     cross join jsonb_array_elements(a.res->'assignments') as x
     join public.lh_ab_tests t on t.id = (x->>'test_id')::int8
     left join public.lh_spawned_skills s on s.id = t.skill_id
     where a.res->>'status' = 'assigned'`,
    [JSON.stringify(data)]);
  return rows.map((r) => ({ leadId: Number(r.lead_id), testId: Number(r.test_id),
    group: r.grp === 'treatment' ? 'treatment' : 'control', skillType: (r.skill_type as SkillType | null) }));
}

/** How many tests are running now (assignment is skipped, and costs nothing, when none is). */
export async function runningTestCount(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from public.lh_ab_tests where status = 'running'`);
  return row?.n ?? 0;
}

/** Skill types rolled out (status active): their effect applies to every new lead. */
export async function activeSkillTypes(db: Queryable): Promise<Set<SkillType>> {
  const rows = await db.query<{ skill_type: string }>(
    `select distinct skill_type from public.lh_spawned_skills where status = 'active'`);
  return new Set(rows.map((r) => r.skill_type as SkillType));
}

export async function insertValidations(db: Queryable, rows: readonly ValidationRow[]): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((v) => ({ id: v.id, lead_id: v.leadId, pattern_name: v.pattern, predicted: v.predicted,
    confidence: v.confidence, validated_at: iso(v.validatedAt) }));
  await db.query(
    `insert into public.lh_validation_history (id, lead_id, pattern_name, predicted, confidence, validated_at)
     select r.id, r.lead_id, r.pattern_name, r.predicted, r.confidence, r.validated_at
     from jsonb_to_recordset($1::text::jsonb)
       as r(id bigint, lead_id bigint, pattern_name text, predicted boolean, confidence numeric, validated_at timestamptz)`,
    [JSON.stringify(data)]);
}

export async function insertFeedback(db: Queryable, rows: readonly FeedbackRow[]): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((f) => ({ lead_id: f.leadId, validation_id: f.validationId, agent_id: f.agentId,
    pattern_name: f.pattern, actual: f.actual, lead_quality: f.leadQuality, reason: f.reason, created_at: iso(f.createdAt) }));
  await db.query(
    `insert into public.lh_feedback_log (lead_id, validation_id, agent_id, pattern_name, actual, lead_quality, reason, created_at)
     select r.lead_id, r.validation_id, r.agent_id, r.pattern_name, r.actual, r.lead_quality, r.reason, r.created_at
     from jsonb_to_recordset($1::text::jsonb) as r(lead_id bigint, validation_id bigint, agent_id text,
       pattern_name text, actual boolean, lead_quality smallint, reason text, created_at timestamptz)`,
    [JSON.stringify(data)]);
}

/**
 * Apply one day's status changes in one UPDATE: per lead the last status of the day, and the timestamp
 * of each funnel event that happened (contacted_at, qualified_at, closed_at).
 */
export async function applyEvents(db: Queryable, events: readonly LeadEvent[]): Promise<void> {
  if (events.length === 0) return;
  const byLead = new Map<number, { status: LeadStatus; at: number; contacted?: number; qualified?: number; closed?: number }>();
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const cur = byLead.get(e.leadId) ?? { status: e.status, at: e.at };
    cur.status = e.status;
    cur.at = e.at;
    if (e.status === 'contacted') cur.contacted = e.at;
    if (e.status === 'qualified') cur.qualified = e.at;
    if (e.status === 'closed') cur.closed = e.at;
    byLead.set(e.leadId, cur);
  }
  const data = [...byLead].map(([id, c]) => ({ id, status: c.status, updated_at: iso(c.at),
    contacted_at: c.contacted === undefined ? null : iso(c.contacted),
    qualified_at: c.qualified === undefined ? null : iso(c.qualified),
    closed_at: c.closed === undefined ? null : iso(c.closed) }));
  await db.query(
    `update public.lh_lead_status l set
       status = e.status, updated_at = e.updated_at,
       contacted_at = coalesce(e.contacted_at, l.contacted_at),
       qualified_at = coalesce(e.qualified_at, l.qualified_at),
       closed_at = coalesce(e.closed_at, l.closed_at)
     from jsonb_to_recordset($1::text::jsonb) as e(id bigint, status text, updated_at timestamptz,
       contacted_at timestamptz, qualified_at timestamptz, closed_at timestamptz)
     where l.id = e.id`,
    [JSON.stringify(data)]);
}
