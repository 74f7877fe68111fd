/**
 * `lh-brain daily [--date D | --from D1 --to D2] [--time-zone TZ]`: the daily job (docs/design.md §3) from the shell.
 * Default day: the day before --now in the business time zone. A range backfills every day and spawns
 * skills for its last day only. With --json the DailyResult document goes to stdout; otherwise a summary.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { loadMigrations } from '../../db/migrations-fs.ts';
import type { DailyResult, DayResult, Skipped } from '../../jobs/daily-result.ts';
import { DailyJobInputError, runDailyJob, type DailyJobOptions } from '../../jobs/daily.ts';
import { dayRangeProblem, isIsoDate, MAX_RANGE_DAYS } from '../../jobs/dates.ts';
import type { Progress } from '../../jobs/deps.ts';
import { makeContext, withDatabase, type CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';

interface DailyCliOptions {
  date?: string;
  from?: string;
  to?: string;
  timeZone?: string;
}

/** Checks the day arguments; UsageError (exit 2) for anything that cannot run. */
export function parseDailyArgs(o: DailyCliOptions): Pick<DailyJobOptions, 'date' | 'from' | 'to' | 'timeZone'> {
  const ranged = o.from !== undefined || o.to !== undefined;
  if (o.date !== undefined && ranged) throw new UsageError('use either --date or --from/--to, not both');
  if (ranged && (o.from === undefined || o.to === undefined)) throw new UsageError('a range needs both --from and --to');
  for (const [flag, v] of [['--date', o.date], ['--from', o.from], ['--to', o.to]] as const) {
    if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${flag} must be a calendar date YYYY-MM-DD, got "${v}"`);
  }
  if (o.from !== undefined && o.to !== undefined && o.from > o.to) {
    throw new UsageError(`--from (${o.from}) must not be after --to (${o.to})`);
  }
  // the shared range rule's clock-free part before connecting; the job adds "not after yesterday" (also exit 2)
  const [first, last] = o.date !== undefined ? [o.date, o.date] : [o.from, o.to];
  if (first !== undefined && last !== undefined) {
    const problem = dayRangeProblem(first, last);
    if (problem !== null) throw new UsageError(problem);
  }
  if (o.timeZone !== undefined && o.timeZone.trim() === '') throw new UsageError('--time-zone needs a zone name such as Europe/Berlin');
  return { date: o.date, from: o.from, to: o.to, timeZone: o.timeZone };
}

export function registerDaily(program: Command): void {
  program
    .command('daily')
    .description('compute the day that just ended (metrics, feedback analysis), detect bottlenecks, spawn skills and their A/B tests')
    .option('--date <YYYY-MM-DD>', 'the metric day (default: the day before --now in the business time zone)')
    .option('--from <YYYY-MM-DD>', `first day of a backfill range (with --to; at most ${MAX_RANGE_DAYS} days)`)
    .option('--to <YYYY-MM-DD>', 'last day of a backfill range (with --from); skills are spawned for this day only')
    .option('--time-zone <tz>', 'IANA business time zone (default: lh_settings.business_time_zone, else UTC)')
    .addHelpText('after', '\nDays run from 1970-01-01 up to the last complete day (yesterday in the business time zone as of --now).\n' +
      'Idempotent: re-running a day, or running it several times at once, leaves the same state.\n' +
      'Skips (already testing, killed recently, metric has a running test) are listed with their reasons.')
    .action(async (opts: DailyCliOptions, cmd: Command) => {
      const args = parseDailyArgs(opts);
      const ctx = makeContext(cmd);
      const bar = progressFor(ctx, args);
      try {
        const result = await withDatabase(ctx, async (db) => {
          if (ctx.target.kind === 'pglite' && ctx.target.dataDir === undefined) {
            ctx.logger.log('info', 'in-memory database: applying the migrations first');
            await migrate(db, loadMigrations());
          }
          return runDailyJob({ db, clock: ctx.clock, logger: ctx.logger }, { ...args, progress: bar.progress });
        });
        bar.stop();
        ctx.output(result, () => renderDaily(result));
      } catch (err) {
        bar.stop();
        if (err instanceof DailyJobInputError) throw new UsageError(err.message, { cause: err });
        throw err;
      }
    });
}

/** A bar on an interactive stderr for ranges; otherwise one log line per day (never in --json's stdout). */
function progressFor(ctx: CliContext, args: Pick<DailyJobOptions, 'from'>): { progress: Progress; stop: () => void } {
  const isRange = args.from !== undefined;
  if (isRange && !ctx.json && !ctx.quiet && process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'daily [{bar}] {value}/{total} {label}',
      hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
    let started = false;
    const stop = () => { if (started) bar.stop(); started = false; };
    return {
      progress: (done, total, label) => {
        if (!started) { bar.start(total, done, { label }); started = true; } else bar.update(done, { label });
        if (done >= total) stop(); // spawning logs follow: clear the bar first
      },
      stop,
    };
  }
  return {
    progress: (done, total, label) => {
      if (isRange && done < total) ctx.logger.log('info', `day ${done + 1}/${total}: ${label}`);
    },
    stop: () => {},
  };
}

const f = (x: number | null, digits = 2): string => (x === null ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(digits));

function renderDay(d: DayResult): string[] {
  const m = d.metrics;
  const p = d.patternPerformance;
  const lines = [
    `${d.date}: ${m.newLeadsCount} new, ${m.contactedCount} contacted (rate ${f(m.contactRate)}), ` +
      `${m.qualifiedCount} qualified (rate ${f(m.qualificationRate)}), ${m.closedCount} closed; ` +
      `response ${f(m.avgResponseTimeHours, 1)} h avg` + (m.invalidRowsCount > 0 ? `; ${m.invalidRowsCount} nonsense row(s)` : ''),
    `  validation: ${p.patterns.length === 0 ? 'no feedback' : `avg F1 ${f(p.avgF1Score)} over ` +
      p.patterns.map((x) => `${x.patternName} ${f(x.f1Score)} (n=${x.sampleSize})`).join(', ')}`,
  ];
  for (const s of d.feedbackSummary) {
    const reasons = Object.entries(s.reasons).map(([r, n]) => `${r} ${n}`).join(', ');
    lines.push(`  feedback ${s.source}: ${s.ratedCount} rating(s), avg ${f(s.avgRating, 1)}${reasons ? `; ${reasons}` : ''}`);
  }
  for (const b of d.bottlenecks) {
    lines.push(`  bottleneck ${b.type}${b.segment ? ` (${b.segment})` : ''} [${b.severity}]: ${b.metric} ` +
      `${f(b.currentValue)} → target ${f(b.targetValue)}; ${b.evidence[0]?.summary ?? ''}`);
  }
  if (d.bottlenecks.length === 0) lines.push('  no bottleneck');
  return lines;
}

function skipText(s: Skipped): string {
  switch (s.reason) {
    case 'already-testing': return `a ${s.skill}${s.segment ? ` for ${s.segment}` : ''} is already testing (skill #${s.testingSkillId})`;
    case 'killed-recently': return `a ${s.skill}${s.segment ? ` for ${s.segment}` : ''} was killed ${s.killedAt}; ${s.daysRemaining} day(s) of cooldown left`;
    case 'kept-recently': return `a ${s.skill} was kept ${s.keptAt}; its rollout is still in the detection window, ${s.daysRemaining} day(s) left`;
    case 'metric-has-running-test': return `test #${s.runningTestId} "${s.runningTestName}" already runs on ${s.metric}`;
    case 'lost-race': return `another writer got there first (${s.detail})`;
  }
}

/** The human summary: one block per day, then what was spawned and skipped. */
export function renderDaily(r: DailyResult): string {
  const lines = [`daily ${r.from === r.to ? r.from : `${r.from} … ${r.to}`} (${r.timeZone})`];
  for (const d of r.days) lines.push(...renderDay(d));
  for (const s of r.spawned) {
    const d = s.test.design;
    lines.push(`spawned ${s.skill.skillName} (skill #${s.skill.id}) with test #${s.test.id} on ${s.test.metricTracked}, ` +
      (d === null ? `${s.test.policy} rule, ${s.test.minSampleSize} per group`
        : `designed for +${d.liftPct.toFixed(1)}%, at most ${d.maxPerGroup} per group` +
          (d.daysToMax === null ? '' : ` (≤ ${d.daysToMax} days at ${d.dailyUnits ?? 0} a day)`)));
    if (d?.note) lines.push(`  ${d.note}`);
  }
  for (const s of r.skipped) lines.push(`skipped ${s.skill} for ${s.type}: ${skipText(s)}`);
  if (r.spawned.length === 0 && r.skipped.length === 0) lines.push(`nothing to spawn for ${r.spawnDate}`);
  return lines.join('\n');
}
