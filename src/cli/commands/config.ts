/**
 * `lh-brain config list|get|set|unset|validate`: the settings of `lh_settings` from the shell, checked by the
 * same rules the jobs apply before they start (src/jobs/settings-store.ts, which adds none of its own).
 * Exit codes: 0; 2 when the call is wrong (an unknown key, a value the rules refuse: nothing is written);
 * 1 when the database is (validate finding a stored setting the jobs would refuse, an unmigrated database).
 * With --json a failure is also one JSON document on stdout, `{"error": {…}}` (src/cli/errors.ts).
 */
import type { Command } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { loadMigrations } from '../../db/migrations-fs.ts';
import type { Database } from '../../db/port.ts';
import { missingSchemaObjects, notMigratedMessage } from '../../db/queries/schema-check.ts';
import {
  getSetting, listSettings, setSetting, SettingRefusedError, SETTINGS, settingsProblems, shown, UnknownSettingError, unsetSetting,
  type SettingChange, type SettingView,
} from '../../jobs/settings-store.ts';
import { makeContext, withDatabase, type CliContext } from '../context.ts';
import { DetailedFailure, UsageError } from '../errors.ts';

/** What the config commands read and call: a database without them gets "run lh-brain migrate first". */
const CONFIG_OBJECTS = ['public.lh_settings', 'public.lh_setting_problem(text,text)', 'public.lh_settings_problems()'];

async function withSettings<T>(ctx: CliContext, fn: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await withDatabase(ctx, async (db) => {
      if (ctx.target.kind === 'pglite' && ctx.target.dataDir === undefined) await migrate(db, loadMigrations());
      const missing = await missingSchemaObjects(db, CONFIG_OBJECTS);
      if (missing.length > 0) throw new Error(notMigratedMessage(missing));
      return fn(db);
    });
  } catch (err) {
    if (err instanceof SettingRefusedError) {
      throw new UsageError(err.message, { cause: err, details: { key: err.key, value: err.value, problem: err.problem } });
    }
    if (err instanceof UnknownSettingError) throw new UsageError(err.message, { cause: err, details: { key: err.key } });
    throw err;
  }
}

/** A value in one line: text as it is, JSON compact. */
const inline = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const indented = (v: unknown): string => JSON.stringify(v, null, 2).split('\n').map((l) => `    ${l}`).join('\n');

/** The view without `effective` unless it was asked for (the merged documents are long). */
function viewFor(v: SettingView, effective: boolean): Partial<SettingView> {
  if (effective) return v;
  const { effective: _omitted, ...rest } = v;
  return rest;
}

export function renderList(views: readonly SettingView[], effective: boolean): string {
  const rows = views.map((v) => [v.key, inline(v.value), v.source === 'default' ? '(default)' : v.problem === null ? '' : 'INVALID']);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[2] === '' ? r[1] : `${r[1]!.padEnd(widths[1]!)}  ${r[2]}`}`);
  const problems = views.filter((v) => v.problem !== null).map((v) => `  ${v.key}: ${v.problem}`);
  if (problems.length > 0) lines.push('', `invalid (the jobs refuse to start; fix with \`lh-brain config set\` or \`unset\`):`, ...problems);
  if (effective) {
    for (const v of views.filter((x) => x.kind === 'document')) {
      lines.push('', `${v.key} (effective):`, v.effective === null ? '    (invalid: see above)' : indented(v.effective));
    }
  }
  return lines.join('\n');
}

export function renderGet(v: SettingView, effective: boolean): string {
  const lines = [`${v.key} = ${inline(v.value)}${v.source === 'default' ? ' (default)' : ''}`];
  if (v.problem !== null) lines.push(`INVALID: ${v.problem}`);
  if (effective && v.kind === 'document') lines.push('effective:', v.effective === null ? '    (invalid)' : indented(v.effective));
  return lines.join('\n');
}

const side = (v: SettingView): string => `${inline(v.value)}${v.source === 'default' ? ' (default)' : ''}`;

export function renderChange(c: SettingChange): string {
  if (!c.changed) return `${c.key}: ${side(c.new)} (unchanged${c.new.source === 'default' ? '; nothing stored' : ''})`;
  return `${c.key}: ${side(c.old)} → ${c.new.kind === 'unknown' && c.new.source === 'default' ? '(removed)' : side(c.new)}`;
}

const changeJson = (c: SettingChange) => ({
  key: c.key, changed: c.changed,
  old: { source: c.old.source, value: c.old.value }, new: { source: c.new.source, value: c.new.value },
});

