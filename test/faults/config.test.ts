/**
 * Bad configuration and an unmigrated database, on both databases: lh_settings holding a zone PostgreSQL
 * does not know or a source window that is not a whole number of days, and jobs pointed at a database
 * the migrations never ran on. Each is refused before anything is written, with a message that names the
 * setting (or the missing migration) and the fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { sqlState } from '../../src/db/port.ts';
import { AnalysisSchemaError, runAnalysisJob } from '../../src/jobs/analyze.ts';
import { DailySchemaError, runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';
import { SettingsError } from '../../src/jobs/settings.ts';
import { dbTargets, postgresUrlOf, withFreshDb } from '../support/databases.ts';
import { cli, errorLines } from './support.ts';
import { buildReport } from '../../src/report/build.ts';

const deps = (db: Database) => ({ db, clock: fixedClock(new Date('2026-01-21T00:01:00Z')), logger: silentLogger });
const written = async (db: Queryable): Promise<number[]> => {
  const [r] = await db.query<{ m: number; p: number; s: number }>(`select (select count(*) from lh_daily_metrics)::int as m,
    (select count(*) from lh_pattern_performance)::int as p, (select count(*) from lh_spawned_skills)::int as s`);
  return [r!.m, r!.p, r!.s];
};
const setting = (db: Queryable, key: string, value: string) => db.query('update lh_settings set value = $2 where key = $1', [key, value]);

const withDb = withFreshDb;

const targets = await dbTargets();
for (const target of targets) {
  describe(`bad configuration on ${target.name}`, () => {
    it('an unknown business_time_zone: DailySchemaError naming the setting; the SQL function says 22023; nothing written', () => withDb(target, async (db) => {
      await db.query(`insert into lh_lead_status (source, status, created_at) values ('zillow', 'new', '2026-01-20T10:00Z')`);
      await setting(db, 'business_time_zone', 'Europe/Atlantis');
      await assert.rejects(runDailyJob(deps(db)), (e: unknown) =>
        e instanceof DailySchemaError && /lh_settings\.business_time_zone holds an unknown time zone "Europe\/Atlantis"/.test(e.message));
      await assert.rejects(db.query(`select lh_update_daily_metrics('2026-01-20')`),
        (e: unknown) => sqlState(e) === '22023' && /unknown time zone "Europe\/Atlantis"/.test((e as Error).message));
      // the report names the setting too
      await assert.rejects(buildReport(db, { now: new Date('2026-01-21T00:01:00Z') }),
        /lh_settings\.business_time_zone holds an unknown time zone "Europe\/Atlantis"/);
      assert.deepEqual(await written(db), [0, 0, 0]);
    }));

    for (const bad of ['abc', '2.5', '0', '-3', '', '100000']) {
      it(`source_window_days = "${bad}": SettingsError naming the setting and the value, nothing written`, () => withDb(target, async (db) => {
        await setting(db, 'source_window_days', bad);
        // the database's rule for the key (lh_setting_problem), quoting the value as SQL does
        await assert.rejects(runDailyJob(deps(db), { from: '2026-01-18', to: '2026-01-20' }), (e: unknown) =>
          e instanceof SettingsError && e.message === `lh_settings.source_window_days must be a whole number of days from 1 to 36500, got '${bad}'`);
        assert.deepEqual(await written(db), [0, 0, 0]);
      }));
    }

    it('a valid source window with spaces is honoured; an empty lh_settings falls back to UTC and 30 days', () => withDb(target, async (db) => {
      // one lead created 20 days before D: inside a 30-day window, outside a 14-day one
      await db.query(`insert into lh_lead_status (source, status, created_at) values ('zillow', 'new', '2025-12-31T10:00Z')`);
      await setting(db, 'source_window_days', ' 14 ');
      const narrow = await runDailyJob(deps(db));
      assert.deepEqual(narrow.days[0]!.metrics.sourceMetrics, {});
      await db.query('delete from lh_settings');
      const defaults = await runDailyJob(deps(db));
      assert.equal(defaults.timeZone, 'UTC');
      assert.equal(defaults.days[0]!.metrics.sourceMetrics['zillow']?.leads, 1);
    }));
  });

  describe(`an unmigrated database on ${target.name}`, () => {
    it('the daily and the analysis jobs refuse it with "run lh-brain migrate first", creating nothing', async () => {
      const db = await target.empty();
      try {
        await assert.rejects(runDailyJob(deps(db)), (e: unknown) =>
          e instanceof DailySchemaError && /not migrated \(missing public\.lh_settings.*run `lh-brain migrate` first/.test(e.message));
        await assert.rejects(runAnalysisJob(deps(db)), (e: unknown) =>
          e instanceof AnalysisSchemaError && /not migrated \(missing public\.lh_ab_tests.*run `lh-brain migrate` first/.test(e.message));
        const tables = await db.query(`select tablename from pg_tables where schemaname = 'public'`);
        assert.deepEqual(tables, []);
      } finally {
        await db.close();
      }
    });
  });
}

const pg = targets.find((t) => t.name === 'postgres');
describe('the CLI on an unmigrated PostgreSQL database', { skip: pg ? false : 'PostgreSQL not available' }, () => {
  it('daily, analyze and report: exit 1 with one line telling to run migrate', async () => {
    const db = await pg!.empty();
    try {
      const url = postgresUrlOf(db)!;
      for (const command of ['daily', 'analyze', 'report']) {
        const run = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', command]);
        assert.equal(run.code, 1, `${command}: ${run.stderr}`);
        const lines = errorLines(run.stderr);
        assert.equal(lines.length, 1, run.stderr);
        assert.match(lines[0]!, /run `lh-brain migrate` first/, command);
        assert.equal(run.stdout, '');
      }
    } finally {
      await db.close();
    }
  });
});
