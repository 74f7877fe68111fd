/**
 * `lh-brain simulate`: the demo. A synthetic lead pipeline run day by day through the real daily job and
 * weekly analysis on a throw-away in-memory database (or --database-url / --data-dir when given), showing
 * detect → spawn → test → decide, and judging every decision against the simulated truth.
 * `--policy seed|sequential|planned|all [--runs N] [--leads-per-day N --tests K]`: the statistics-only backtest
 * of the decision policies (`both` = seed + sequential, kept as a deprecated alias).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { Option } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { loadMigrations } from '../../db/migrations-fs.ts';
import { openDatabase, type DatabaseTarget } from '../../db/open.ts';
import type { Database } from '../../db/port.ts';
import type { Progress } from '../../jobs/deps.ts';
import type { Logger } from '../../logger.ts';
import type { PolicyName } from '../../experiments/types.ts';
import { BacktestInputError, DEFAULT_BACKTEST, runBacktest } from '../../sim/backtest.ts';
import { REAL_JOBS } from '../../sim/jobs.ts';
import { renderBacktest, renderSimulation } from '../../sim/render.ts';
import { DEFAULT_SIMULATION, runSimulation, SimulationError } from '../../sim/run.ts';
import { SCENARIO_NAMES, type ScenarioName } from '../../sim/scenarios.ts';
import { MODEST_DAYS } from '../../sim/modest-scenario.ts';
import { renderSeedReport } from '../../sim/render-seeds.ts';
import { runSeeds } from '../../sim/seed-runs.ts';
import type { GlobalOptions } from '../context.ts';
import { resolveTarget, stderrLogger } from '../context.ts';
import { UsageError } from '../errors.ts';
import { ASSIGNMENT_MODES, type AssignmentMode } from '../../experiments/assignment.ts';

interface SimulateCliOptions {
  days?: string; seed?: string; leadsPerDay?: string; scenario?: string; warmupDays?: string; start?: string;
  seeds?: string; policy?: string; runs?: string; weeklyPerGroup?: string; baselineRate?: string; designLift?: string; tests?: string;
  assignment?: string; testNumber?: string;
}

/** --policy values: the policies, `all` of them, and `both` (deprecated: seed + sequential, as before planned existed). */
const BACKTEST_POLICY_CHOICES = ['seed', 'sequential', 'planned', 'all', 'both'] as const;
const BACKTEST_POLICY_SETS: Readonly<Record<(typeof BACKTEST_POLICY_CHOICES)[number], readonly PolicyName[]>> = {
  seed: ['seed'], sequential: ['sequential'], planned: ['planned'],
  all: ['seed', 'sequential', 'planned'], both: ['seed', 'sequential'],
};

/** A whole number within bounds, or a one-line UsageError naming the flag. */
export function parseIntOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function parseNumberOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= min || n >= max) {
    throw new UsageError(`${flag} must be a number strictly between ${min} and ${max}, got "${value}"`);
  }
  return n;
}

/**
 * simulate writes synthetic rows: it uses a throw-away in-memory database unless --database-url or
 * --data-dir is given explicitly (env DATABASE_URL is deliberately ignored, so a demo never lands in a
 * configured production database by accident).
 */
