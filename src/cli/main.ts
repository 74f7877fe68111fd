/**
 * lh-brain: the Node CLI. Thin: parses arguments (commander), builds the ports, calls the core.
 * Exit 0 on success; 2 with a one-line reason on a usage error; 1 with a one-line reason otherwise.
 */
import { Command, CommanderError, Option } from 'commander';
import { registerAnalyze } from './commands/analyze.ts';
import { registerDaily } from './commands/daily.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerPlan } from './commands/plan.ts';
import { registerReport } from './commands/report.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerWorker } from './commands/worker.ts';
import { registerConfig } from './commands/config.ts';
import { registerActions } from './commands/actions.ts';
import { errorDocument, failureLine, UsageError } from './errors.ts';

/**
 * Commands whose failures are, with --json, also one JSON document on stdout (errorDocument); stderr keeps
 * its one line either way.
 */
const JSON_FAILURE_COMMANDS: ReadonlySet<string> = new Set(['config', 'actions']);

export function buildProgram(): Command {
  const program = new Command('lh-brain')
    .description('Lead Hunter Brain: measure the lead funnel, detect bottlenecks, spawn skills, A/B test them, keep the winners.')
    .version('0.1.0')
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (default: env DATABASE_URL, else the embedded database)'))
    .addOption(new Option('--data-dir <dir>', 'directory of the embedded database (default: .lh-brain/pgdata, or env LH_BRAIN_DATA_DIR)'))
    .addOption(new Option('--memory', 'use a throw-away in-memory embedded database'))
    .addOption(new Option('--now <iso-timestamp>', "the run's clock (default: the real time)"))
    .addOption(new Option('--json', 'print one JSON document on stdout; logs go to stderr'))
    .addOption(new Option('-q, --quiet', 'only warnings and errors on stderr'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerMigrate(program);
  registerDaily(program);
  registerAnalyze(program);
  registerPlan(program);
  registerSimulate(program);
  registerReport(program);
  registerWorker(program);
  registerConfig(program);
  registerActions(program);
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  let invoked: string | undefined;
  program.hook('preSubcommand', (_program, sub) => { invoked = sub.name(); });
  const jsonFailure = (err: unknown, exitCode: number, message: string) => {
    if (invoked === undefined || !JSON_FAILURE_COMMANDS.has(invoked) || !program.opts<{ json?: boolean }>().json) return;
    process.stdout.write(JSON.stringify(errorDocument(err, exitCode, message), null, 2) + '\n');
  };
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; commander has already printed the message
      if (err.exitCode === 0) return 0;
      jsonFailure(err, 2, err.code === 'commander.help' ? `${invoked ?? 'lh-brain'} needs a subcommand (see --help)` : err.message.replace(/^error: /, ''));
      return 2;
    }
    if (err instanceof UsageError) {
      jsonFailure(err, 2, err.message);
      process.stderr.write(`lh-brain: ${err.message}\n`);
      return 2;
    }
    jsonFailure(err, 1, failureLine(err));
    process.stderr.write(`lh-brain: ${failureLine(err)}\n`);
    if (process.env['LH_BRAIN_DEBUG']) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return 1;
  }
}
