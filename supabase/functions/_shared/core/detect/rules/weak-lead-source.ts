// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * weak_lead_source → source-optimizer, one bottleneck per weak source (segment = source name), on
 * matured cohorts: leads created in a window ending maturity.sourceDays before D, converted = qualified
 * or closed within maturity.sourceDays of creation.
 * - Threshold: a source with ≥ minEvents leads converts < weakBelow while the best source with
 *   ≥ minEvents leads converts ≥ strongAtLeast, and the weak source is significantly below that best
 *   source (one-sided pooled two-proportion test, Benjamini–Hochberg across weak candidates, pairAlpha).
 * - Drop: each source's recent cohort vs its own baseline cohort (one-sided two-proportion test with a
 *   minimum relative drop), Benjamini–Hochberg across the sources tested that day, at alpha.
 */
import { benjaminiHochbergAdjust, normalCdf, twoProportionTest } from '../../stats/index.ts';
import { fig, fmt, pct, quiet, rateDropCheck, rateDropStats, type Check } from '../checks.ts';
import type { DetectionConfig } from '../config.ts';
import { coverageGap } from '../coverage.ts';
import { showRange, showRanges, type DetectionInput, type SourceFigures } from '../input.ts';
import { buildBottleneck, type RuleOutcome } from '../rule.ts';
import { rateSeverity } from '../severity.ts';

const RULE = 'source converts below weakBelow while another converts at least strongAtLeast';

/** BH-adjusted p-values, in input order (an empty family adjusts to nothing). */
function bh(p: readonly number[]): number[] {
  if (p.length === 0) return [];
  const r = benjaminiHochbergAdjust(p);
  return r.kind === 'ok' ? r.adjusted : p.map(() => 1);
}

function thresholdChecks(sources: readonly SourceFigures[], c: DetectionConfig): Map<string, Check> {
  const cfg = c.weakLeadSource;
  const out = new Map<string, Check>();
  const rate = (s: SourceFigures) => s.window.successes / s.window.n;
  const eligible = sources.filter((s) => s.window.n >= c.minEvents);
  for (const s of sources) {
    if (s.window.n < c.minEvents) out.set(s.source, quiet(`${RULE}: ${s.source} has ${s.window.n} matured leads (minimum ${c.minEvents})`));
  }
  const strong = [...eligible].sort((a, b) => rate(b) - rate(a) || b.window.n - a.window.n)[0];
  const weak = eligible.filter((s) => s !== strong && rate(s) < cfg.weakBelow);
  for (const s of eligible) {
    if (weak.includes(s)) continue;
    const why = s === strong ? 'the best-converting source' : `not below ${pct(cfg.weakBelow)}`;
    out.set(s.source, quiet(`${RULE}: ${s.source} converts ${pct(rate(s))}, ${why}`));
  }
  if (!strong || rate(strong) < cfg.strongAtLeast) {
    for (const s of weak) out.set(s.source, quiet(`${RULE}: ${s.source} converts ${pct(rate(s))} but no source with ≥ ${c.minEvents} leads converts ≥ ${pct(cfg.strongAtLeast)}`));
    return out;
  }
  const tests = weak.map((s) => {
    const t = twoProportionTest(strong.window, s.window);
    return t.kind === 'ok' ? normalCdf(t.z) : 1;
  });
  const adjusted = bh(tests);
  weak.forEach((s, i) => {
    const p = adjusted[i] ?? 1;
    const r = rate(s);
    if (!(p < cfg.pairAlpha)) {
      out.set(s.source, quiet(`${RULE}: ${s.source} ${pct(r)} vs ${strong.source} ${pct(rate(strong))} is not significant (BH p = ${fmt(p, 4)} ≥ ${cfg.pairAlpha})`));
      return;
    }
    const lost = ((s.window.n * 7) / cfg.windowDays) * Math.max(0, cfg.targetRate - r);
    const range = showRange(s.window.range);
    out.set(s.source, {
      kind: 'fired', current: r, reference: cfg.targetRate, severity: rateSeverity(lost, c.severity),
      evidence: {
        trigger: { kind: 'threshold', rule: RULE, threshold: cfg.weakBelow },
        figures: { source: s.source, value: fig(r), converted: s.window.successes, leads: s.window.n,
          strongSource: strong.source, strongRate: fig(rate(strong)), strongLeads: strong.window.n,
          pValue: fig(tests[i]), pAdjusted: fig(p), pairAlpha: cfg.pairAlpha, lostPerWeek: fig(lost), window: range },
        summary: `${s.source} converts ${pct(r)} (${s.window.successes}/${s.window.n}, ${range}) while ${strong.source} converts ` +
          `${pct(rate(strong))} (${strong.window.successes}/${strong.window.n}); one-sided BH p = ${fmt(p, 4)} < ${cfg.pairAlpha}.`,
      },
    });
  });
  return out;
}

