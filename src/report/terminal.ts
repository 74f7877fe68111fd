/**
 * The report as compact terminal text: sparklines of the funnel trend, then bottlenecks, skills and tests
 * as tables. Colour (ANSI) only when asked — the CLI asks only when stdout is a TTY.
 */
import { testLine } from './format.ts';
import {
  DASH, evidenceSummary, fmtCi, fmtGroupValue, fmtHours, fmtInstant, fmtNum, fmtP, fmtPct, fmtRate, fmtSpawnOutcome,
} from './format.ts';
import type { ActionCounts, Report, TestView, TrendPoint } from './types.ts';

export interface TerminalOptions {
  readonly color: boolean;
  /** Widest sparkline; longer windows are averaged into this many buckets. */
  readonly maxSparkWidth?: number;
}

type Style = 'bold' | 'dim' | 'green' | 'red' | 'yellow';
const ANSI: Record<Style, string> = { bold: '1', dim: '2', green: '32', red: '31', yellow: '33' };
const BARS = '▁▂▃▄▅▆▇█';

/** Renders the whole report as text lines joined by '\n' (no trailing newline). */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  const paint = (s: Style, text: string) => (options.color ? `\x1b[${ANSI[s]}m${text}\x1b[0m` : text);
  const w = report.window;
  const out: string[] = [
    paint('bold', `Lead Hunter Brain report: ${w.from} to ${w.to} (${w.days} days, ${report.timeZone})`),
    paint('dim', `generated ${report.generatedAt}`),
    '',
    ...trendSection(report.trend, options.maxSparkWidth ?? 60, paint),
    '',
    paint('bold', report.bottlenecksDate ? `Current bottlenecks (detected on ${report.bottlenecksDate})` : 'Current bottlenecks'),
    ...currentBottleneckLines(report, paint),
    '',
    paint('bold', 'Skills under test'),
    ...underTestLines(report),
    '',
    paint('bold', 'Skills') + (report.truncated.skills ? paint('dim', ' (most recent only)') : ''),
    ...skillTable(report, paint),
    '',
    paint('bold', 'Experiments') + (report.truncated.tests ? paint('dim', ' (most recent only)') : ''),
    ...testTable(report.tests, paint),
  ];
  return out.join('\n');
}

/** A sparkline of `values` scaled to its own min..max; a missing value is a space. */
export function sparkline(values: readonly (number | null)[]): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return ' '.repeat(values.length);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  return values.map((v) => {
    if (v === null) return ' ';
    if (hi === lo) return hi === 0 ? BARS[0] : BARS[3];
    return BARS[Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))];
  }).join('');
}

/** Averages a series into at most `width` buckets (nulls ignored; an all-null bucket stays null). */
export function bucket(values: readonly (number | null)[], width: number): (number | null)[] {
  if (values.length <= width) return [...values];
  const out: (number | null)[] = [];
  for (let b = 0; b < width; b++) {
    const slice = values.slice(Math.floor((b * values.length) / width), Math.floor(((b + 1) * values.length) / width));
    const xs = slice.filter((v): v is number => v !== null);
    out.push(xs.length === 0 ? null : xs.reduce((a, x) => a + x, 0) / xs.length);
  }
  return out;
}

type Paint = (s: Style, text: string) => string;

const SERIES: ReadonlyArray<{ label: string; get: (p: TrendPoint) => number | null; fmt: (v: number | null) => string }> = [
  { label: 'new leads', get: (p) => p.newLeads, fmt: (v) => fmtNum(v) },
  { label: 'contacted', get: (p) => p.contacted, fmt: (v) => fmtNum(v) },
  { label: 'qualified', get: (p) => p.qualified, fmt: (v) => fmtNum(v) },
  { label: 'closed', get: (p) => p.closed, fmt: (v) => fmtNum(v) },
  { label: 'response time', get: (p) => p.avgResponseTimeHours, fmt: fmtHours },
  { label: 'qualification rate', get: (p) => p.qualificationRate, fmt: (v) => fmtRate(v) },
  { label: 'F1 (validation)', get: (p) => p.f1Score, fmt: (v) => (v === null ? DASH : v.toFixed(3)) },
];

function trendSection(trend: readonly TrendPoint[], maxWidth: number, paint: Paint): string[] {
  const days = trend.filter((p) => p.hasData).length;
  if (days === 0) return [paint('bold', 'Trend'), '  no daily metrics in this window yet (run `lh-brain daily`)'];
  const rows = SERIES.map((s) => {
    const values = trend.map(s.get);
    const present = values.filter((v): v is number => v !== null);
    const latest = [...values].reverse().find((v) => v !== null) ?? null;
    return [s.label, sparkline(bucket(values, maxWidth)),
      s.fmt(present.length ? Math.min(...present) : null), s.fmt(present.length ? Math.max(...present) : null), s.fmt(latest)];
  });
  return [paint('bold', `Trend (${days} of ${trend.length} days computed; blank = no data)`),
    ...table(['', `${trend[0]?.date ?? ''} → ${trend[trend.length - 1]?.date ?? ''}`, 'min', 'max', 'latest'], rows, paint)];
}

const SEVERITY_STYLE = { high: 'red', medium: 'yellow', low: 'dim' } as const satisfies Record<string, Style>;

