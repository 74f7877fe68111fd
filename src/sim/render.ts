/** Human renderings of a simulation and of a policy backtest (the CLI prints them; --json prints the data). */
import type { BacktestResult } from './backtest.ts';
import type { SimulationResult, TimelineEvent } from './timeline.ts';

const num = (x: number, digits = 2): string => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const lift = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`);
const pval = (p: number | null): string => (p === null ? '—' : p < 0.0001 ? p.toExponential(1) : p.toFixed(4));

/** One line of the timeline, or null for events only --json shows (weekly looks without a decision). */
export function renderEvent(e: TimelineEvent): string | null {
  const head = `day ${String(e.day).padStart(3)}  ${e.date}  `;
  switch (e.kind) {
    case 'episode':
      return `${head}INJECTED  ${e.label} (should surface as ${e.bottleneck})`;
    case 'detected':
      return `${head}DETECTED  ${e.bottleneck}${e.segment ? ` [${e.segment}]` : ''} (${e.severity}): ${e.metric} ` +
        `${num(e.currentValue)} vs target ${num(e.targetValue)}\n${' '.repeat(head.length + 10)}${e.summary}` +
        (e.attribution ? `\n${' '.repeat(head.length + 10)}${e.attribution}` : '');
    case 'spawned':
      return `${head}SPAWNED   skill #${e.skillId} ${e.skillType}${e.segment ? ` [${e.segment}]` : ''} + A/B test #${e.testId} ` +
        `on ${e.metric} (baseline ${num(e.baselineValue)} → target ${num(e.targetValue)}, ` +
        (e.designLiftPct === null ? `${e.policy} rule, ≥ ${e.minSampleSize} per group)`
          : `designed for +${e.designLiftPct.toFixed(1)}%, at most ${e.minSampleSize} per group)`) +
        (e.designNote ? `\n${' '.repeat(head.length + 10)}${e.designNote}` : '');
    case 'skipped':
      return `${head}SKIPPED   ${e.skillType}${e.segment ? ` [${e.segment}]` : ''} for ${e.bottleneck}: ${e.reason}`;
    case 'decided':
      return `${head}DECIDED   test #${e.testId} ${e.skillType ?? '(no skill)'}: ${e.recommendation ?? '?'} ` +
        `(lift ${lift(e.liftPct)}, p = ${pval(e.pValue)}, control ${e.controlN ?? 0} / treatment ${e.treatmentN ?? 0})` +
        (e.reason ? `\n${' '.repeat(head.length + 10)}${e.reason}` : '');
    case 'analyzed':
      return null;
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The truth column's head: the declared effect when there is one, else whether it helps. */
function truthLabel(s: SimulationResult['summary']['skills'][number]): string {
  if (s.trueEffectPct === null) return s.helps ? 'helps' : 'no effect';
  return `${s.trueEffectPct > 0 ? '+' : ''}${s.trueEffectPct}%`;
}

/** The whole simulation: header, timeline, and the summary table of every skill against its truth. */
export function renderSimulation(r: SimulationResult): string {
  const lines = [
    `Simulation "${r.scenario}" (seed ${r.seed}): ${r.days} days from ${r.startDate} to ${r.endDate}, ~${r.leadsPerDay} leads/day` +
      (r.warmupDays > 0 ? `, after ${r.warmupDays} days of healthy history` : ''),
    `  ${r.description}`,
    `  ${r.totals.leads} leads, ${r.totals.validations} validations, ${r.totals.feedback} feedback rows; ` +
      `${r.totals.dailyRuns} daily-job runs, ${r.totals.analysisRuns} weekly analyses`,
    '',
    'Timeline',
    ...r.timeline.map(renderEvent).filter((l): l is string => l !== null),
    '',
    'Skills: the engine\'s decision against the simulated truth',
  ];
  const rows = r.summary.skills.map((s) => [
    `#${s.skillId} ${s.skillType}${s.segment ? ` [${s.segment}]` : ''}`,
    s.spawnedOn, s.metric ?? '—', `${truthLabel(s)}: ${s.trueEffect}`,
    s.decision + (s.killReason ? ` (${s.killReason})` : ''), s.decidedOn ?? '—', lift(s.liftPct), pval(s.pValue), s.verdict.toUpperCase(),
  ]);
  lines.push(rows.length === 0 ? '  (no skill was spawned)'
    : table(['skill', 'spawned', 'metric', 'true effect', 'decision', 'decided', 'lift', 'p', 'verdict'], rows));
  const acceptable = r.summary.acceptable > 0 ? `, ${r.summary.acceptable} acceptable either way` : '';
  lines.push('', `${r.summary.right} right, ${r.summary.wrong} wrong${acceptable}, ${r.summary.undecided} still testing`);
  return lines.join('\n');
}

