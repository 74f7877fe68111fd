/**
 * The words of a spawned skill and its test: deterministic names (so a run is reproducible and a human can
 * find the skill of a given day) and a hypothesis a reviewer can check against the test's outcome.
 */
import type { Bottleneck, SkillType } from '../detect/types.ts';

const TREATMENT: Record<SkillType, string> = {
  'instant-responder': 'leads get an immediate automated first response (SMS/email) and are routed to the first free agent',
  'lead-scorer': 'contacted leads are scored and agents work the highest-scoring leads first',
  'pattern-optimizer': 'validation uses re-tuned pattern rules and thresholds learned from recent agent feedback',
  'follow-up-sequencer': 'contacted leads enter a scheduled multi-touch follow-up sequence until they qualify or are lost',
  'source-optimizer': 'leads from the weak source are pre-screened and re-prioritised before an agent works them',
};

/** Longest segment (a lead source, free text written by another service) shown whole in a name. */
export const SEGMENT_DISPLAY_MAX = 60;

/** The segment as names and sentences show it: whole up to SEGMENT_DISPLAY_MAX characters, else cut, with its length. */
export function displaySegment(segment: string): string {
  const chars = [...segment];
  return chars.length <= SEGMENT_DISPLAY_MAX ? segment : `${chars.slice(0, SEGMENT_DISPLAY_MAX - 12).join('')}… (${chars.length} chars)`;
}

/** e.g. `instant-responder for 2026-01-20`, or `source-optimizer (zillow) for 2026-01-20`. */
export function skillName(b: Bottleneck, date: string): string {
  return `${b.suggestedSkill}${b.segment === null ? '' : ` (${displaySegment(b.segment)})`} for ${date}`;
}

export function testName(b: Bottleneck, date: string): string {
  return `${skillName(b, date)}: A/B on ${b.metric}`;
}

/** One line: what went wrong, from the first piece of evidence. */
export function problemDetected(b: Bottleneck): string {
  const first = b.evidence[0];
  return `${b.type}${b.segment === null ? '' : ` (${displaySegment(b.segment)})`}: ${first ? first.summary : `${b.metric} = ${b.currentValue}`}`;
}

export function hypothesis(b: Bottleneck): string {
  return `With ${b.suggestedSkill}, ${b.metric}${b.segment === null ? '' : ` for ${displaySegment(b.segment)}`} moves from ${fmt(b.currentValue)} towards ${fmt(b.targetValue)} compared with the current process.`;
}

export const CONTROL_DESCRIPTION = 'current process, unchanged';

export function treatmentDescription(skill: SkillType): string {
  return `${skill}: ${TREATMENT[skill]}`;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}
