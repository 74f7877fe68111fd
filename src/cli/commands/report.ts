/**
 * `lh-brain report [--days N] [--html FILE]`: the metrics trend, open bottlenecks, skills and tests with
 * lift, interval and p-value. Text on a terminal, the Report document with --json, and optionally one
 * self-contained HTML file (written to a temporary file and renamed, so it is never half-written).
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildReport, MAX_REPORT_DAYS, DEFAULT_REPORT_DAYS } from '../../report/build.ts';
import { renderHtml } from '../../report/html.ts';
import { renderTerminal } from '../../report/terminal.ts';
import { UsageError } from '../errors.ts';
import { makeContext, withDatabase } from '../context.ts';

interface ReportCliOptions {
  days: string;
  html?: string;
}

/** Parses --days: a whole number from 1 to MAX_REPORT_DAYS. */
export function parseDays(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--days must be a whole number of days, got "${value}"`);
  const n = Number(value);
  if (n < 1 || n > MAX_REPORT_DAYS) throw new UsageError(`--days must be from 1 to ${MAX_REPORT_DAYS}, got ${n}`);
  return n;
}

/** Writes `content` to `file` atomically: a temp file in the same directory, then rename over the target. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const target = resolve(file);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, target);
  } catch (cause) {
    await unlink(tmp).catch(() => {}); // the temp file may not exist; the original error is what matters
    throw new Error(`cannot write the HTML report to ${target}: ${(cause as Error).message}`, { cause });
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('show the metrics trend, open bottlenecks, skills and experiments (lift, interval, p-value, per source)')
    .option('--days <n>', `days in the trend window, ending on --now's date (1-${MAX_REPORT_DAYS})`, String(DEFAULT_REPORT_DAYS))
    .option('--html <file>', 'also write a self-contained HTML report (charts, tables) to this file')
    .addHelpText('after', '\nReads only the aggregated output tables; run `lh-brain daily` and `lh-brain analyze` to fill them.')
    .action(async (opts: ReportCliOptions, cmd: Command) => {
      const days = parseDays(opts.days);
      const ctx = makeContext(cmd);
      const report = await withDatabase(ctx, (db) => buildReport(db, { now: ctx.clock.now(), days }));
      if (opts.html !== undefined) {
        if (opts.html.trim() === '') throw new UsageError('--html needs a file name');
        await writeFileAtomic(opts.html, renderHtml(report));
        ctx.logger.log('info', `wrote the HTML report to ${resolve(opts.html)}`);
      }
      ctx.output(report, () => renderTerminal(report, { color: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'] }));
    });
}
