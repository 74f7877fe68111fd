/**
 * Benchmark of the demo (`npm start`): wall time of the real CLI, in a child process, from spawn to exit,
 * exactly as a newcomer runs it. Budget (issue 5): under 60 s on a 2-core machine.
 *
 *   node --import tsx bench/demo.bench.ts [--runs N] [-- <simulate arguments>]
 *
 * Default arguments are the `npm start` demo: simulate --days 120 --seed 42 (in memory).
 * Prints one line per run and a summary (min / median / max), as JSON with --json; exits 1 when the
 * median exceeds the budget.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', 'bin', 'lh-brain.js');
const BUDGET_S = 60;
const DEMO_ARGS = ['simulate', '--days', '120', '--seed', '42'];

function parseArgs(argv: string[]): { runs: number; json: boolean; simulate: string[] } {
  const sep = argv.indexOf('--');
  const own = sep >= 0 ? argv.slice(0, sep) : argv;
  const simulate = sep >= 0 ? argv.slice(sep + 1) : DEMO_ARGS;
  const i = own.indexOf('--runs');
  const runs = i >= 0 ? Number(own[i + 1]) : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${own[i + 1]}`);
  return { runs, json: own.includes('--json'), simulate };
}

function once(args: string[]): Promise<{ seconds: number; code: number | null; lastLine: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env['DATABASE_URL'];
    const start = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ seconds: (performance.now() - start) / 1000, code,
      lastLine: out.trimEnd().split('\n').pop() ?? '' }));
  });
}

const { runs, json, simulate } = parseArgs(process.argv.slice(2));
const times: number[] = [];
for (let r = 1; r <= runs; r++) {
  const res = await once(simulate);
  if (res.code !== 0) {
    process.stderr.write(`run ${r}: lh-brain exited with ${res.code}\n`);
    process.exit(1);
  }
  times.push(res.seconds);
  if (!json) process.stdout.write(`run ${r}: ${res.seconds.toFixed(1)} s  (${res.lastLine})\n`);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
const summary = {
  command: `lh-brain ${simulate.join(' ')}`, runs, cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version, minSeconds: sorted[0], medianSeconds: median, maxSeconds: sorted[sorted.length - 1],
  budgetSeconds: BUDGET_S, withinBudget: median < BUDGET_S,
};
if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
else {
  process.stdout.write(`${summary.command}: min ${summary.minSeconds?.toFixed(1)} s, median ${median.toFixed(1)} s, ` +
    `max ${summary.maxSeconds?.toFixed(1)} s on ${summary.cores} cores (${summary.cpu}, node ${summary.node}); ` +
    `budget ${BUDGET_S} s: ${summary.withinBudget ? 'OK' : 'OVER'}\n`);
}
process.exitCode = summary.withinBudget ? 0 : 1;
