/**
 * `lh-brain config` as a user runs it (the real bin in a child process) on every database target: PostgreSQL
 * by URL, PGlite through --data-dir (closed by the test while the CLI runs: one process at a time). Plus,
 * in process, the property that matters most: `config set` refuses exactly what the jobs refuse.
 * Exit codes: 0; 2 for an unknown key or a refused value; 1 for validate finding a stored problem.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { openPglite } from '../../src/db/pglite.ts';
import type { Database, Queryable, Row } from '../../src/db/port.ts';
import {
  checkStoredSettings, decisionFromSetting, detectionFromSetting, readSettingDocuments, spawningFromSetting,
} from '../../src/jobs/settings.ts';
import { SettingRefusedError, SETTINGS, setSetting } from '../../src/jobs/settings-store.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { dbTargets, postgresUrlOf, withFreshDb, type DbTarget } from '../support/databases.ts';

/** A migrated database the CLI can be pointed at, and SQL on it between CLI runs. */
interface Fixture {
  readonly cli: (args: string[]) => Promise<CliRun>;
  readonly sql: <T extends Row = Row>(text: string, params?: unknown[]) => Promise<T[]>;
}

async function withFixture(target: DbTarget, fn: (f: Fixture) => Promise<void>): Promise<void> {
  if (target.name === 'postgres') {
    await withFreshDb(target, async (db) => {
      const url = postgresUrlOf(db)!;
      await fn({ cli: (args) => runCli(['--database-url', url, ...args]), sql: (text, params) => db.query(text, params) });
    });
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'lh-config-'));
  const open = async <T>(f: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openPglite(dir);
    try {
      return await f(db);
    } finally {
      await db.close();
    }
  };
  try {
    await open((db) => migrate(db, loadMigrations()));
    await fn({ cli: (args) => runCli(['--data-dir', dir, ...args]), sql: (text, params) => open((db) => db.query(text, params)) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rows of lh_settings with the transaction that last wrote each (xmin): "nothing written" is checkable. */
const snapshot = (f: Fixture) => f.sql<{ key: string; value: string; xmin: string }>('select key, value, xmin::text as xmin from lh_settings order by key');
const json = <T = Record<string, unknown>>(run: CliRun): T => JSON.parse(run.stdout) as T;
const oneLine = (run: CliRun): string => {
  const lines = run.stderr.trim().split('\n').filter((l) => l.startsWith('lh-brain:'));
  assert.equal(lines.length, 1, run.stderr);
  return lines[0]!;
};

interface ErrorDoc { error: { kind: string; exitCode: number; message: string; key?: string; value?: string; problem?: string; problems?: Array<{ key: string; value: string; problem: string }> } }
interface View { key: string; source: string; stored: string | null; value: unknown; problem: string | null; effective?: unknown }

describe('lh-brain config --help', () => {
  it('the command and each subcommand have help with examples', async () => {
    for (const args of [['config', '--help'], ...['list', 'get', 'set', 'unset', 'validate'].map((s) => ['config', s, '--help'])]) {
      const run = await runCli(args);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stdout, /Examples:\n {2}lh-brain .*config/, args.join(' '));
    }
  });
});

for (const target of await dbTargets()) {
  describe(`lh-brain config on ${target.name}`, () => {
    it('set then get round-trips a scalar and a document; set again changes nothing and writes nothing', () => withFixture(target, async (f) => {
      const set = await f.cli(['config', 'set', 'source_window_days', '14']);
      assert.equal(set.code, 0, set.stderr);
      assert.equal(set.stdout, 'source_window_days: 30 → 14\n');
      const got = json<View>(await f.cli(['--json', 'config', 'get', 'source_window_days']));
      assert.deepEqual([got.source, got.stored, got.value, got.problem], ['stored', '14', '14', null]);
      assert.ok(!('effective' in got), 'the merged configuration only with --effective');

      const doc = '{"minEvents": 50, "lowResponseRate": {"maxAvgResponseHours": 6}}';
      const setDoc = json(await f.cli(['--json', 'config', 'set', 'detection', doc]));
      assert.deepEqual(setDoc, { key: 'detection', changed: true, old: { source: 'default', value: {} }, new: { source: 'stored', value: JSON.parse(doc) } });
      const [row] = await f.sql<{ value: string }>(`select value from lh_settings where key = 'detection'`);
      assert.deepEqual(JSON.parse(row!.value), JSON.parse(doc));
      // what the jobs read back from the row is the override merged over the defaults
      const eff = json<View>(await f.cli(['--json', 'config', 'get', 'detection', '--effective']));
      const effective = eff.effective as { minEvents: number; recentDays: number; lowResponseRate: { maxAvgResponseHours: number; minContactRate: number } };
      assert.deepEqual([effective.minEvents, effective.recentDays, effective.lowResponseRate.maxAvgResponseHours, effective.lowResponseRate.minContactRate],
        [50, 7, 6, 0.6]);

      const before = await snapshot(f);
      const again = await f.cli(['config', 'set', 'source_window_days', ' 14 ']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, 'source_window_days: 14 (unchanged)\n');
      // the same document written differently is the same document
      const againDoc = json(await f.cli(['--json', 'config', 'set', 'detection', '{"lowResponseRate":{"maxAvgResponseHours":6},"minEvents":50}']));
      assert.equal(againDoc['changed'], false);
      assert.deepEqual(await snapshot(f), before);

      const unset = await f.cli(['config', 'unset', 'source_window_days']);
      assert.equal(unset.stdout, 'source_window_days: 14 → 30 (default)\n');
      assert.deepEqual(await f.sql(`select value from lh_settings where key = 'source_window_days'`), []);
    }));

    it('a refused value names the key, the value and why, exits 2 and writes nothing; an unknown key likewise', () => withFixture(target, async (f) => {
      const before = await snapshot(f);
      for (const [args, why] of [
        [['source_window_days', '0'], /lh_settings\.source_window_days must be a whole number of days from 1 to 36500, got '0'/],
        [['business_time_zone', 'UTC+5'], /must be an IANA time zone name .*'UTC\+5' \(a POSIX offset/],
        [['detection', '{"minEvents": 0}'], /lh_settings\.detection is invalid: minEvents: must be at least 1/],
        [['max_plausable_delay_days', '60'], /unknown key 'max_plausable_delay_days'/],
      ] as const) {
        // (every other rule is compared with the jobs' own checks in process, below)
        const run = await f.cli(['config', 'set', ...args]);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        const line = oneLine(run);
        assert.ok(line.startsWith(`lh-brain: refused ${args[0]} = '${args[1]}': `), line);
        assert.match(line, why);
        assert.equal(run.stdout, '');
      }
      const refused = await f.cli(['--json', 'config', 'set', 'detection', '{"minEvent": 50}']);
      assert.equal(refused.code, 2);
      const doc = json<ErrorDoc>(refused);
      assert.deepEqual([doc.error.kind, doc.error.exitCode, doc.error.key, doc.error.value], ['usage', 2, 'detection', '{"minEvent": 50}']);
      assert.match(doc.error.problem!, /Unrecognized key: "minEvent"/);
      assert.equal(doc.error.message, oneLine(refused).replace(/^lh-brain: /, ''));
      assert.deepEqual(await snapshot(f), before);

      const unknown = await f.cli(['--json', 'config', 'get', 'nope']);
      assert.equal(unknown.code, 2, unknown.stderr);
      assert.match(oneLine(unknown), /unknown setting "nope" \(known: business_time_zone, .*decision, skill_actions\)/);
      assert.equal(json<ErrorDoc>(unknown).error.key, 'nope');
      const missing = await f.cli(['--json', 'config', 'set', 'detection']);
      assert.equal(missing.code, 2);
      assert.match(json<ErrorDoc>(missing).error.message, /missing required argument 'value'/);
      assert.deepEqual(await snapshot(f), before);
    }));

    it('validate: exit 0 on good settings; exit 1 naming every bad row stored by SQL; exit 0 again once fixed', () => withFixture(target, async (f) => {
      const ok = await f.cli(['--json', 'config', 'validate']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(json(ok), { valid: true, stored: 3, problems: [] });

      await f.sql(`with u as (update lh_settings set value = '0' where key = 'source_window_days')
        insert into lh_settings (key, value) values ('max_plausable_delay_days', '60'), ('spawning', '{"killCooldownDays": -1}')`);
      const bad = await f.cli(['config', 'validate']);
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(oneLine(bad), /^lh-brain: 3 of 5 stored settings are invalid: /);
      assert.match(bad.stdout, /^INVALID {2}source_window_days = '0': lh_settings\.source_window_days must be a whole number/m);
      assert.match(bad.stdout, /^INVALID {2}spawning = '\{"killCooldownDays": -1\}': lh_settings\.spawning is invalid: killCooldownDays: /m);
      assert.match(bad.stdout, /^INVALID {2}max_plausable_delay_days = '60': lh_settings has an unknown key/m);
      const badJson = await f.cli(['--json', 'config', 'validate']);
      assert.equal(badJson.code, 1);
      const doc = json<ErrorDoc>(badJson);
      assert.deepEqual([doc.error.kind, doc.error.exitCode], ['failure', 1]);
      assert.deepEqual(doc.error.problems!.map((p) => [p.key, p.value]).sort(),
        [['max_plausable_delay_days', '60'], ['source_window_days', '0'], ['spawning', '{"killCooldownDays": -1}']]);

      // list shows them too (and still exits 0: it is a reading); the merged spawning is withheld while invalid
      const list = await f.cli(['--json', 'config', 'list', '--effective']);
      assert.equal(list.code, 0, list.stderr);
      const views = json<{ settings: View[] }>(list).settings;
      assert.deepEqual(views.map((v) => v.key), [...SETTINGS.map((s) => s.key), 'max_plausable_delay_days']);
      assert.deepEqual(views.filter((v) => v.problem !== null).map((v) => v.key), ['source_window_days', 'spawning', 'max_plausable_delay_days']);
      assert.equal(views.find((v) => v.key === 'spawning')!.effective, null);
      assert.equal((views.find((v) => v.key === 'decision')!.effective as { spawnPolicy: string }).spawnPolicy, 'planned');

      // fixed with the command itself: set over a bad value, unset the typo
      assert.equal((await f.cli(['config', 'set', 'source_window_days', '30'])).stdout, 'source_window_days: 0 → 30\n');
      assert.equal((await f.cli(['config', 'set', 'spawning', '{"killCooldownDays": 20}'])).code, 0);
      assert.equal((await f.cli(['config', 'unset', 'max_plausable_delay_days'])).stdout, 'max_plausable_delay_days: 60 → (removed)\n');
      const fixed = await f.cli(['config', 'validate']);
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.equal(fixed.stdout, 'all 4 stored settings are valid (the others take their defaults)\n');
    }));

    if (target.name === 'postgres') {
      // (on PGlite a new --data-dir costs an initdb of several seconds: the same code path, left to PostgreSQL)
      it('an unmigrated database: exit 1 and the fix; with --json the failure is a JSON document', async () => {
        const db = await target.empty();
        try {
          const run = await runCli(['--database-url', postgresUrlOf(db)!, '--json', 'config', 'list']);
          assert.equal(run.code, 1, run.stderr);
          assert.match(oneLine(run), /not migrated \(missing public\.lh_settings.*run `lh-brain migrate` first/);
          const doc = json<ErrorDoc>(run);
          assert.deepEqual([doc.error.kind, doc.error.exitCode], ['failure', 1]);
          assert.match(doc.error.message, /run `lh-brain migrate` first/);
        } finally {
          await db.close();
        }
      });
    }

    it('the known keys are exactly those of the database rule (lh_setting_problem)', () => withFreshDb(target, async (db) => {
      const [r] = await db.query<{ problem: string }>(`select lh_setting_problem('no_such_key', '1') as problem`);
      const known = /\(known: ([^)]*)\)/.exec(r!.problem)?.[1]?.split(', ');
      assert.deepEqual(known?.slice().sort(), SETTINGS.map((s) => s.key).sort());
    }));

    it('config set refuses exactly what the jobs refuse when the same text is stored by SQL', () => withFreshDb(target, async (db) => {
      /** What the jobs do before they start: the database's rule for every row, then each document's schema. */
      const jobsRefuse = async (q: Queryable): Promise<boolean> => {
        try {
          await checkStoredSettings(q);
          const docs = await readSettingDocuments(q, ['detection', 'spawning', 'decision']);
          detectionFromSetting(docs.detection);
          spawningFromSetting(docs.spawning);
          decisionFromSetting(docs.decision);
          return false;
        } catch {
          return true;
        }
      };
      const cases: Array<[string, string]> = [
        ['source_window_days', '14'], ['source_window_days', '2.5'], ['source_window_days', '36501'], ['max_plausible_delay_days', '1'],
        ['max_plausible_delay_days', 'abc'], ['business_time_zone', 'America/New_York'], ['business_time_zone', 'Europe/Atlantis'],
        ['ab_assignment', 'exclusive'], ['ab_assignment', 'Exclusive'],
        ['detection', '{}'], ['detection', '{"alpha": 0.01}'], ['detection', '{"alpha": 1}'], ['detection', 'not json'],
        ['detection', '{"weakLeadSource": {"weakBelow": 0.5, "strongAtLeast": 0.4}}'],
        ['spawning', '{"trafficAllocationPct": 30}'], ['spawning', '{"trafficAllocationPct": 100}'], ['spawning', 'null'],
        ['decision', '{"planned": {"spending": {"kind": "power", "rho": 2}}}'], ['decision', '{"planned": {"spending": {"kind": "power"}}}'],
        ['decision', '{"durationTest": "welch"}'], ['decision', '{"seed": {"keepMaxP": null}}'],
        ['sources', '{}'],
      ];
      for (const [key, value] of cases) {
        await db.query('delete from lh_settings');
        const refusedBySet = await setSetting(db, key, value).then(() => false, (e: unknown) => {
          if (e instanceof SettingRefusedError) return true;
          throw e;
        });
        const storedBySet = await db.query<{ value: string }>('select value from lh_settings where key = $1', [key]);
        assert.equal(storedBySet.length, refusedBySet ? 0 : 1, `${key} = ${value}`);
        await db.query('delete from lh_settings');
        // a bad ab_assignment is refused by the database itself, at the commit (the assignment trigger's
        // function is regenerated from it); anything else is stored, and the jobs' checks judge it
        const storable = await db.query('insert into lh_settings (key, value) values ($1, $2)', [key, value]).then(() => true, () => false);
        assert.equal(refusedBySet, !storable || await jobsRefuse(db), `${key} = ${value}: config set ${refusedBySet ? 'refuses' : 'accepts'} it`);
      }
    }));
  });
}
