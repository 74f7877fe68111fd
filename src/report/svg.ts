/**
 * Inline SVG charts generated as strings (no chart library, no script): a line chart with gaps for
 * missing days, and a forest plot of each test's lift with its interval. Every drawn element carries
 * data attributes (data-series, data-date, data-value, data-test-id, data-ci-*) so a test can read back
 * what was drawn from the rendered DOM.
 */

/** Escapes text for HTML/SVG element content and double- or single-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A number for an attribute: fixed precision, no exponent surprises, '' for null. */
export function attrNum(v: number | null, digits = 6): string {
  return v === null ? '' : String(Number(v.toFixed(digits)));
}

/** "Nice" axis ticks (1, 2, 5 × 10^k steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toFixed(10)));
  if ((ticks[ticks.length - 1] ?? lo) < hi) ticks.push(Number((ticks[ticks.length - 1]! + step).toFixed(10)));
  return ticks;
}

export interface LineSeries {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

export interface LineChartSpec {
  readonly id: string;
  readonly title: string;
  readonly dates: readonly string[];
  readonly series: readonly LineSeries[];
  readonly format: (v: number) => string;
  /** Start the y axis at 0 (counts, rates). */
  readonly fromZero: boolean;
}

const W = 760;
const H = 250;
const M = { left: 56, right: 16, top: 14, bottom: 30 };

/** A multi-series line chart; a null value breaks the line (no data that day). */
export function lineChart(spec: LineChartSpec): string {
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (all.length === 0) {
    return `<svg id="${esc(spec.id)}" class="chart" data-empty="true" viewBox="0 0 ${W} 60" role="img" aria-label="${esc(spec.title)}">` +
      `<text x="${W / 2}" y="34" text-anchor="middle" class="muted">no data in this window</text></svg>`;
  }
  const ticks = niceTicks(spec.fromZero ? Math.min(0, ...all) : Math.min(...all), Math.max(...all));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const n = spec.dates.length;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (i: number) => M.left + (n <= 1 ? pw / 2 : (i * pw) / (n - 1));
  const y = (v: number) => M.top + ph - ((v - lo) / (hi - lo)) * ph;
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/>` +
      `<text class="tick" x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${esc(spec.format(t))}</text>`);
  }
  const labelIdx = n <= 1 ? [0] : [...new Set([0, Math.floor((n - 1) / 2), n - 1])];
  for (const i of labelIdx) {
    const d = spec.dates[i];
    const anchor = n <= 1 ? 'middle' : i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
    if (d !== undefined) parts.push(`<text class="tick" x="${x(i).toFixed(1)}" y="${H - 8}" text-anchor="${anchor}">${esc(d)}</text>`);
  }
  for (const s of spec.series) parts.push(seriesSvg(s, spec, x, y));
  return `<svg id="${esc(spec.id)}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title)}">` +
    `<title>${esc(spec.title)}</title>${parts.join('')}</svg>`;
}

function seriesSvg(s: LineSeries, spec: LineChartSpec, x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  const dots: string[] = [];
  s.values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
    const date = spec.dates[i] ?? '';
    dots.push(`<circle data-series="${esc(s.key)}" data-date="${esc(date)}" data-value="${attrNum(v)}" cx="${x(i).toFixed(1)}" ` +
      `cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"><title>${esc(`${s.label} ${date}: ${spec.format(v)}`)}</title></circle>`);
  });
  const count = s.values.filter((v) => v !== null).length;
  return `<g class="series" data-series="${esc(s.key)}" data-points="${count}">` +
    `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/>${dots.join('')}</g>`;
}

export interface ForestRow {
  readonly testId: number;
  readonly label: string;
  readonly liftPct: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly level: number | null;
  readonly ciSource: string | null;
  readonly recommendation: string | null;
}

const RECO_COLOR: Record<string, string> = { KEEP: '#1a7f37', KILL: '#cf222e', CONTINUE: '#9a6700' };

