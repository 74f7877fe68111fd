/**
 * The synthetic pipeline: writes one simulated day into the real tables, as the neighbouring services
 * would have written it by the end of that day. New leads are inserted, assigned by the real assignment
 * SQL, and their whole life is drawn at once (so a treated lead's outcome carries its skill's true
 * effect), but each later event (contact, qualification, close, loss, an agent's label) is written on
 * the day it happens. So at any simulated instant the database holds no future: status-based queries
 * (source conversion, the analysis of a test) see only what had happened by then.
 */
import type { Database } from '../db/port.ts';
import type { SkillType } from '../detect/types.ts';
import { drawLife, drawValidations, type FeedbackRow, type LeadEvent, type NewLead, type ValidationRow } from './life.ts';
import { LEAD_SOURCES, PATTERNS, WEEKDAY_VOLUME, type PipelineConfig, type WorldState } from './params.ts';
import type { Rng } from './rng.ts';
import type { SkillTruth } from './scenarios.ts';
import {
  activeSkillTypes, allocateIds, applyEvents, assignLeads, insertFeedback, insertLeads, insertValidations,
  runningTestCount, type LeadAssignmentRow,
} from './sql.ts';

export const DAY_MS = 86_400_000;
const AGENTS = ['agent-1', 'agent-2', 'agent-3', 'agent-4', 'agent-5', 'agent-6'] as const;

/** What one simulated day wrote (the CLI's timeline and the tests read it). */
export interface DayWrite {
  readonly newLeads: number;
  /** Assignments written today, per group: one per lead and test (a lead in two overlapping tests counts twice). */
  readonly control: number;
  readonly treatment: number;
  readonly events: number;
  readonly validations: number;
  readonly feedback: number;
}

/** The truth a day is generated from: the day's untreated world and what every skill really does. */
export interface DayTruth {
  readonly world: WorldState;
  readonly skills: Readonly<Record<SkillType, SkillTruth>>;
}

/** Day-by-day writer. Holds only the events still in the future (bounded by leads in flight). */
export class SyntheticPipeline {
  private readonly pendingEvents = new Map<number, LeadEvent[]>();
  private readonly pendingFeedback = new Map<number, FeedbackRow[]>();

  constructor(
    private readonly rng: Rng,
    private readonly config: PipelineConfig,
    /** Midnight UTC of simulated day 0, in ms. */
    private readonly startMs: number,
  ) {}

  /** Midnight UTC of a simulated day. */
  dayStart(day: number): number {
    return this.startMs + day * DAY_MS;
  }

  /** Generate and write day `day` in one transaction. */
  async writeDay(db: Database, day: number, truth: DayTruth): Promise<DayWrite> {
    return db.transaction(async (tx) => {
      const active = await activeSkillTypes(tx);
      const everyone = applySkills(truth.world, active, truth.skills);
      const leads = this.drawLeads(day, await allocateIds(tx, 'lh_lead_status', this.leadCount(day)), truth.world);
      await insertLeads(tx, leads);
      const assigned = (await runningTestCount(tx)) > 0 ? await assignLeads(tx, leads) : [];
      const byLead = new Map<number, LeadAssignmentRow[]>();
      for (const a of assigned) byLead.set(a.leadId, [...(byLead.get(a.leadId) ?? []), a]);
      const validationIds = await allocateIds(tx, 'lh_validation_history', leads.length * PATTERNS.length);
      const validations: ValidationRow[] = [];
      for (const [i, lead] of leads.entries()) {
        // a lead in several tests (overlapping) gets the skill of every test whose treatment group it is in
        const world = (byLead.get(lead.id) ?? []).reduce((w, a) => a.group === 'treatment' && a.skillType !== null
          && !active.has(a.skillType) ? truth.skills[a.skillType].apply(w) : w, everyone);
        const life = drawLife(this.rng, lead, world, this.config);
        const v = drawValidations(this.rng, lead, world, this.config,
          validationIds.slice(i * PATTERNS.length, (i + 1) * PATTERNS.length));
        validations.push(...v.validations);
        for (const e of life.events) this.push(this.pendingEvents, e.at, e);
        for (const f of [...life.feedback, ...v.feedback]) this.push(this.pendingFeedback, f.createdAt, f);
      }
      await insertValidations(tx, validations);
      const events = this.take(this.pendingEvents, day);
      const feedback = this.take(this.pendingFeedback, day);
      await applyEvents(tx, events);
      await insertFeedback(tx, feedback);
      // per (lead, test): a lead in two tests counts in each
      const treatment = assigned.filter((a) => a.group === 'treatment').length;
      return { newLeads: leads.length, control: assigned.length - treatment, treatment,
        events: events.length, validations: validations.length, feedback: feedback.length };
    });
  }

  private leadCount(day: number): number {
    const weekday = new Date(this.dayStart(day)).getUTCDay();
    return this.rng.poisson(this.config.leadsPerDay * (WEEKDAY_VOLUME[weekday] ?? 1));
  }

  /** Creation times sorted, so lead ids grow with creation time as they do in production. */
  private drawLeads(day: number, ids: readonly number[], world: WorldState): NewLead[] {
    const { arrivalStartHour: a, arrivalEndHour: b } = this.config;
    const shares = LEAD_SOURCES.map((s) => world.sources[s].share);
    const times = ids.map(() => Math.floor(this.dayStart(day) + this.rng.uniform(a, b) * 3_600_000)).sort((x, y) => x - y);
    return ids.map((id, i) => ({
      id,
      source: LEAD_SOURCES[this.rng.weightedIndex(shares)] ?? 'zillow',
      createdAt: times[i] ?? this.dayStart(day),
      agentId: AGENTS[Math.floor(this.rng.next() * AGENTS.length)] ?? 'agent-1',
    }));
  }

  private push<T>(map: Map<number, T[]>, at: number, item: T): void {
    const day = Math.floor((at - this.startMs) / DAY_MS);
    const list = map.get(day);
    if (list) list.push(item);
    else map.set(day, [item]);
  }

  private take<T>(map: Map<number, T[]>, day: number): T[] {
    const list = map.get(day) ?? [];
    map.delete(day);
    return list;
  }
}

/** The world with every rolled-out (active) skill's true effect applied. */
export function applySkills(world: WorldState, active: ReadonlySet<SkillType>, skills: Readonly<Record<SkillType, SkillTruth>>): WorldState {
  let w = world;
  for (const s of active) w = skills[s].apply(w);
  return w;
}