function currentBottleneckLines(report: Report, paint: Paint): string[] {
  if (report.bottlenecksDate === null) return ['  none: no metric day computed yet (run `lh-brain daily`)'];
  if (report.bottlenecks.length === 0) return [`  none detected on ${report.bottlenecksDate}`];
  const lines = report.bottlenecks.flatMap((b) => {
    const head = `  ${paint(SEVERITY_STYLE[b.severity], b.severity.padEnd(6))} ${b.type}${b.segment ? ` (${b.segment})` : ''}: ` +
      `${b.metric} ${fmtGroupValue(b.metric, b.currentValue)}, target ${fmtGroupValue(b.metric, b.targetValue)}; ` +
      `${fmtSpawnOutcome(b.spawnOutcome, b.skillId)}`;
    const why = evidenceSummary(b.evidence);
    return why ? [head, `      ${why}`] : [head];
  });
  return report.truncated.bottlenecks ? [...lines, paint('dim', '  (more not shown)')] : lines;
}

function underTestLines(report: Report): string[] {
  if (report.skillsUnderTest.length === 0) return ['  none: no skill is under test'];
  return report.skillsUnderTest.flatMap((b) => {
    const head = `  #${b.skillId} ${b.skillType} on ${b.metric ?? DASH}${b.segment ? ` (${b.segment})` : ''}: ` +
      `baseline ${fmtNum(b.baselineValue, 3)}, target ${fmtNum(b.targetValue, 3)}, detected ${b.detectedFor ?? fmtInstant(b.spawnedAt)}`;
    const why = evidenceSummary(b.evidence) || b.problem || '';
    return why ? [head, `      ${why}`] : [head];
  });
}

const STATUS_STYLE: Record<string, Style> = { active: 'green', killed: 'red', testing: 'yellow', KEEP: 'green', KILL: 'red', CONTINUE: 'yellow' };

function skillTable(report: Report, paint: Paint): string[] {
  if (report.skills.length === 0) return ['  no skills spawned yet'];
  const rows = report.skills.map((s) => [`#${s.id}`, s.skillType, s.status, s.metric ?? DASH, s.segment ?? DASH,
    fmtNum(s.baselineValue, 3), fmtNum(s.targetValue, 3), fmtPct(s.actualLiftPct), s.decisionMadeAt ? fmtInstant(s.decisionMadeAt) : DASH,
    actionsCell(s.actions)]);
  return table(['id', 'type', 'status', 'metric', 'segment', 'baseline', 'target', 'lift', 'decided', 'actions'], rows, paint, 2);
}

/** "12/40 done, 3 expired": done of produced, and how many expired undone; "—" for a skill that produced none. */
export function actionsCell(a: ActionCounts): string {
  return a.produced === 0 ? DASH : `${a.done}/${a.produced} done${a.expired > 0 ? `, ${a.expired} expired` : ''}`;
}

function testTable(tests: readonly TestView[], paint: Paint): string[] {
  if (tests.length === 0) return ['  no experiments yet'];
  const rows = tests.map((t) => [`#${t.id}`, t.name, t.metric + (t.segment ? `:${t.segment}` : ''), t.status,
    `${fmtNum(t.controlSampleSize)}/${fmtNum(t.treatmentSampleSize)}`, fmtGroupValue(t.metric, t.controlValue),
    fmtGroupValue(t.metric, t.treatmentValue), fmtPct(t.liftPct), fmtCi(t.liftCi), fmtP(t.pValue), t.recommendation ?? DASH]);
  const lines = table(['id', 'name', 'metric', 'status', 'n c/t', 'control', 'treatment', 'lift', 'CI', 'p', 'rec'], rows, paint, 10);
  for (const t of tests) {
    const said = testLine(t);
    if (said !== null) lines.push(paint(t.killReason === 'harmful' ? 'red' : 'dim', `  #${t.id} ${said}`));
    if (t.srm?.status === 'mismatch') {
      lines.push(paint('red', `  #${t.id} sample-ratio mismatch (p ${fmtP(t.srm.pValue)}): no decision until the split is fixed`));
    }
    if (t.bySource.length === 0) continue;
    lines.push(paint('dim', `  #${t.id} by source:`));
    for (const s of t.bySource) {
      lines.push(`    ${s.source}: n ${fmtNum(s.controlSampleSize)}/${fmtNum(s.treatmentSampleSize)}, ` +
        `${fmtGroupValue(t.metric, s.controlRate)} → ${fmtGroupValue(t.metric, s.treatmentRate)}, lift ${fmtPct(s.liftPct)}, ` +
        `p ${fmtP(s.pValue)}${s.adjustedPValue !== null ? ` (adjusted ${fmtP(s.adjustedPValue)})` : ''}` +
        `${s.significant ? ' significant' : ''}${s.note ? `; ${s.note}` : ''}`);
    }
  }
  return lines;
}

/** Left-aligned columns (numbers too: short tables read fine); `styleCol` colours that column by value. */
function table(header: readonly string[], rows: readonly string[][], paint: Paint, styleCol?: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], isHeader: boolean) => '  ' + cells.map((c, i) => {
    const padded = c.padEnd(widths[i] ?? 0);
    if (isHeader) return paint('dim', padded);
    const style = i === styleCol ? STATUS_STYLE[c] : undefined;
    return style ? paint(style, padded) : padded;
  }).join('  ').trimEnd();
  return [line(header, true), ...rows.map((r) => line(r, false))];
}
