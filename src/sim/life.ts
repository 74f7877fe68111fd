/**
 * One lead's whole life, drawn at its creation from the truth that applies to it (its group's world):
 * first contact, qualification, close or loss, its validations and the agents' feedback. Pure: the rng
 * and the world come in, timestamped rows come out; the pipeline writes each row on the day it happens.
 */
import type { Rng } from './rng.ts';
import {
  PATTERNS, WEEKDAY_CONTACT, qualifySpeedFactor, reachProbability,
  type LeadSource, type PatternName, type PipelineConfig, type WorldState,
} from './params.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type LeadStatus = 'new' | 'contacted' | 'qualified' | 'closed' | 'lost';

/** A status change of one lead at one instant (ms since epoch). */
export interface LeadEvent {
  readonly leadId: number;
  readonly at: number;
  readonly status: Exclude<LeadStatus, 'new'>;
}

export interface ValidationRow {
  readonly id: number;
  readonly leadId: number;
  readonly pattern: PatternName;
  readonly predicted: boolean;
  readonly confidence: number;
  readonly validatedAt: number;
}

export interface FeedbackRow {
  readonly leadId: number;
  readonly validationId: number | null;
  readonly agentId: string;
  readonly pattern: PatternName | null;
  readonly actual: boolean | null;
  readonly leadQuality: number | null;
  readonly reason: string | null;
  readonly createdAt: number;
}

export interface NewLead {
  readonly id: number;
  readonly source: LeadSource;
  readonly createdAt: number;
  readonly agentId: string;
}

export interface LeadLife {
  readonly events: readonly LeadEvent[];
  readonly feedback: readonly FeedbackRow[];
}

const LOW_QUALITY_REASONS = ['wrong_contact', 'not_distressed', 'business_not_owner', 'duplicate'] as const;

/** Draw a lead's funnel: contact (speed to lead), qualification, close, or loss, with timestamps. */
export function drawLife(rng: Rng, lead: NewLead, world: WorldState, cfg: PipelineConfig): LeadLife {
  const events: LeadEvent[] = [];
  const feedback: FeedbackRow[] = [];
  const lost = (at: number) => events.push({ leadId: lead.id, at, status: 'lost' });
  if (rng.bernoulli(world.neverRespondShare)) {
    lost(lead.createdAt + cfg.unreachedLostDays * DAY);
    return { events, feedback };
  }
  const hours = rng.lognormal(world.responseMedianHours, world.responseSigma);
  const contactAt = lead.createdAt + hours * HOUR;
  const weekday = WEEKDAY_CONTACT[new Date(contactAt).getUTCDay()] ?? 1;
  if (!rng.bernoulli(reachProbability(hours) * weekday)) {
    lost(lead.createdAt + cfg.unreachedLostDays * DAY);
    return { events, feedback };
  }
  events.push({ leadId: lead.id, at: contactAt, status: 'contacted' });
  const qualifyP = world.sources[lead.source].qualifyGivenContact * qualifySpeedFactor(hours);
  const qualifies = rng.bernoulli(qualifyP);
  const delayDays = rng.lognormal(world.qualifyMedianDays, world.qualifySigma);
  if (qualifies && delayDays <= cfg.qualifyCutoffDays) {
    const qualifiedAt = contactAt + delayDays * DAY;
    events.push({ leadId: lead.id, at: qualifiedAt, status: 'qualified' });
    if (rng.bernoulli(cfg.closeGivenQualified)) {
      events.push({ leadId: lead.id, at: qualifiedAt + rng.lognormal(cfg.closeMedianDays, cfg.closeSigma) * DAY, status: 'closed' });
    }
  } else {
    lost(contactAt + Math.min(delayDays, cfg.qualifyCutoffDays) * DAY);
  }
  if (rng.bernoulli(cfg.qualityFeedbackShare)) {
    const good = qualifies && rng.bernoulli(0.8);
    const quality = good ? 4 + Math.floor(rng.next() * 2) : 1 + Math.floor(rng.next() * 3);
    const reason = quality <= 2 ? LOW_QUALITY_REASONS[rng.weightedIndex([4, 3, 2, 1])] ?? null : null;
    feedback.push({ leadId: lead.id, validationId: null, agentId: lead.agentId, pattern: null, actual: null,
      leadQuality: quality, reason, createdAt: contactAt + rng.uniform(1, 48) * HOUR });
  }
  return { events, feedback };
}

/**
 * Validate a lead on every pattern right after creation, with the world's accuracy (sensitivity =
 * specificity), and draw which validations an agent labels (the truth arrives 2–72 h later).
 * `ids` are the pre-allocated validation ids, one per pattern.
 */
export function drawValidations(
  rng: Rng, lead: NewLead, world: WorldState, cfg: PipelineConfig, ids: readonly number[],
): { validations: ValidationRow[]; feedback: FeedbackRow[] } {
  const validations: ValidationRow[] = [];
  const feedback: FeedbackRow[] = [];
  PATTERNS.forEach((pattern, i) => {
    const id = ids[i];
    if (id === undefined) throw new RangeError(`drawValidations: no validation id for pattern ${pattern}`);
    const truth = rng.bernoulli(cfg.patternPrevalence[pattern]);
    const correct = rng.bernoulli(world.validationAccuracy);
    const validatedAt = lead.createdAt + rng.uniform(1, 10) * 60_000;
    validations.push({ id, leadId: lead.id, pattern, predicted: correct ? truth : !truth,
      confidence: Math.round((correct ? rng.uniform(0.6, 0.99) : rng.uniform(0.5, 0.85)) * 1000) / 1000, validatedAt });
    if (rng.bernoulli(cfg.labelShare)) {
      feedback.push({ leadId: lead.id, validationId: id, agentId: lead.agentId, pattern, actual: truth,
        leadQuality: null, reason: null, createdAt: validatedAt + rng.uniform(2, 72) * HOUR });
    }
  });
  return { validations, feedback };
}