const KEYS_HELP = `\nKeys: ${SETTINGS.map((s) => s.key).join(', ')}.`;

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('list, read, change and check the settings in lh_settings, with the rules the jobs apply')
    .addHelpText('after', `${KEYS_HELP}\n
Examples:
  lh-brain config list --effective
  lh-brain config get detection
  lh-brain config set business_time_zone Europe/Berlin
  lh-brain config set detection '{"minEvents": 50, "lowResponseRate": {"maxAvgResponseHours": 6}}'
  lh-brain config unset ab_assignment
  lh-brain --json config validate     # exit 1 and every problem when a stored setting is invalid

Exit 0; 2 for an unknown key or a refused value (nothing written); 1 when validate finds a stored setting
the jobs would refuse, or the database cannot be used. With --json, a failure is one JSON document on
stdout too: {"error": {"kind": "usage" | "failure", "exitCode": 2 | 1, "message": "…", …}}.`);

  const sub = (name: string) => config.command(name).exitOverride().showHelpAfterError('(run with --help for usage)');

  sub('list')
    .description('every known key: its stored value, or that the default applies; stored rows with an unknown key too')
    .option('--effective', 'also show the whole configuration the jobs run with for detection, spawning and decision')
    .addHelpText('after', '\nExamples:\n  lh-brain config list\n  lh-brain --json config list --effective')
    .action(async (opts: { effective?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const views = await withSettings(ctx, (db) => listSettings(db));
      const effective = Boolean(opts.effective);
      ctx.output({ settings: views.map((v) => viewFor(v, effective)) }, () => renderList(views, effective));
    });

  sub('get')
    .description('one setting: its stored value or its default, and whether the jobs accept it')
    .argument('<key>', 'the setting')
    .option('--effective', 'for detection, spawning and decision: the whole configuration the jobs run with')
    .addHelpText('after', `${KEYS_HELP}\n\nExamples:\n  lh-brain config get source_window_days\n  lh-brain --json config get decision --effective`)
    .action(async (key: string, opts: { effective?: boolean }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const view = await withSettings(ctx, (db) => getSetting(db, key));
      const effective = Boolean(opts.effective);
      ctx.output(viewFor(view, effective), () => renderGet(view, effective));
    });

  sub('set')
    .description('store a value after checking it as the jobs do (one transaction; an unchanged value writes nothing)')
    .argument('<key>', 'the setting')
    .argument('<value>', 'a scalar (Europe/Berlin, 30, exclusive) or, for detection/spawning/decision, a JSON object that replaces the stored one')
    .addHelpText('after', `${KEYS_HELP}

A document replaces the stored one (it is not merged with it); keys it leaves out take their defaults.
A value starting with "-" goes after "--": lh-brain config set source_window_days -- -3 (refused).

Examples:
  lh-brain config set max_plausible_delay_days 60
  lh-brain config set ab_assignment exclusive
  lh-brain config set spawning '{"killCooldownDays": 20, "trafficAllocationPct": 30}'`)
    .action(async (key: string, value: string, _opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd);
      const change = await withSettings(ctx, (db) => setSetting(db, key, value));
      ctx.output(changeJson(change), () => renderChange(change));
    });

  sub('unset')
    .description('delete the stored row so the default applies (also removes a stored row with an unknown key)')
    .argument('<key>', 'the setting')
    .addHelpText('after', `${KEYS_HELP}\n\nExamples:\n  lh-brain config unset detection\n  lh-brain config unset max_plausable_delay_days   # a mistyped key stored by hand`)
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd);
      const change = await withSettings(ctx, (db) => unsetSetting(db, key));
      ctx.output(changeJson(change), () => renderChange(change));
    });

  sub('validate')
    .description('check every stored setting as the jobs do; exit 1 naming each problem when any is invalid')
    .addHelpText('after', '\nUsable as a probe: exit 0 when the jobs would accept every setting, 1 otherwise.\n\n' +
      'Examples:\n  lh-brain config validate\n  lh-brain --json config validate')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd);
      const views = await withSettings(ctx, (db) => listSettings(db));
      const problems = settingsProblems(views);
      const stored = views.filter((v) => v.stored !== null).length;
      if (problems.length === 0) {
        ctx.output({ valid: true, stored, problems: [] }, () => `all ${stored} stored settings are valid (the others take their defaults)`);
        return;
      }
      if (!ctx.json) {
        process.stdout.write(problems.map((p) => `INVALID  ${p.key} = ${shown(p.value)}: ${p.problem}`).join('\n') + '\n');
      }
      throw new DetailedFailure(
        `${problems.length} of ${stored} stored settings ${problems.length === 1 ? 'is' : 'are'} invalid: ${problems.map((p) => p.problem).join('; ')}`,
        { problems });
    });
}
