/** Renders bench results as the Markdown tables of bench/README.md. */
type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from run.ts

const ms = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} ms`);

export function report(r: R): string {
  const m = r['machine'] as R;
  const lines = [`Run ${m['date']} on ${m['cpus']} × ${m['cpuModel']}, ${m['memoryGb']} GB RAM, Node ${m['node']}, ${String(m['postgres']).split(' on ')[0]}.`, ''];
  const d = r['datasetLarge'] as R | undefined;
  if (d) lines.push(`Large dataset: ${d['leads']} leads, ${d['validations']} validations, ${d['feedback']} feedback rows, ${d['assigned']} leads in 20 running tests${d['assignments'] ? ` (${d['assignments']} assignments, overlapping)` : ''} (generated in ${(d['generateMs'] / 1000).toFixed(0)} s).`, '');
  lines.push('| measure | job (median) | bare SQL (median) | ratio | target |', '|---|---|---|---|---|');
  for (const [name, key] of [['daily job, one day', 'daily'], ['weekly analysis, 20 tests', 'analysis']] as const) {
    const c = r[key] as R | undefined;
    if (c) lines.push(`| ${name} (PostgreSQL) | ${ms(c['job']['medianMs'])} | ${ms(c['bareSql']['medianMs'])} | ${c['ratio']}× | ≤ 1.5× |`);
  }
  const p = r['pglite'] as R | undefined;
  if (p) {
    for (const [name, key] of [['daily job, one day', 'daily'], ['weekly analysis, 20 tests', 'analysis']] as const) {
      lines.push(`| ${name} (PGlite, ${p['dataset']['leads']} leads) | ${ms(p[key]['job']['medianMs'])} | ${ms(p[key]['bareSql']['medianMs'])} | ${p[key]['ratio']}× | — |`);
    }
  }
  const asg = r['assign'] as R | undefined;
  if (asg) lines.push(`| set-based assignment, ${asg['batch']} new leads → ${asg['rows']} rows (PostgreSQL) | ${ms(asg['job']['medianMs'])} | ${ms(asg['bareSql']['medianMs'])} (bare INSERT … SELECT) | ${asg['ratio']}× | ≤ 1.5× |`);
  const c = r['daily'] as R | undefined;
  if (c?.['bareMetricsOnly']) lines.push('', `Daily, bare metrics without detection's aggregates: ${ms(c['bareMetricsOnly']['medianMs'])}.`);
  for (const key of ['daily', 'analysis']) {
    const prof = (r[key] as R | undefined)?.['profile'] as R[] | undefined;
    if (!prof) continue;
    lines.push('', `Where the ${key} job's time goes (one run, PostgreSQL):`, '', '| statement | calls | total |', '|---|---|---|');
    for (const st of prof.slice(0, 8)) lines.push(`| \`${String(st['statement']).slice(0, 70).replaceAll('|', '\\|')}…\` | ${st['calls']} | ${ms(st['totalMs'])} |`);
  }
  const t = r['trigger'] as R | undefined;
  if (t) {
    const us = (t['addedMicrosPerRow'] ?? {}) as R;
    lines.push('', '| assignment trigger | off | on | overhead | added per row | target |', '|---|---|---|---|---|---|',
      `| ${t['batchRows']} rows, one INSERT … SELECT | ${ms(t['batchOffMs'])} | ${ms(t['batchOnMs'])} | ${t['batchOverheadPct']}% | ${us['batch']} µs | ≤ 10% |`,
      `| ${t['singleRows']} single-row INSERTs in one transaction | ${ms(t['singleOffMs'])} | ${ms(t['singleOnMs'])} | ${t['singleOverheadPct']}% | ${us['single']} µs | ≤ 10% |`,
      `| ${t['committedRows']} single-row INSERTs, each committed | ${ms(t['committedOffMs'])} | ${ms(t['committedOnMs'])} | ${t['committedOverheadPct']}% | ${us['committed']} µs | ≤ 10% |`,
      '', '| trigger on vs the same rows carrying an explicit assignment (trigger off) | explicit | on | trigger\'s own share |', '|---|---|---|---|',
      `| ${t['singleRows']} single-row INSERTs in one transaction | ${ms(t['singleExplicitMs'])} | ${ms(t['singleOnMs'])} | ${t['singleOverExplicitPct']}% |`,
      `| ${t['committedRows']} single-row INSERTs, each committed | ${ms(t['committedExplicitMs'])} | ${ms(t['committedOnMs'])} | ${t['committedOverExplicitPct']}% |`);
  }
  const mem = r['memory'] as R | undefined;
  if (mem) {
    const s = r['datasetSmall'] as R;
    lines.push('', '| app memory (daily + analysis ×3) | leads | base RSS | peak RSS | peak heap |', '|---|---|---|---|---|',
      `| small | ${s['leads']} | ${mem['small']['baseRssMb']} MB | ${mem['small']['peakRssMb']} MB | ${mem['small']['peakHeapMb']} MB |`,
      `| large (10×) | ${d?.['leads']} | ${mem['large']['baseRssMb']} MB | ${mem['large']['peakRssMb']} MB | ${mem['large']['peakHeapMb']} MB |`);
  }
  const ex = r['explain'] as R[] | undefined;
  if (ex) {
    lines.push('', '| query | indexes used | sequential scans |', '|---|---|---|');
    for (const e of ex) lines.push(`| ${e['query']} | ${(e['indexes'] as string[]).join(', ') || '—'} | ${(e['seqScans'] as string[]).join(', ') || 'none'} |`);
  }
  const part = r['partition'] as R[] | undefined;
  if (part) {
    lines.push('', '| query | lh_lead_status | partitioned by month | partitions in plan |', '|---|---|---|---|');
    for (const q of part) lines.push(`| ${q['query']} | ${ms(q['plain']['medianMs'])} | ${ms(q['partitioned']['medianMs'])} | ${q['partitionsInPlan']} of ${q['partitionsTotal']} |`);
  }
  return lines.join('\n');
}
