// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The action queue of the skills (migration 20261206000100, issue 13): what the engine asks the other services
 * to do for one lead, claimed by any number of consumers and completed with a result. The rules live in SQL
 * (who gets what, exactly-once claims, the visibility timeout); this module is the typed door to them, shared
 * by the CLI, the worker and the tests. What one part stores and another reads shares this one type.
 */
import { sqlState, type Queryable } from '../port.ts';

export const ACTION_KINDS = ['auto_reply', 'call_now', 'prioritise', 'follow_up', 'revalidate', 'nurture'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = ['pending', 'claimed', 'done', 'expired', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** One row of lh_skill_actions. */
export interface SkillAction {
  readonly id: number;
  readonly skillId: number;
  /** null for a rollout (the skill was kept). */
  readonly testId: number | null;
  readonly leadId: number;
  readonly action: ActionKind;
  readonly step: string;
  readonly dueAt: string;
  readonly payload: Record<string, unknown>;
  readonly status: ActionStatus;
  readonly claimedBy: string | null;
  readonly claimedAt: string | null;
  readonly doneAt: string | null;
  readonly result: Record<string, unknown> | null;
}

interface Row {
  id: number | string; skill_id: number | string; test_id: number | string | null; lead_id: number | string;
  action: ActionKind; step: string; due_at: Date | string; payload: Record<string, unknown>; status: ActionStatus;
  claimed_by: string | null; claimed_at: Date | string | null; done_at: Date | string | null; result: Record<string, unknown> | null;
  [k: string]: unknown;
}

const iso = (t: Date | string | null): string | null => (t === null ? null : new Date(t).toISOString());

function toAction(r: Row): SkillAction {
  return {
    id: Number(r.id), skillId: Number(r.skill_id), testId: r.test_id === null ? null : Number(r.test_id), leadId: Number(r.lead_id),
    action: r.action, step: r.step, dueAt: iso(r.due_at)!, payload: r.payload, status: r.status, claimedBy: r.claimed_by,
    claimedAt: iso(r.claimed_at), doneAt: iso(r.done_at), result: r.result,
  };
}

export interface ClaimOptions {
  readonly worker: string;
  readonly maxActions: number;
  /** Only these kinds; all when absent. */
  readonly actions?: readonly ActionKind[];
  readonly now: Date;
  /** A claim not completed within this many seconds returns to pending (default 300). */
  readonly visibilitySeconds?: number;
}

/**
 * What the SQL functions refuse, as a value the callers map (CLI exit 2, HTTP 400/404/409): `invalid` a bad
 * argument (22023), `not-found` no such action or lead (P0002), `not-claimed` completing an action that is
 * pending again, cancelled or expired (55000). The message is the function's own, which says what to do.
 */
export class SkillActionRefusedError extends Error {
  override readonly name = 'SkillActionRefusedError';
  constructor(readonly reason: 'invalid' | 'not-found' | 'not-claimed', message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

const REFUSALS: Readonly<Record<string, SkillActionRefusedError['reason']>> = { '22023': 'invalid', P0002: 'not-found', '55000': 'not-claimed' };

async function refusing<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const reason = REFUSALS[sqlState(err) ?? ''];
    if (reason === undefined) throw err;
    throw new SkillActionRefusedError(reason, ((err as Error).message ?? String(err)).split('\n')[0]!, { cause: err });
  }
}

/** Claims due pending actions for `worker` (exactly once across concurrent consumers). */
export async function claimSkillActions(db: Queryable, o: ClaimOptions): Promise<SkillAction[]> {
  const rows = await refusing(() => db.query<Row>(
    `select * from public.lh_claim_skill_actions($1, $2, $3::text[], $4::timestamptz, make_interval(secs => $5::float8)) order by due_at, id`,
    [o.worker, o.maxActions, o.actions ? [...o.actions] : null, o.now.toISOString(), o.visibilitySeconds ?? 300]));
  return rows.map(toAction);
}

/** Marks a claimed action done (again with an action already done: returns it unchanged). */
export async function completeSkillAction(db: Queryable, id: number, result: Record<string, unknown>, now: Date): Promise<SkillAction> {
  const [row] = await refusing(() => db.query<Row>('select * from public.lh_complete_skill_action($1, $2::text::jsonb, $3::timestamptz)',
    [id, JSON.stringify(result), now.toISOString()]));
  return toAction(row!);
}

/** What one tick did. */
export interface GenerationResult {
  readonly assigned: number;
  readonly created: Readonly<Record<string, number>>;
  readonly cancelled: number;
  /** Pending actions nobody claimed within a day of their due time. */
  readonly expired: number;
}

/** The set-based tick: assigns pending leads, writes the actions due to every applicable skill, cancels and expires stale ones. */
export async function generateSkillActions(db: Queryable, now: Date): Promise<GenerationResult> {
  const [row] = await db.query<{ r: GenerationResult }>('select public.lh_generate_skill_actions($1::timestamptz) as r', [now.toISOString()]);
  return row!.r;
}

export interface ListFilter {
  readonly status?: ActionStatus;
  readonly skillId?: number;
  readonly leadId?: number;
  readonly limit: number;
}

/** The most recent actions matching the filter (newest due first). */
export async function listSkillActions(db: Queryable, f: ListFilter): Promise<SkillAction[]> {
  const rows = await db.query<Row>(
    `select * from public.lh_skill_actions
      where ($1::text is null or status = $1) and ($2::bigint is null or skill_id = $2) and ($3::bigint is null or lead_id = $3)
      order by due_at desc, id desc limit $4`,
    [f.status ?? null, f.skillId ?? null, f.leadId ?? null, f.limit]);
  return rows.map(toAction);
}

/** One skill's part of a lead's playbook: what it says for this lead, through its test or its rollout. */
export interface PlaybookSkill {
  readonly skillId: number;
  readonly skillType: string;
  readonly skillName: string;
  readonly segment: string | null;
  readonly via: 'test' | 'rollout';
  /** null for a rollout. */
  readonly testId: number | null;
  readonly actions: ReadonlyArray<{
    readonly id: number; readonly action: ActionKind; readonly step: string; readonly dueAt: string; readonly status: ActionStatus;
    /** pending and due now: a consumer may carry it out after claiming it. */
    readonly due: boolean;
    readonly payload: Record<string, unknown>; readonly result: Record<string, unknown> | null;
  }>;
}

/** lh_lead_playbook: the skills that apply to one lead now, and the running tests holding it in control. */
export interface LeadPlaybook {
  readonly leadId: number;
  readonly asOf: string;
  readonly skills: readonly PlaybookSkill[];
  readonly control: ReadonlyArray<{ readonly testId: number; readonly skillId: number; readonly skillType: string; readonly skillName: string }>;
}

/** Every skill that applies to the lead now (a SkillActionRefusedError `not-found` for an unknown lead). */
export async function leadPlaybook(db: Queryable, leadId: number, now: Date): Promise<LeadPlaybook> {
  const [row] = await refusing(() => db.query<{ p: LeadPlaybook }>('select public.lh_lead_playbook($1, $2::timestamptz) as p', [leadId, now.toISOString()]));
  const p = row!.p;
  // jsonb renders timestamps in the session's zone: the same instants, as ISO UTC like the rest of the API
  return {
    ...p, asOf: iso(p.asOf)!,
    skills: p.skills.map((s) => ({ ...s, actions: s.actions.map((a) => ({ ...a, dueAt: iso(a.dueAt)! })) })),
  };
}

/** What lh_fit_pattern_thresholds did for pattern-optimizer on one day (nothing when none is testing or active). */
export interface PatternThresholdFit {
  readonly fitted: number;
  readonly used: number;
  readonly patterns: ReadonlyArray<{ readonly skillId: number; readonly pattern: string; readonly threshold: number | null; readonly used: boolean; readonly reason: string }>;
}

/** Fits pattern-optimizer's per-pattern thresholds on the 28 days ending `day` (idempotent per skill, day, pattern). */
export async function fitPatternThresholds(db: Queryable, day: string, timeZone: string): Promise<PatternThresholdFit> {
  const [row] = await db.query<{ r: PatternThresholdFit }>('select public.lh_fit_pattern_thresholds($1::date, $2) as r', [day, timeZone]);
  const r = row!.r;
  return { ...r, patterns: r.patterns.map((p) => ({ ...p, skillId: Number(p.skillId), threshold: p.threshold === null ? null : Number(p.threshold) })) };
}
