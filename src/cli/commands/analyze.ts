/**
 * `lh-brain analyze [--policy seed|sequential] [--test ID ...]`: the weekly A/B analysis (docs/design.md §4) from the
 * shell. Prints a table of tests and decisions, or the AnalysisResult with --json. Exit 1 when a test's
 * analysis failed (the others are still analysed and printed), 2 on a usage error.
 */
import type { Command } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { loadMigrations } from '../../db/migrations-fs.ts';
import { isPolicyName, POLICY_NAMES, type PolicyName } from '../../experiments/types.ts';
import { POLICIES } from '../../experiments/policies/index.ts';
import { runAnalysisJob, type AnalysisResult, type TestReport } from '../../jobs/analyze.ts';
import { makeContext, withDatabase } from '../context.ts';
import { UsageError } from '../errors.ts';

interface AnalyzeCliOptions {
  policy?: string;
  test?: string[];
}

/** Validates the flags; UsageError (exit 2) otherwise. */
export function parseAnalyzeArgs(o: AnalyzeCliOptions): { policy?: PolicyName; testIds?: number[] } {
  if (o.policy !== undefined && !isPolicyName(o.policy)) {
    throw new UsageError(`--policy must be one of ${POLICY_NAMES.join(', ')}, got "${o.policy}"`);
  }
  const ids = o.test?.flatMap((v) => v.split(',')).map((v) => v.trim());
  const bad = ids?.find((v) => !/^[1-9]\d{0,15}$/.test(v));
  if (bad !== undefined) throw new UsageError(`--test must be a positive test id, got "${bad}"`);
  return { policy: o.policy as PolicyName | undefined, testIds: ids?.map(Number) };
}

const num = (x: number | null, digits: number) => (x === null ? '-' : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`);
const pval = (x: number | null) => (x === null ? '-' : x < 0.0001 ? x.toExponential(1) : x.toFixed(4));

function line(t: TestReport): string[] {
  if (t.kind === 'skipped') return [String(t.testId), '', '', '', '', '', '', '', `skipped: ${t.reason}`];
  if (t.kind === 'failed') return [String(t.testId), '', '', '', '', '', '', '', `FAILED: ${t.error}`];
  const digits = t.control.successes === null ? 2 : 3;
  return [
    String(t.testId), t.testName.slice(0, 28), t.metric + (t.segment ? `[${t.segment}]` : ''), t.policy,
    `${t.control.n}/${t.treatment.n}`, `${num(t.control.value, digits)} → ${num(t.treatment.value, digits)}`,
    pct(t.liftPct), pval(t.pValue),
    `${t.decision.kind}${t.status === 'completed' ? ' (test completed)' : ''}`,
  ];
}

/** The human rendering: one table row per test, then each decision's reason and warnings. */
export function renderAnalysis(r: AnalysisResult): string {
  if (r.tests.length === 0) return `analysis as of ${r.asOf}: no running tests`;
  const header = ['id', 'test', 'metric', 'policy', 'n c/t', 'control → treatment', 'lift', 'p', 'decision'];
  const rows = [header, ...r.tests.map(line)];
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const table = rows.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  const notes = r.tests.flatMap((t) => t.kind !== 'analyzed' ? [] : [
    `  #${t.testId}: ${t.decision.reason}`, ...t.warnings.map((w) => `  #${t.testId}: warning: ${w}`)]);
  const c = r.counts;
  return [`analysis as of ${r.asOf}${r.policyOverride ? ` (policy ${r.policyOverride} for every test)` : ''}`, ...table, '', ...notes, '',
    `${c.analyzed} analysed: ${c.keep} KEEP, ${c.kill} KILL, ${c.continue} CONTINUE, ${c.notEnoughData} not enough data, ` +
    `${c.blockedSrm} blocked by SRM; ${c.updated} updated, ${c.skipped} skipped, ${c.failed} failed`].join('\n');
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('weekly A/B analysis: decide KEEP / KILL / CONTINUE for each running test and update its skill')
    .option('--policy <name>', `decide every test with this policy (${POLICY_NAMES.join(' | ')}) instead of the test's own (a what-if: a planned test's looks are kept only under its own policy)`)
    .option('--test <id>', 'analyse only this test (repeatable, or comma-separated)', (v: string, prev: string[] = []) => [...prev, v])
    .addHelpText('after', `\n${Object.values(POLICIES).map((p) => p.explain).join('\n')}\n` +
      'A sample-ratio mismatch blocks every decision. A KILL says why: futile, harmful or inconclusive.\n' +
      'Idempotent: a re-run with unchanged data writes nothing (a planned test\'s look is taken again, not added);\n' +
      'completed tests are never re-decided.')
    .action(async (opts: AnalyzeCliOptions, cmd: Command) => {
      const args = parseAnalyzeArgs(opts);
      const ctx = makeContext(cmd);
      const result = await withDatabase(ctx, async (db) => {
        if (ctx.target.kind === 'pglite' && ctx.target.dataDir === undefined) await migrate(db, loadMigrations());
        return runAnalysisJob({ db, clock: ctx.clock, logger: ctx.logger }, args);
      });
      ctx.output(result, () => renderAnalysis(result));
      if (result.counts.failed > 0) throw new Error(`${result.counts.failed} test(s) could not be analysed (see above)`);
    });
}