const weeksText = (w: number | null | undefined) => (w === null || w === undefined ? '—' : `${num(w, 1)} wk`);
const pts = (x: number | undefined) => (x === undefined ? '—' : (x * 100).toFixed(1));

/** The volume line: where the per-group weekly figure comes from. */
function backtestVolume(s: BacktestResult['settings']): string {
  const daily = `${num(s.dailyUnitsPerTest, 1)} a day per test`;
  if (s.leadsPerDay === null) return `volume: ${s.perGroupPerWeek} leads per group per week (${daily})`;
  const k = s.testsAtOnce ?? 1;
  if (s.assignment === 'overlapping') {
    return `volume: ${s.leadsPerDay} leads/day, ${k} test${k === 1 ? '' : 's'} at once (overlapping: each gets every lead) → ` +
      `${s.perGroupPerWeek} per group per week (round(7·${s.leadsPerDay}/2), ${daily})`;
  }
  return `volume: ${s.leadsPerDay} leads/day, ${k} test${k === 1 ? '' : 's'} at once (mutually exclusive) → ` +
    `${s.perGroupPerWeek} per group per week (round(7·${s.leadsPerDay}/(2·${k})), ${daily})`;
}

/** One line per policy: its planned size (planned: the design's maximum) and whether it fits in the max duration. */
function backtestPlanLine(s: BacktestResult['settings'], policy: string): string {
  const p = s.plans[policy];
  const size = s.plannedPerGroup[policy];
  if (!p) return `  ${policy}: ${size ?? '?'} per group`;
  const what = policy === 'planned' ? `design max ${p.perGroup} per group` : `min_sample_size ${p.perGroup} per group`;
  const fits = p.feasible === null ? 'no volume: fit unknown'
    : p.feasible ? `fits within ${s.maxDurationDays} days`
      : `does NOT fit within ${s.maxDurationDays} days` +
        (p.minDetectableLiftPct === null ? ' (no lift is detectable in time)' : ` (smallest lift detectable in time: +${p.minDetectableLiftPct}%)`);
  const mdl = p.feasible && p.minDetectableLiftPct !== null ? `; detects +${p.minDetectableLiftPct}% in time` : '';
  return `  ${policy}: ${what}, reached at week ${p.weeksToSize}: ${fits}${mdl}`;
}

/** The backtest side by side: one column per policy. */
export function renderBacktest(b: BacktestResult): string {
  const s = b.settings;
  const lifts = s.trueLiftsPct.filter((l) => l > 0);
  const hasAa = s.trueLiftsPct.includes(0);
  const cols = b.summary;
  const row = (label: string, f: (c: (typeof cols)[number]) => string) => [label, ...cols.map(f)];
  const rows = [
    ...(hasAa ? [row('false KEEP (A/A: no effect)', (c) => pct(c.falseKeepRate))] : []),
    ...lifts.map((l) => row(`KEEP rate at +${l}% (power)`, (c) => pct(c.power[String(l)] ?? null))),
    ...lifts.flatMap((l) => [
      row(`wrong KILL at +${l}%`, (c) => pct(c.wrongKillRate[String(l)] ?? null)),
      row('  futile / harmful / inconclusive', (c) => {
        const r = c.wrongKillRateByReason[String(l)];
        return r ? `${pts(r.futile)} / ${pts(r.harmful)} / ${pts(r.inconclusive)}` : '—';
      }),
    ]),
    ...s.trueLiftsPct.map((l) => row(`median weeks to decision, ${l === 0 ? 'A/A' : `+${l}%`}`, (c) => weeksText(c.medianWeeksToDecision[String(l)]))),
    ...(hasAa ? [
      row('A/A KILLed by week 6', (c) => pct(c.aaKilledByWeek6)),
      row('A/A KILLed by week 12', (c) => pct(c.aaKilledByWeek12)),
    ] : []),
  ];
  return [
    `Policy backtest: ${s.runs} simulated tests per true effect (seed ${s.seed}), conversion baseline ${pct(s.baselineRate)}, ` +
      `weekly looks, max ${s.maxDurationDays} days`,
    backtestVolume(s),
    `tests planned for +${s.designLiftPct}% with 80% power; decisions by the real decide() of src/experiments:`,
    ...cols.map((c) => backtestPlanLine(s, c.policy)),
    ...(s.design?.note ? [`  planned design: ${s.design.note}`] : []),
    ...(s.design?.alphaReason ? [`  planned α: ${s.design.alphaReason}`] : []),
    '',
    table(['', ...cols.map((c) => c.policy)], rows),
    '',
    'wrong KILL split in points of the runs; a decision at look w counts 7·w days',
  ].join('\n');
}
