/**
 * The report as ONE self-contained HTML file: inline CSS and inline SVG, no script, no external font,
 * image or stylesheet, so it can be mailed or archived and still opens the same. All text is escaped, and
 * a Content-Security-Policy forbids scripts and remote loads in case anything ever slipped through.
 */
import { testLine } from './format.ts';
import { lineChart, esc, forestPlot, type ForestRow } from './svg.ts';
import {
  DASH, evidenceSummary, fmtGroupValue, fmtHours, fmtInstant, fmtNum, fmtP, fmtPct, fmtRate, fmtSpawnOutcome,
} from './format.ts';
import type { ActionCounts, Report, TestView } from './types.ts';

/** The seed's KEEP threshold, drawn as a reference line in the forest plot. */
export const KEEP_LIFT_PCT = 10;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#57606a;fill:#57606a}
section.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 16px;margin:12px 0;overflow-x:auto}
.kpis{display:flex;flex-wrap:wrap;gap:10px}.kpi{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 12px;min-width:110px}
.kpi b{display:block;font-size:20px}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:#eaeef2}svg .tick{font-size:11px;fill:#57606a}svg .label{font-size:12px;fill:#1f2328}
svg .zero{stroke:#1f2328;stroke-width:1}svg .keep{stroke:#1a7f37;stroke-dasharray:4 3}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{color:#57606a;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.wrap{white-space:normal}.nw{white-space:nowrap}
.high{color:#cf222e;font-weight:600}.medium{color:#9a6700;font-weight:600}
.KEEP,.active{color:#1a7f37;font-weight:600}.KILL,.killed{color:#cf222e;font-weight:600}.CONTINUE,.testing{color:#9a6700;font-weight:600}
tr.source td{color:#57606a;font-size:12px}details pre{white-space:pre-wrap;font-size:12px;background:#f6f8fa;padding:8px;border-radius:6px}
`;

const FUNNEL = [
  { key: 'new_leads', label: 'new', color: '#0969da', get: (p: Report['trend'][number]) => p.newLeads },
  { key: 'contacted', label: 'contacted', color: '#8250df', get: (p: Report['trend'][number]) => p.contacted },
  { key: 'qualified', label: 'qualified', color: '#1a7f37', get: (p: Report['trend'][number]) => p.qualified },
  { key: 'closed', label: 'closed', color: '#bf3989', get: (p: Report['trend'][number]) => p.closed },
];
const RATES = [
  { key: 'qualification_rate', label: 'qualification rate', color: '#1a7f37', get: (p: Report['trend'][number]) => p.qualificationRate },
  { key: 'contact_rate', label: 'contact rate', color: '#8250df', get: (p: Report['trend'][number]) => p.contactRate },
  { key: 'f1_score', label: 'F1 (validation)', color: '#bc4c00', get: (p: Report['trend'][number]) => p.f1Score },
];

/** Renders the report as a complete HTML document (a string to write to one file). */
export function renderHtml(report: Report): string {
  const w = report.window;
  const title = `Lead Hunter Brain report ${w.from} to ${w.to}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main data-report-from="${esc(w.from)}" data-report-to="${esc(w.to)}" data-generated-at="${esc(report.generatedAt)}">
<h1>Lead Hunter Brain report</h1>
<div class="muted">${esc(`${w.from} to ${w.to} (${w.days} days, ${report.timeZone}), generated ${report.generatedAt}`)}</div>
${kpis(report)}
<h2>Funnel trend</h2>${chartCard(report, 'chart-funnel', 'Leads per day by funnel stage', FUNNEL, (v) => String(Math.round(v)), true)}
<h2>Response time</h2>${chartCard(report, 'chart-response', 'Average response time (hours)',
  [{ key: 'avg_response_time_hours', label: 'avg response time', color: '#cf222e', get: (p) => p.avgResponseTimeHours }],
  (v) => `${Number(v.toFixed(2))} h`, true)}
<h2>Rates and validation accuracy</h2>${chartCard(report, 'chart-rates', 'Qualification rate, contact rate and F1', RATES,
  (v) => `${Math.round(v * 100)}%`, true)}
<h2>Experiments: lift with confidence interval</h2>
<section class="card">${forestPlot('chart-lift', report.tests.map(forestRowOf), KEEP_LIFT_PCT)}</section>
${testsTable(report.tests)}
<h2>${esc(report.bottlenecksDate ? `Current bottlenecks (detected on ${report.bottlenecksDate})` : 'Current bottlenecks')}</h2>${bottlenecksTable(report)}
<h2>Skills under test</h2>${underTestTable(report)}
<h2>Skills</h2>${skillsTable(report)}
</main></body></html>
`;
}

function kpis(report: Report): string {
  const p = report.latest;
  if (!p) return `<p class="muted" id="no-data">No daily metrics in this window yet.</p>`;
  const items: Array<[string, string]> = [['new', fmtNum(p.newLeads)], ['contacted', fmtNum(p.contacted)],
    ['qualified', fmtNum(p.qualified)], ['closed', fmtNum(p.closed)], ['response', fmtHours(p.avgResponseTimeHours)],
    ['qualification', fmtRate(p.qualificationRate)], ['F1', p.f1Score === null ? DASH : p.f1Score.toFixed(3)]];
  return `<h2>Latest day: ${esc(p.date)}</h2><div class="kpis" id="kpis">` +
    items.map(([k, v]) => `<div class="kpi" data-kpi="${esc(k)}"><span class="muted">${esc(k)}</span><b>${esc(v)}</b></div>`).join('') + '</div>';
}

type SeriesDef = { key: string; label: string; color: string; get: (p: Report['trend'][number]) => number | null };

function chartCard(report: Report, id: string, title: string, defs: readonly SeriesDef[], format: (v: number) => string, fromZero: boolean): string {
  const series = defs.map((d) => ({ key: d.key, label: d.label, color: d.color, values: report.trend.map(d.get) }));
  const legend = defs.map((d) => `<span data-legend="${esc(d.key)}"><i style="background:${d.color}"></i>${esc(d.label)}</span>`).join('');
  return `<section class="card">${lineChart({ id, title, dates: report.trend.map((p) => p.date), series, format, fromZero })}` +
    `<div class="legend">${legend}</div></section>`;
}

function forestRowOf(t: TestView): ForestRow {
  return {
    testId: t.id, label: t.name, liftPct: t.liftPct, lower: t.liftCi?.lower ?? null, upper: t.liftCi?.upper ?? null,
    level: t.liftCi?.level ?? null, ciSource: t.liftCi?.source ?? null, recommendation: t.recommendation,
  };
}

/** Escaped text that may wrap after each underscore (long metric names). */
function breakable(text: string): string {
  return esc(text).replace(/_/g, '_<wbr>');
}

/** The interval as '[lo, hi]' that never breaks inside, then its level. */
function ciCell(t: TestView): string {
  if (!t.liftCi) return esc(DASH);
  return `<span class="nw">${esc(`[${fmtPct(t.liftCi.lower)}, ${fmtPct(t.liftCi.upper)}]`)}</span> ${Math.round(t.liftCi.level * 100)}%`;
}

const td = (v: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;

function testsTable(tests: readonly TestView[]): string {
  if (tests.length === 0) return '<p class="muted">No experiments yet.</p>';
  const head = ['id', 'name', 'metric', 'status', 'n (c / t)', 'control', 'treatment', 'lift', 'interval', 'p', 'decision'];
  const rows = tests.map((t) => {
    const main = `<tr data-test-id="${t.id}">${td(`#${t.id}`)}${td(t.name)}<td>${breakable(t.metric + (t.segment ? ` (${t.segment})` : ''))}</td>` +
      `${td(t.status)}${td(`${fmtNum(t.controlSampleSize)} / ${fmtNum(t.treatmentSampleSize)}`, 'num')}` +
      `${td(fmtGroupValue(t.metric, t.controlValue), 'num')}${td(fmtGroupValue(t.metric, t.treatmentValue), 'num')}` +
      `${td(fmtPct(t.liftPct), 'num')}<td class="num wrap" title="${esc(t.liftCiNote ?? t.liftCi?.source ?? '')}">${ciCell(t)}</td>` +
      `${td(fmtP(t.pValue), 'num')}${td(t.recommendation ?? DASH, t.recommendation ?? '')}</tr>` +
      (testLine(t) !== null ? `<tr class="test-note" data-test-id="${t.id}"><td></td><td colspan="10"${t.killReason === 'harmful' ? ' class="KILL"' : ''}>${esc(testLine(t) ?? '')}</td></tr>` : '') +
      (t.srm?.status === 'mismatch' ? `<tr class="srm" data-test-id="${t.id}" data-srm="mismatch"><td></td><td colspan="10" class="KILL">` +
        `${esc(`Sample-ratio mismatch (p ${fmtP(t.srm.pValue)}): no decision until the split is fixed.`)}</td></tr>` : '');
    const sources = t.bySource.map((s) => `<tr class="source" data-test-id="${t.id}" data-source="${esc(s.source)}">` +
      `<td></td><td colspan="3">${esc(`by source: ${s.source}`)}</td>` +
      `${td(`${fmtNum(s.controlSampleSize)} / ${fmtNum(s.treatmentSampleSize)}`, 'num')}` +
      `${td(fmtGroupValue(t.metric, s.controlRate), 'num')}${td(fmtGroupValue(t.metric, s.treatmentRate), 'num')}` +
      `${td(fmtPct(s.liftPct), 'num')}<td></td>` +
      `<td class="num wrap" title="p-value; adjusted for multiple testing in brackets">${esc(fmtP(s.pValue) +
        (s.adjustedPValue !== null ? ` (${fmtP(s.adjustedPValue)})` : ''))}</td><td></td></tr>`);
    return main + sources.join('');
  });
  return `<section class="card"><table id="tests-table"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></section>`;
}

function bottlenecksTable(report: Report): string {
  if (report.bottlenecks.length === 0) {
    const why = report.bottlenecksDate === null ? 'No metric day computed yet.' : `None detected on ${report.bottlenecksDate}.`;
    return `<p class="muted" id="no-bottlenecks">${esc(why)}</p>`;
  }
  const rows = report.bottlenecks.map((b) => `<tr data-type="${esc(b.type)}" data-segment="${esc(b.segment ?? '')}" ` +
    `data-severity="${b.severity}" data-spawn-outcome="${esc(b.spawnOutcome ?? '')}">${td(b.severity, b.severity)}` +
    `${td(b.type + (b.segment ? ` (${b.segment})` : ''))}<td>${breakable(b.metric)}</td>` +
    `${td(fmtGroupValue(b.metric, b.currentValue), 'num')}${td(fmtGroupValue(b.metric, b.targetValue), 'num')}` +
    `${td(fmtSpawnOutcome(b.spawnOutcome, b.skillId))}` +
    `<td>${esc(evidenceSummary(b.evidence) || DASH)}<details><summary>evidence</summary>` +
    `<pre>${esc(JSON.stringify(b.evidence, null, 2))}</pre></details></td></tr>`);
  return `<section class="card"><table id="bottlenecks-table"><thead><tr><th>severity</th><th>bottleneck</th><th>metric</th>` +
    `<th>current</th><th>target</th><th>skill</th><th>evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function underTestTable(report: Report): string {
  if (report.skillsUnderTest.length === 0) return '<p class="muted" id="no-skills-under-test">None: no skill is under test.</p>';
  const rows = report.skillsUnderTest.map((b) => `<tr data-skill-id="${b.skillId}">${td(b.skillType)}` +
    `${td((b.metric ?? DASH) + (b.segment ? ` (${b.segment})` : ''))}${td(fmtNum(b.baselineValue, 3), 'num')}` +
    `${td(fmtNum(b.targetValue, 3), 'num')}${td(b.detectedFor ?? fmtInstant(b.spawnedAt))}` +
    `<td>${esc(evidenceSummary(b.evidence) || b.problem || DASH)}<details><summary>evidence</summary>` +
    `<pre>${esc(JSON.stringify(b.evidence, null, 2))}</pre></details></td></tr>`);
  return `<section class="card"><table id="skills-under-test-table"><thead><tr><th>skill</th><th>metric</th><th>baseline</th>` +
    `<th>target</th><th>detected</th><th>evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function skillsTable(report: Report): string {
  if (report.skills.length === 0) return '<p class="muted">No skills spawned yet.</p>';
  const rows = report.skills.map((s) => `<tr data-skill-id="${s.id}">${td(`#${s.id}`)}${td(s.skillName)}${td(s.status, s.status)}` +
    `${td((s.metric ?? DASH) + (s.segment ? ` (${s.segment})` : ''))}${td(fmtNum(s.baselineValue, 3), 'num')}` +
    `${td(fmtNum(s.targetValue, 3), 'num')}${td(fmtPct(s.actualLiftPct), 'num')}${td(fmtInstant(s.spawnedAt))}` +
    `${td(fmtInstant(s.decisionMadeAt))}${td(s.decisionReason ?? '')}${td(actionsText(s.actions), 'num')}</tr>`);
  return `<section class="card"><table id="skills-table"><thead><tr><th>id</th><th>skill</th><th>status</th><th>metric</th>` +
    `<th>baseline</th><th>target</th><th>lift</th><th>spawned</th><th>decided</th><th>reason</th><th>actions</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></section>`;
}

/** produced · claimed now · done · expired · cancelled, or "—" for a skill that produced none. */
function actionsText(a: ActionCounts): string {
  if (a.produced === 0) return DASH;
  return `${a.produced} made · ${a.claimed} claimed · ${a.done} done · ${a.expired} expired · ${a.cancelled} cancelled`;
}