export function simulationTarget(opts: GlobalOptions): DatabaseTarget {
  if (opts.databaseUrl !== undefined || (opts.dataDir !== undefined && !opts.memory)) return resolveTarget(opts, {});
  return { kind: 'pglite', dataDir: undefined };
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run a synthetic lead pipeline through the real jobs (detect → spawn → test → decide), or backtest the decision policies')
    .option('--days <n>', `simulated days (default ${DEFAULT_SIMULATION.days}; modest: ${MODEST_DAYS})`)
    .option('--seed <n>', `random seed: the same seed gives the same run (default ${DEFAULT_SIMULATION.seed})`)
    .option('--seeds <n>', 'run seeds seed..seed+n−1, each on a fresh in-memory database, and report per true effect ' +
      'how often the skills were kept or killed (by reason) and the days to the decision')
    .option('--leads-per-day <n>', `mean new leads per day (default ${DEFAULT_SIMULATION.leadsPerDay}); ` +
      'backtest: leads a day in the whole business, shared by --tests')
    .addOption(new Option('--scenario <name>', `what happens (default ${DEFAULT_SIMULATION.scenario})`).choices([...SCENARIO_NAMES]))
    .option('--warmup-days <n>', `days of healthy history before day 0 (default ${DEFAULT_SIMULATION.warmupDays})`)
    .option('--start <YYYY-MM-DD>', `simulated day 0 (default ${DEFAULT_SIMULATION.startDate})`)
    .addOption(new Option('--policy <name>', 'backtest the decision policies instead (statistics only, no database): ' +
      'one policy, or all three side by side ("both" = seed + sequential: deprecated, use all)').choices([...BACKTEST_POLICY_CHOICES]))
    .option('--runs <n>', 'backtest: simulated tests per true effect (default 1000)')
    .option('--tests <k>', 'backtest: tests running at once (default 1); overlapping, each gets every lead; exclusive, leads-per-day / k')
    .addOption(new Option('--assignment <mode>', 'backtest: how the tests at once get their leads, as lh_settings.ab_assignment (default overlapping)')
      .choices([...ASSIGNMENT_MODES]))
    .option('--test-number <i>', 'backtest, planned: the simulated test is its skill\'s i-th since its last KEEP, and gets that test\'s ' +
      'share of the skill\'s false-KEEP budget (lh_settings.decision.planned.alphaBudget) as spawning gives it (default 1)')
    .option('--weekly-per-group <n>', `backtest: leads per group per week, instead of --leads-per-day (default ${DEFAULT_BACKTEST.perGroupPerWeek})`)
    .option('--baseline-rate <x>', `backtest: control conversion rate (default ${DEFAULT_BACKTEST.baselineRate})`)
    .option('--design-lift <pct>', `backtest: the lift tests are planned for, in % (default ${DEFAULT_BACKTEST.designLiftPct})`)
    .addHelpText('after', '\nThe database is a throw-away in-memory one unless --database-url or --data-dir is given\n' +
      '(env DATABASE_URL is ignored here); simulate refuses a database that already holds leads.\n' +
      'The jobs run on the simulated clock (00:01 daily, Mondays 00:05 for the analysis): --now is not used.\n' +
      'Scenarios: default (response time degrades, validation accuracy drifts, a source goes bad;\n' +
      'three skills truly help, two do nothing), stable (no bottleneck injected), modest (skills with\n' +
      'true effects of −10%, 0, +10%, +20%, +30% on their metric; 180 days by default).\n' +
      'Backtest volume: --leads-per-day N --tests K gives each test round(7·N/(2·K)) leads per group per week;\n' +
      `without them, --weekly-per-group (default ${DEFAULT_BACKTEST.perGroupPerWeek}).\n` +
      'Examples:\n  lh-brain simulate --days 120 --seed 42\n  lh-brain simulate --scenario modest --days 180 --seeds 20\n  lh-brain simulate --policy all --runs 2000 --leads-per-day 50 --tests 3')
    .action(async (opts: SimulateCliOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const json = Boolean(g.json);
      const quiet = Boolean(g.quiet);
      const logger = stderrLogger(json, quiet);
      const print = (data: unknown, human: () => string) =>
        process.stdout.write((json ? JSON.stringify(data, null, 2) : human()) + '\n');
      if (opts.policy !== undefined) {
        if (opts.seeds !== undefined) throw new UsageError('--seeds runs the simulation per seed; the policy backtest takes --runs instead');
        return backtest(opts, print, progressForBacktest(json, quiet, logger));
      }
      for (const [flag, value] of [['--runs', opts.runs], ['--tests', opts.tests], ['--assignment', opts.assignment], ['--test-number', opts.testNumber]] as const) {
        if (value !== undefined) throw new UsageError(`${flag} belongs to the policy backtest: add --policy seed|sequential|planned|all`);
      }
      const days = parseIntOption('--days', opts.days, 1, 3650);
      const seed = parseIntOption('--seed', opts.seed, 0, 2 ** 31 - 1);
      const leadsPerDay = parseIntOption('--leads-per-day', opts.leadsPerDay, 1, 100_000);
      const warmupDays = parseIntOption('--warmup-days', opts.warmupDays, 0, 365);
      if (opts.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.start)) throw new UsageError(`--start must be YYYY-MM-DD, got "${opts.start}"`);
      const seeds = parseIntOption('--seeds', opts.seeds, 1, 1000);
      if (seeds !== undefined) {
        if (g.databaseUrl !== undefined || g.dataDir !== undefined) {
          throw new UsageError('--seeds runs every seed on its own fresh in-memory database: drop --database-url / --data-dir');
        }
        const bar = progressFor(json, quiet, logger);
        try {
          const report = await runSeeds({
            jobs: REAL_JOBS, openFresh: freshMemoryDatabase, scenario: opts.scenario as ScenarioName | undefined,
            days, firstSeed: seed, seeds, leadsPerDay, warmupDays, startDate: opts.start, logger, progress: bar.progress,
          });
          bar.stop();
          print(report, () => renderSeedReport(report));
        } catch (err) {
          bar.stop();
          if (err instanceof SimulationError) throw new UsageError(err.message, { cause: err });
          throw err;
        }
        return;
      }
      const target = simulationTarget(g);
      const bar = progressFor(json, quiet, logger);
      const db = await openDatabase(target);
      try {
        await migrate(db, loadMigrations());
        const result = await runSimulation(db, {
          jobs: REAL_JOBS, scenario: (opts.scenario as ScenarioName | undefined), days, seed, leadsPerDay, warmupDays,
          startDate: opts.start, logger, progress: bar.progress,
        });
        bar.stop();
        print(result, () => renderSimulation(result));
      } catch (err) {
        bar.stop();
        if (err instanceof SimulationError) throw new UsageError(err.message, { cause: err });
        throw err;
      } finally {
        await db.close();
      }
    });
}

