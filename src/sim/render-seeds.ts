/** The multi-seed report in words: one row per true effect (the CLI prints it; --json prints the data). */
import type { SeedReport } from './seed-runs.ts';

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function renderSeedReport(r: SeedReport): string {
  const first = r.seeds[0];
  const last = r.seeds[r.seeds.length - 1];
  const rows = r.rows.map((e) => [
    e.effect, e.skillTypes.join(', '), e.expected, String(e.cases), pct(e.keep),
    pct(e.kill.futile), pct(e.kill.harmful), pct(e.kill.inconclusive) + (e.kill.unstated > 0 ? ` (+${pct(e.kill.unstated)} no reason)` : ''),
    pct(e.undecided + e.notSpawned) + (e.notSpawned > 0 ? ` (${pct(e.notSpawned)} never spawned)` : ''),
    `${e.decidedTests}/${e.tests}`, e.medianDaysToDecision === null ? '—' : String(e.medianDaysToDecision),
  ]);
  return [
    `Scenario "${r.scenario}": ${r.seeds.length} seeds (${first}..${last}) × ${r.days} days from ${r.startDate}, ~${r.leadsPerDay} leads/day` +
      (r.warmupDays > 0 ? `, after ${r.warmupDays} days of healthy history` : ''),
    `  ${r.description}`,
    '  Per true effect on the tested metric, where each skill type stands on the last day (KEEP if any of its',
    '  tests was kept, else its latest test: KILL by reason, or still testing), and its tests\' days from spawn to decision.',
    '',
    table(['true effect', 'skill', 'right decision', 'runs', 'KEEP', 'KILL futile', 'KILL harmful', 'KILL inconclusive', 'undecided',
      'decided tests', 'median days'], rows),
    '',
    r.runs.map((x) => `seed ${x.seed}: ${x.right} right, ${x.wrong} wrong, ${x.acceptable} acceptable, ${x.undecided} still testing`).join('\n'),
  ].join('\n');
}
