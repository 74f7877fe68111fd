/**
 * A database migrated only part of the way (issue 10 item 7): both jobs check every object they use
 * (DAILY_JOB_OBJECTS, ANALYSIS_JOB_OBJECTS in src/db/queries/schema-check.ts) before their first write, so
 * a missing one gets "run `lh-brain migrate`" and nothing is written: no metric row, no pattern score, no
 * healed skill. Before, `daily` wrote the day's metrics and then failed on the missing lh_detected_bottlenecks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { ANALYSIS_JOB_OBJECTS, DAILY_JOB_OBJECTS } from '../../src/db/queries/schema-check.ts';
import { AnalysisSchemaError, runAnalysisJob } from '../../src/jobs/analyze.ts';
import { DailySchemaError, runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';
import { dbTargets, postgresTarget, postgresUrlOf, withFreshDb } from '../support/databases.ts';
import { cli, errorLines, generatePipeline } from './support.ts';

const NOW = new Date('2026-01-21T00:01:00Z');
const deps = (db: Database) => ({ db, clock: fixedClock(NOW), logger: silentLogger });
const hasPostgres = (await dbTargets()).some((t) => t.name === 'postgres');

/** DROP … CASCADE for a schema-check name: a function when it has an argument list, else its relation kind. */
async function dropObject(db: Queryable, name: string): Promise<void> {
  if (name.includes('(')) {
    await db.query(`drop function ${name} cascade`);
    return;
  }
  const [row] = await db.query<{ kind: string }>(`select relkind::text as kind from pg_class where oid = to_regclass($1)`, [name]);
  await db.query(`drop ${row?.kind === 'i' ? 'index' : 'table'} ${name} cascade`);
}

const exists = async (db: Queryable, table: string) =>
  (await db.query<{ ok: boolean }>(`select to_regclass($1) is not null as ok`, [table]))[0]?.ok === true;
const count = async (db: Queryable, table: string): Promise<number | null> =>
  (await exists(db, table)) ? (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n : null;

/** A `testing` skill whose test was completed by hand: the healing would resolve it (a write). */
async function plantOrphan(db: Queryable): Promise<void> {
  await db.query(`insert into lh_spawned_skills (id, skill_type, skill_name, status) values (1, 'fast_responder', 'orphan', 'testing')`);
  await db.query(`insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, ended_at) values ('by hand', 1, 'contact_rate', 'completed', now())`);
}
const orphanStatus = async (db: Queryable) => (await exists(db, 'public.lh_spawned_skills'))
  ? (await db.query<{ s: string }>(`select status as s from lh_spawned_skills where id = 1`))[0]?.s ?? null : null;

for (const target of await dbTargets()) {
  describe(`a half-migrated database (${target.name})`, () => {
    it('migrated up to 20261125000400 (no lh_detected_bottlenecks): daily refuses before writing anything; after migrate it runs', async () => {
      const db = await target.empty();
      try {
        const all = loadMigrations();
        await migrate(db, all.filter((m) => m.name < '20261125000600'));
        await generatePipeline(db, 400, 20, '2026-01-20');
        await assert.rejects(runDailyJob(deps(db)), (e: unknown) => {
          assert.ok(e instanceof DailySchemaError, String(e));
          assert.match(e.message, /^the database is not migrated \(missing .*public\.lh_detected_bottlenecks.*\): run `lh-brain migrate` first$/);
          assert.match(e.message, /public\.lh_heal_skill_invariants\(timestamptz\)/);
          return true;
        });
        assert.equal(await count(db, 'public.lh_daily_metrics'), 0, 'no metric row written');
        assert.equal(await count(db, 'public.lh_pattern_performance'), 0, 'no pattern score written');
        await assert.rejects(runAnalysisJob(deps(db)), AnalysisSchemaError);

        await migrate(db, all);
        const result = await runDailyJob(deps(db));
        assert.equal(result.days.length, 1);
        assert.equal(await count(db, 'public.lh_daily_metrics'), 1);
      } finally {
        await db.close();
      }
    });

    it('each object the daily job uses, dropped in turn: refused, named, nothing written', async () => {
      for (const name of DAILY_JOB_OBJECTS) {
        await withFreshDb(target, async (db) => {
          await generatePipeline(db, 200, 10, '2026-01-20');
          await plantOrphan(db);
          await dropObject(db, name);
          await assert.rejects(runDailyJob(deps(db)), (e: unknown) => {
            assert.ok(e instanceof DailySchemaError, `${name}: ${String(e)}`);
            assert.ok(e.message.includes(name) && e.message.endsWith('run `lh-brain migrate` first'), `${name}: ${e.message}`);
            return true;
          });
          for (const t of ['public.lh_daily_metrics', 'public.lh_pattern_performance', 'public.lh_detected_bottlenecks']) {
            const n = await count(db, t);
            assert.ok(n === null || n === 0, `${name} dropped: ${t} has ${n} row(s)`);
          }
          const status = await orphanStatus(db);
          assert.ok(status === null || status === 'testing', `${name} dropped: the orphan skill was healed (${status})`);
        });
      }
    });

    it('each object the analysis uses, dropped in turn: refused, named, the orphan skill untouched', async () => {
      for (const name of ANALYSIS_JOB_OBJECTS) {
        await withFreshDb(target, async (db) => {
          await plantOrphan(db);
          await dropObject(db, name);
          await assert.rejects(runAnalysisJob(deps(db)), (e: unknown) => {
            assert.ok(e instanceof AnalysisSchemaError, `${name}: ${String(e)}`);
            assert.ok(e.message.includes(name), `${name}: ${e.message}`);
            return true;
          });
          const status = await orphanStatus(db);
          assert.ok(status === null || status === 'testing', `${name} dropped: the orphan skill was healed (${status})`);
        });
      }
    });
  });
}

describe('a half-migrated database from the CLI', { skip: hasPostgres ? false : 'PostgreSQL not available (CI has it)' }, () => {
  it('daily and analyze: exit 1, one line "run `lh-brain migrate`", no metric row', async () => {
    const db = await postgresTarget.fresh();
    try {
      await generatePipeline(db, 200, 10, '2026-01-20');
      await db.query('drop table lh_detected_bottlenecks');
      await db.query('drop function lh_heal_skill_invariants(timestamptz)');
      const url = postgresUrlOf(db)!;
      for (const command of ['daily', 'analyze']) {
        const run = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', command]);
        assert.equal(run.code, 1, run.stderr);
        assert.equal(run.stdout, '');
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
        assert.match(errorLines(run.stderr)[0] ?? '',
          /^lh-brain: the database is not migrated \(missing .*lh_heal_skill_invariants.*\): run `lh-brain migrate` first$/);
      }
      assert.equal(await count(db, 'public.lh_daily_metrics'), 0);
    } finally {
      await db.close();
    }
  });
});