function dropChecks(sources: readonly SourceFigures[], c: DetectionConfig): Map<string, Check> {
  const cfg = c.weakLeadSource;
  const name = (s: SourceFigures) => `conversion drop of ${s.source}`;
  const stats = sources.map((s) => rateDropStats(name(s), s.recent, s.baseline, c));
  const testedIdx = stats.flatMap((st, i) => (st.kind === 'tested' ? [i] : []));
  const adjusted = bh(testedIdx.map((i) => { const st = stats[i]!; return st.kind === 'tested' ? st.pValue : 1; }));
  const out = new Map<string, Check>();
  sources.forEach((s, i) => {
    const k = testedIdx.indexOf(i);
    out.set(s.source, rateDropCheck({ test: name(s), label: `${s.source} conversion within ${c.maturity.sourceDays} days`,
      minRelativeDrop: cfg.minRelativeDrop, windowDays: c.recentDays, ranges: showRanges(s.recent.range, s.baseline.range),
      extra: { source: s.source } }, stats[i]!, c, k >= 0 ? adjusted[k] : undefined));
  });
  return out;
}

/** Per-source conversion checks of one day's input. */
export function weakLeadSource(input: DetectionInput, c: DetectionConfig): RuleOutcome {
  const first = input.sources[0];
  if (!first) return { type: 'weak_lead_source', bottlenecks: [], quiet: [`${RULE}: no matured leads in any source`] };
  // every source shares the same (creation-dated, matured) windows: one coverage verdict per trigger; a
  // partial cohort is smaller, not biased, but a drop needs the established baseline
  const h = input.historyStart;
  const thresholdGap = coverageGap(RULE, h, [{ what: 'the source window', range: first.window.range, dating: 'created', partial: 'none' }], c);
  const dropGap = coverageGap('conversion drop by source', h, [
    { what: 'the source cohorts', range: first.recent.range, dating: 'created', partial: 'none' },
    { what: "the source cohorts' baseline", range: first.baseline.range, dating: 'created', partial: 'creates-problem' },
  ], c);
  const all = (q: Check) => new Map(input.sources.map((s) => [s.source, q]));
  const thresholds = thresholdGap ? all(thresholdGap) : thresholdChecks(input.sources, c);
  const drops = dropGap ? all(dropGap) : dropChecks(input.sources, c);
  const bottlenecks = [];
  const quietReasons: string[] = [];
  for (const s of input.sources) {
    const checks = [thresholds.get(s.source), drops.get(s.source)].filter((x): x is Check => x !== undefined);
    const b = buildBottleneck('weak_lead_source', [{ metric: 'source_conversion_rate', target: c.weakLeadSource.targetRate, checks }], s.source);
    if (b) bottlenecks.push(b);
    else for (const ch of checks) if (ch.kind === 'quiet') quietReasons.push(ch.reason);
  }
  return { type: 'weak_lead_source', bottlenecks, quiet: [...new Set(quietReasons)] };
}
