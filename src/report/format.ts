/** Number and label formatting shared by the terminal and HTML renderers ('–' for a missing figure). */
import { isTrackedMetric, METRIC_KIND } from '../metrics.ts';
import type { InteractionView, TestView } from './types.ts';

export const DASH = '–';

/** A count or plain number, or a dash. */
export function fmtNum(v: number | null, digits = 0): string {
  return v === null ? DASH : v.toFixed(digits);
}

/** A share (0.42) as a percentage ('42.0%'). */
export function fmtRate(v: number | null, digits = 1): string {
  return v === null ? DASH : `${(v * 100).toFixed(digits)}%`;
}

/** A lift already in percent, signed ('+12.3%'). */
export function fmtPct(v: number | null, digits = 1): string {
  return v === null ? DASH : `${v > 0 ? '+' : ''}${v.toFixed(digits)}%`;
}

/** A p-value: 4 decimals, or '<0.0001'. */
export function fmtP(v: number | null): string {
  if (v === null) return DASH;
  return v < 0.0001 ? '<0.0001' : v.toFixed(4);
}

export function fmtHours(v: number | null): string {
  return v === null ? DASH : `${v.toFixed(1)} h`;
}

/** A test's group value: a share for rates and accuracy, a duration in its own unit otherwise. */
export function fmtGroupValue(metric: string, v: number | null): string {
  if (v === null) return DASH;
  if (isTrackedMetric(metric) && METRIC_KIND[metric] === 'duration') {
    return metric === 'avg_days_to_qualify' ? `${v.toFixed(2)} d` : `${v.toFixed(2)} h`;
  }
  return fmtRate(v);
}

/** A lift interval as '[−4.3%, +26.4%] 95%'. */
export function fmtCi(ci: { lower: number; upper: number; level: number } | null): string {
  if (!ci) return DASH;
  return `[${fmtPct(ci.lower)}, ${fmtPct(ci.upper)}] ${Math.round(ci.level * 100)}%`;
}

/** An instant as 'YYYY-MM-DD HH:MM' UTC (the report is plain data; times are UTC ISO). */
export function fmtInstant(iso: string | null): string {
  return iso === null ? DASH : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** One line summarising stored evidence jsonb: its `summary` sentences when it has them, else compact JSON. */
export function evidenceSummary(evidence: unknown, max = 160): string {
  const sentences: string[] = [];
  const visit = (e: unknown): void => {
    if (Array.isArray(e)) e.forEach(visit);
    else if (typeof e === 'object' && e !== null) {
      const s = (e as Record<string, unknown>)['summary'];
      if (typeof s === 'string') sentences.push(s);
      else {
        const inner = (e as Record<string, unknown>)['evidence'];
        if (inner !== undefined) visit(inner);
      }
    }
  };
  visit(evidence);
  const text = sentences.length > 0 ? sentences.join(' ') : evidence === null ? '' : JSON.stringify(evidence);
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** What spawning decided for a detected bottleneck, as a short phrase. */
export function fmtSpawnOutcome(outcome: string | null, skillId: number | null): string {
  const skill = skillId === null ? '' : ` (skill #${skillId})`;
  if (outcome === null) return 'no spawning decision (backfilled day)';
  if (outcome === 'spawned') return `spawned${skill}`;
  return `not spawned: ${outcome}${skill}`;
}

/** One line per test of what a non-statistician needs beside the numbers: why it was KILLed, where a design stands, the chance to beat control. */
export function testLine(t: TestView): string | null {
  const parts: string[] = [];
  if (t.killReason !== null) parts.push(`KILL ${t.killReason}${t.killReason === 'inconclusive' ? ' (we do not know yet: it may be retried sooner)' : ''}`);
  if (t.design !== null) {
    parts.push(`designed for +${t.design.liftPct.toFixed(1)}%, at most ${t.design.maxPerGroup} per group` +
      (t.look ? `, look ${t.look.lookNumber} at ${Math.round(t.look.informationFraction * 100)}% of it` : ''));
    if (t.design.note) parts.push(t.design.note);
    if (t.design.alphaReason) parts.push(t.design.alphaReason);
  }
  if (t.chanceToBeatControl !== null) parts.push(`chance to beat control ${(t.chanceToBeatControl * 100).toFixed(0)}%`);
  for (const i of t.interactions) parts.push(interactionPhrase(i));
  return parts.length === 0 ? null : parts.join('; ');
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

/** One overlapping test, in words: does this test's effect depend on the other test's group? */
export function interactionPhrase(i: InteractionView): string {
  const other = `test #${i.otherTestId} (${i.otherMetric})`;
  if (i.verdict === 'insufficient-data') {
    const least = Math.min(i.cellN.cc, i.cellN.ct, i.cellN.tc, i.cellN.tt);
    return `overlap with ${other}: too few shared leads to check for an interaction yet (smallest cell ${least})`;
  }
  const effects = i.effectInOtherControl !== null && i.effectInOtherTreatment !== null
    ? `effect ${signed(i.effectInOtherControl)} beside its control, ${signed(i.effectInOtherTreatment)} beside its treatment` : '';
  const ci = i.ci ? `, 95% interval of the difference [${signed(i.ci.lower)}, ${signed(i.ci.upper)}]` : '';
  return i.verdict === 'interaction'
    ? `INTERACTION with ${other}: ${effects} (p ${i.pValue?.toPrecision(2)} < ${i.alpha?.toPrecision(2)}): look at both skills before keeping either`
    : `no interaction with ${other} (${effects}${ci})`;
}