/** One seed's database: in memory, migrated, empty. */
async function freshMemoryDatabase(): Promise<Database> {
  const db = await openDatabase({ kind: 'pglite', dataDir: undefined });
  try {
    await migrate(db, loadMigrations());
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

interface BacktestProgress { readonly progress: (done: number, total: number) => void; readonly stop: () => void }

function backtest(opts: SimulateCliOptions, print: (data: unknown, human: () => string) => void, bar: BacktestProgress): void {
  const policies = BACKTEST_POLICY_SETS[opts.policy as keyof typeof BACKTEST_POLICY_SETS];
  const leadsPerDay = parseIntOption('--leads-per-day', opts.leadsPerDay, 1, 100_000);
  const tests = parseIntOption('--tests', opts.tests, 1, 1000);
  const weekly = parseIntOption('--weekly-per-group', opts.weeklyPerGroup, 1, 1_000_000);
  if (weekly !== undefined && (leadsPerDay !== undefined || tests !== undefined)) {
    throw new UsageError('give the backtest volume either as --weekly-per-group or as --leads-per-day [--tests], not both');
  }
  if (tests !== undefined && leadsPerDay === undefined) throw new UsageError('--tests needs --leads-per-day: the leads a day the tests get');
  if (opts.assignment !== undefined && leadsPerDay === undefined) throw new UsageError('--assignment needs --leads-per-day [--tests]: the leads a day the tests get');
  try {
    const result = runBacktest({
      ...DEFAULT_BACKTEST, policies,
      runs: parseIntOption('--runs', opts.runs, 1, 1_000_000) ?? 1000,
      seed: parseIntOption('--seed', opts.seed, 0, 2 ** 31 - 1) ?? DEFAULT_SIMULATION.seed,
      perGroupPerWeek: weekly ?? DEFAULT_BACKTEST.perGroupPerWeek,
      leadsPerDay: leadsPerDay ?? null,
      testsAtOnce: leadsPerDay === undefined ? null : (tests ?? 1),
      assignment: opts.assignment as AssignmentMode | undefined,
      baselineRate: parseNumberOption('--baseline-rate', opts.baselineRate, 0, 1) ?? DEFAULT_BACKTEST.baselineRate,
      designLiftPct: parseNumberOption('--design-lift', opts.designLift, 10, 1000) ?? DEFAULT_BACKTEST.designLiftPct,
      testNumber: parseIntOption('--test-number', opts.testNumber, 1, 100) ?? 1,
      progress: bar.progress,
    });
    bar.stop();
    print(result, () => renderBacktest(result));
  } catch (err) {
    bar.stop();
    if (err instanceof BacktestInputError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

/** The backtest's progress: a bar on an interactive stderr, else a log line every 10% (never on --json's stdout). */
function progressForBacktest(json: boolean, quiet: boolean, logger: Logger): BacktestProgress {
  if (quiet) return { progress: () => {}, stop: () => {} };
  if (!json && process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'backtesting [{bar}] {value}/{total} simulated tests',
      hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      progress: (done, total) => {
        if (!started) { bar.start(total, done); started = true; } else bar.update(done);
      },
      stop: () => { if (started) { bar.stop(); started = false; } },
    };
  }
  let lastDecile = 0;
  return {
    progress: (done, total) => {
      const decile = Math.floor((done / total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        logger.log('info', `backtested ${done}/${total} simulated tests (${decile * 10}%)`);
      }
    },
    stop: () => {},
  };
}

/** A bar on an interactive stderr; otherwise a log line every 10% (never on --json's stdout). */
function progressFor(json: boolean, quiet: boolean, logger: Logger): { progress: Progress; stop: () => void } {
  if (quiet) return { progress: () => {}, stop: () => {} };
  if (!json && process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'simulating [{bar}] {value}/{total} days {label}',
      hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      progress: (done, total, label) => {
        if (!started) { bar.start(total, done, { label }); started = true; } else bar.update(done, { label });
      },
      stop: () => { if (started) bar.stop(); },
    };
  }
  let lastDecile = -1;
  return {
    progress: (done, total, label) => {
      const decile = Math.floor((done / total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        logger.log('info', `simulated ${done}/${total} days (${label})`);
      }
    },
    stop: () => {},
  };
}