/** One row per test: the point lift and its interval on a shared % axis, with 0 and the +10 % KEEP line. */
export function forestPlot(id: string, rows: readonly ForestRow[], keepLiftPct: number): string {
  if (rows.length === 0) {
    return `<svg id="${esc(id)}" class="chart" data-empty="true" viewBox="0 0 ${W} 60" role="img" aria-label="lift by test">` +
      `<text x="${W / 2}" y="34" text-anchor="middle" class="muted">no experiments yet</text></svg>`;
  }
  const xs = rows.flatMap((r) => [r.liftPct, r.lower, r.upper].filter((v): v is number => v !== null));
  const ticks = niceTicks(Math.min(0, -keepLiftPct, ...xs), Math.max(keepLiftPct * 2, ...xs), 6);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const left = 250;
  const rowH = 30;
  const top = 10;
  const h = top + rows.length * rowH + 34;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (W - left - 24);
  const axisY = top + rows.length * rowH;
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line class="grid" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top}" y2="${axisY}"/>` +
      `<text class="tick" x="${x(t).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${t > 0 ? '+' : ''}${t}%</text>`);
  }
  parts.push(`<line class="zero" data-ref="zero" x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="${top}" y2="${axisY}"/>`);
  parts.push(`<line class="keep" data-ref="keep" x1="${x(keepLiftPct).toFixed(1)}" x2="${x(keepLiftPct).toFixed(1)}" y1="${top}" y2="${axisY}"/>`);
  parts.push(`<text class="tick" x="${(x(keepLiftPct) + 3).toFixed(1)}" y="${axisY + 30}">KEEP needs &gt; +${keepLiftPct}%</text>`);
  rows.forEach((r, i) => parts.push(forestRow(r, top + i * rowH + rowH / 2, x)));
  return `<svg id="${esc(id)}" class="chart" viewBox="0 0 ${W} ${h}" role="img" aria-label="lift by test with confidence intervals">` +
    `<title>Lift by test with confidence intervals</title>${parts.join('')}</svg>`;
}

function forestRow(r: ForestRow, cy: number, x: (v: number) => number): string {
  const color = (r.recommendation && RECO_COLOR[r.recommendation]) || '#57606a';
  const label = r.label.length > 34 ? r.label.slice(0, 33) + '…' : r.label;
  const tip = r.liftPct === null
    ? `${r.label}: no lift yet`
    : `${r.label}: lift ${r.liftPct.toFixed(2)}%` + (r.lower !== null && r.upper !== null
      ? `, ${Math.round((r.level ?? 0.95) * 100)}% CI [${r.lower.toFixed(2)}%, ${r.upper.toFixed(2)}%]` : ', no interval');
  let g = `<g class="forest-row" data-test-id="${r.testId}" data-lift="${attrNum(r.liftPct)}" data-ci-lower="${attrNum(r.lower)}" ` +
    `data-ci-upper="${attrNum(r.upper)}" data-ci-level="${attrNum(r.level)}" data-ci-source="${esc(r.ciSource ?? '')}" ` +
    `data-recommendation="${esc(r.recommendation ?? '')}"><title>${esc(tip)}</title>` +
    `<text class="label" x="8" y="${(cy + 4).toFixed(1)}">#${r.testId} ${esc(label)}</text>`;
  if (r.lower !== null && r.upper !== null) {
    g += `<line data-role="interval" x1="${x(r.lower).toFixed(1)}" x2="${x(r.upper).toFixed(1)}" y1="${cy}" y2="${cy}" ` +
      `stroke="${color}" stroke-width="2.5"/>` +
      `<line x1="${x(r.lower).toFixed(1)}" x2="${x(r.lower).toFixed(1)}" y1="${cy - 5}" y2="${cy + 5}" stroke="${color}" stroke-width="2"/>` +
      `<line x1="${x(r.upper).toFixed(1)}" x2="${x(r.upper).toFixed(1)}" y1="${cy - 5}" y2="${cy + 5}" stroke="${color}" stroke-width="2"/>`;
  }
  g += r.liftPct === null
    ? `<text class="muted" x="${x(0).toFixed(1)}" y="${(cy + 4).toFixed(1)}" dx="6">not analysed yet</text>`
    : `<rect data-role="point" x="${(x(r.liftPct) - 5).toFixed(1)}" y="${cy - 5}" width="10" height="10" fill="${color}"/>`;
  return g + '</g>';
}
