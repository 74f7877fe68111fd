/**
 * What every command receives: the global options resolved into ports (database, clock, logger) and
 * an output helper that honours --json (one JSON document on stdout, logs on stderr).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Clock } from '../clock.ts';
import { fixedClock } from '../clock.ts';
import type { Database } from '../db/port.ts';
import { openDatabase, type DatabaseTarget } from '../db/open.ts';
import type { Logger, LogLevel } from '../logger.ts';
import { UsageError } from './errors.ts';

export interface GlobalOptions {
  databaseUrl?: string;
  dataDir?: string;
  memory?: boolean;
  now?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface CliContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly target: DatabaseTarget;
  /** Opens the database; the caller closes it (withDatabase does both). */
  open(): Promise<Database>;
  /** Print the command's result: JSON when --json, else the human rendering. */
  output(result: unknown, human: () => string): void;
}

export const DEFAULT_DATA_DIR = '.lh-brain/pgdata';

/**
 * Which database a command uses. Explicit flags win over the environment: --database-url, then
 * --memory / --data-dir (the embedded database), then env DATABASE_URL, then the embedded default.
 */
export function resolveTarget(opts: GlobalOptions, env: Record<string, string | undefined>): DatabaseTarget {
  if (opts.databaseUrl !== undefined) {
    if (opts.memory || opts.dataDir !== undefined) {
      throw new UsageError('--database-url cannot be combined with --memory or --data-dir (they select the embedded database)');
    }
    return postgresTarget(opts.databaseUrl);
  }
  if (opts.memory && opts.dataDir !== undefined) throw new UsageError('--memory and --data-dir exclude each other');
  if (opts.memory) return { kind: 'pglite', dataDir: undefined };
  if (opts.dataDir !== undefined) return { kind: 'pglite', dataDir: opts.dataDir };
  const url = env['DATABASE_URL'];
  if (url && url.trim() !== '') return postgresTarget(url);
  return { kind: 'pglite', dataDir: env['LH_BRAIN_DATA_DIR'] ?? join(process.cwd(), DEFAULT_DATA_DIR) };
}

function postgresTarget(url: string): DatabaseTarget {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('the database URL must start with postgres:// or postgresql://');
  return { kind: 'postgres', url };
}

/** YYYY-MM-DD, optionally [T ]hh:mm[:ss[.fff]] and Z or ±hh[:]mm: the whole string, nothing after it. */
/** A date (midnight UTC), or a date and time WITH its offset: a bare local time would depend on the machine's zone. */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * --now as a fixed clock. Strict: Date.parse alone rolls 2026-02-30 over to March 2 and reads trailing
 * junk ("2026-01-21junk") as some other day, so the shape and the calendar fields are checked first.
 */
export function parseNow(value: string | undefined): Clock {
  if (value === undefined) return { now: () => new Date() }; // the edge may read the real time
  const m = ISO_TIMESTAMP.exec(value);
  const [y, mo, d, h, mi, s] = (m?.slice(1) ?? []).map((x) => (x === undefined ? 0 : Number(x)));
  const t = Date.parse(value);
  const calendarOk = m !== null && y !== undefined && mo !== undefined && d !== undefined &&
    new Date(Date.UTC(y, mo - 1, d)).toISOString().startsWith(value.slice(0, 10));
  if (!calendarOk || (h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59 || Number.isNaN(t)) {
    throw new UsageError(`--now must be an ISO timestamp with its offset, such as 2026-01-20T00:01:00Z, got "${value}"`);
  }
  return fixedClock(new Date(t));
}

export function stderrLogger(json: boolean, quiet: boolean): Logger {
  return {
    log(level: LogLevel, message: string, fields?: Record<string, unknown>) {
      if (quiet && (level === 'info' || level === 'debug')) return;
      if (level === 'debug' && !process.env['LH_BRAIN_DEBUG']) return;
      if (json) {
        process.stderr.write(JSON.stringify({ level, message, ...fields }) + '\n');
      } else {
        const extra = fields && Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
        process.stderr.write(`${level === 'info' ? '' : level + ': '}${message}${extra}\n`);
      }
    },
  };
}

export function makeContext(cmd: Command): CliContext {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const json = Boolean(opts.json);
  const quiet = Boolean(opts.quiet);
  const target = resolveTarget(opts, process.env);
  return {
    clock: parseNow(opts.now),
    logger: stderrLogger(json, quiet),
    json,
    quiet,
    target,
    open: () => openDatabase(target),
    output(result, human) {
      if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else process.stdout.write(human() + '\n');
    },
  };
}

/** Open, run, always close: a command never leaves the database (or PGlite's WASM) open. */
export async function withDatabase<T>(ctx: CliContext, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await ctx.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
