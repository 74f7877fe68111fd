/**
 * The generated assignment trigger (migration 20261125001000) on PGlite and PostgreSQL: it must assign
 * exactly as the TypeScript rule (src/experiments/assignment.ts, itself checked against GrowthBook's
 * vectors) and as lh_ab_picks, in both modes (overlapping, exclusive: migration 20261203000100), on both of its paths (the constants for leads created after the newest
 * running test started, lh_ab_pick for older ones), and follow the running tests as they start, end,
 * change and disappear — including changes rolled back, and two transactions changing tests at once.
 * Also the reference rules that replaced the foreign key on ab_test_id (migration 20261125001100).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database, Queryable } from '../../src/db/port.ts';
import { connectPostgres } from '../../src/db/postgres.ts';
import { pickTests, type AbGroup, type AssignmentMode, type CandidateTest, type TestGroup } from '../../src/experiments/assignment.ts';
import { addTest, assignmentsOf, at, setAssignmentMode } from '../support/ab-tests.ts';
import { dbTargets, postgresUrlOf, withFreshDb } from '../support/databases.ts';

/** Tests as the database holds them now (the TypeScript rule gets exactly these). */
async function currentTests(db: Queryable): Promise<CandidateTest[]> {
  const rows = await db.query<{ id: number; pct: number; hash_seed: string | null; status: 'running' | 'completed'; started_at: Date; segment: string | null }>(
    'select id, traffic_allocation_pct::float8 as pct, hash_seed, status, started_at, segment from lh_ab_tests order by id');
  return rows.map((r) => ({ id: r.id, trafficAllocationPct: r.pct, hashSeed: r.hash_seed, status: r.status, startedAt: r.started_at, segment: r.segment }));
}

// sources: plain, segmented, a segment with a quote (the generated code must quote it), none, unknown
const SOURCES = ['zillow', 'referral', "o'brien", null, 'cold_call'] as const;

/**
 * Inserts `n` leads one statement each (the trigger fires per row as ingestion's would) with ids from
 * `firstId`, created `spreadMin` minutes apart from `fromMin`, and checks each against the TypeScript
 * rule (pickTests) for the tests as they are now and the given mode, and against lh_ab_picks: every row
 * of lh_ab_assignments, and the first one in the lead's own columns. Returns how many were assigned.
 */
async function insertAndCheck(db: Queryable, firstId: number, n: number, fromMin: number, spreadMin: number,
  mode: AssignmentMode = 'overlapping'): Promise<number> {
  const tests = await currentTests(db);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const id = firstId + i * 7919;
    const source = SOURCES[i % SOURCES.length]!;
    const createdAt = at(fromMin + i * spreadMin);
    const [row] = await db.query<{ ab_test_id: number | null; ab_test_group: AbGroup | null; picks: TestGroup[]; stamped: boolean }>(
      `with l as (insert into lh_lead_status (id, source, created_at) values ($1, $2, $3)
         returning id, source, created_at, ab_test_id, ab_test_group, ab_assigned_at)
       select l.ab_test_id, l.ab_test_group, (l.ab_assigned_at is not null) = (l.ab_test_id is not null) as stamped,
              (select coalesce(json_agg(json_build_object('testId', p.ab_test_id, 'group', p.ab_test_group) order by p.ab_test_id), '[]')
               from lh_ab_picks(l.id, l.source, l.created_at, $4) p) as picks
       from l`, [id, source, createdAt, mode === 'exclusive']);
    const ts = pickTests({ id, source, createdAt }, tests, mode);
    const label = `lead ${id} (${source}, ${createdAt.toISOString()}, ${mode})`;
    assert.deepEqual(await assignmentsOf(db, id), ts, label);
    assert.deepEqual(row!.picks.map((p) => ({ testId: Number(p.testId), group: p.group })), ts, `lh_ab_picks for ${label}`);
    assert.deepEqual([row!.ab_test_id, row!.ab_test_group], ts.length === 0 ? [null, null] : [ts[0]!.testId, ts[0]!.group], `first assignment of ${label}`);
    assert.ok(row!.stamped, `lead ${id}: ab_assigned_at set exactly when assigned`);
    if (ts.length > 0) assigned++;
  }
  return assigned;
}

/** The generated function's source and its pg_proc row version (changes exactly when it is regenerated). */
async function generated(db: Queryable): Promise<{ src: string; version: string }> {
  const [r] = await db.query<{ src: string; version: string }>(
    "select prosrc as src, xmin::text || ':' || ctid::text as version from pg_proc where oid = 'public.lh_assign_ab_test_on_insert()'::regprocedure");
  return r!;
}

for (const target of await dbTargets()) {
  describe(`generated assignment trigger on ${target.name}`, () => {
    for (const mode of ['overlapping', 'exclusive'] as const) it(`${mode}: assigns as the TypeScript rule and lh_ab_picks on both paths, as tests start, change, end and disappear`, () => withFreshDb(target, async (db) => {
      if (mode === 'exclusive') await setAssignmentMode(db, mode);
      await db.query('select lh_enable_assignment_trigger()');
      // no test: nothing assigned
      assert.equal(await insertAndCheck(db, 1, 20, 0, 1, mode), 0);
      const a = await addTest(db, { metric: 'contact_rate', startMin: 100 });
      await addTest(db, { metric: 'source_conversion_rate', startMin: 200, pct: 30, segment: 'referral' });
      await addTest(db, { metric: 'qualification_rate', startMin: 300, pct: 33.3, seed: 'seed-é-😀' });
      await addTest(db, { metric: 'avg_days_to_qualify', startMin: 400, pct: 1.1, segment: "o'brien" });
      // leads from before the first start to after the last: both paths, every source
      const first = await insertAndCheck(db, 1000, 300, 0, 2, mode);
      assert.ok(first > 150, `${first} assigned`);
      // changes that matter: allocation, seed, segment, a new test, one completed, one deleted
      await db.query('update lh_ab_tests set traffic_allocation_pct = 70 where id = $1', [a.id]);
      await db.query("update lh_ab_tests set hash_seed = 'moved' where metric_tracked = 'qualification_rate'");
      await db.query("update lh_ab_tests set segment = 'zillow' where metric_tracked = 'source_conversion_rate'");
      await addTest(db, { metric: 'f1_score', startMin: 900 });
      await insertAndCheck(db, 5000, 200, 800, 1, mode);
      await db.query("update lh_ab_tests set status = 'completed', ended_at = $1 where id = $2", [at(1200), a.id]);
      await db.query("delete from lh_ab_tests where metric_tracked = 'avg_days_to_qualify'");
      await insertAndCheck(db, 9000, 200, 1000, 1, mode);
      // everything gone: nothing assigned again
      await db.query('truncate lh_ab_tests');
      assert.equal(await insertAndCheck(db, 20000, 20, 2000, 1, mode), 0);
    }));

    it('reads the newest start exactly, whatever the DateStyle and TimeZone of the session that compiled it', () => withFreshDb(target, async (db) => {
      // one session: settings and compile and inserts on the same connection
      await db.transaction(async (tx) => {
        await tx.query("set local datestyle = 'SQL, DMY'");
        await tx.query("set local timezone = 'America/New_York'");
        await tx.query("insert into lh_ab_tests (test_name, metric_tracked, started_at) values ('t', 'contact_rate', '2026-03-04 05:06:07.123456+00')");
        await tx.query('select lh_enable_assignment_trigger()');
      });
      await db.query("insert into lh_lead_status (id, source, created_at) values (1, 'zillow', '2026-03-04 05:06:07.123455+00'), (2, 'zillow', '2026-03-04 05:06:07.123456+00')");
      const rows = await db.query<{ id: number; assigned: boolean }>('select id, ab_test_id is not null as assigned from lh_lead_status order by id');
      assert.deepEqual(rows.map((r) => ({ ...r })), [{ id: 1, assigned: false }, { id: 2, assigned: true }]);
    }));

    it('is regenerated when running tests change, not when the analysis writes results, and not by a rollback', () => withFreshDb(target, async (db) => {
      const t = await addTest(db, { metric: 'contact_rate', startMin: 0 });
      const v1 = await generated(db);
      assert.match(v1.src, new RegExp(`running tests \\{${t.id}\\}`));
      await db.query('update lh_ab_tests set control_sample_size = 10, treatment_sample_size = 12, p_value = 0.5 where id = $1', [t.id]);
      assert.equal((await generated(db)).version, v1.version, 'results-only update regenerated the trigger');
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query("insert into lh_ab_tests (test_name, metric_tracked) values ('x', 'f1_score')");
        throw new Error('roll back');
      }), /roll back/);
      assert.deepEqual(await generated(db), v1);
      const u = await addTest(db, { metric: 'f1_score', startMin: 10 });
      assert.match((await generated(db)).src, new RegExp(`running tests \\{${t.id}, ${u.id}\\}`));
    }));

    it('deleting or truncating tests releases their leads (group kept), and a referenced test keeps its id', () => withFreshDb(target, async (db) => {
      const a = await addTest(db, { metric: 'contact_rate', startMin: 0 });
      const b = await addTest(db, { metric: 'f1_score', startMin: 0 });
      await db.query(`insert into lh_lead_status (id, source, created_at, ab_test_id, ab_test_group)
        values (1, 'zillow', $1, $2, 'control'), (2, 'zillow', $1, $3, 'treatment'), (3, 'zillow', $1, null, null)`, [at(5), a.id, b.id]);
      const rows = async () => (await db.query<{ lead_id: number; test_id: number; ab_group: string; assigned_at: Date | null }>(
        'select lead_id, test_id, ab_group, assigned_at from lh_ab_assignments order by lead_id, test_id')).map((r) => ({ ...r }));
      // explicit groups are mirrored as given (no time given: none stored)
      assert.deepEqual(await rows(), [
        { lead_id: 1, test_id: a.id, ab_group: 'control', assigned_at: null },
        { lead_id: 2, test_id: b.id, ab_group: 'treatment', assigned_at: null }]);
      await assert.rejects(db.query('update lh_ab_tests set id = 999 where id = $1', [a.id]),
        (e: Error) => /lh_lead_status_ab_test_fk/.test(e.message) && /still referenced/.test(e.message));
      // a service moving a lead to the other group: mirrored; to a test that does not exist: refused
      await db.query("update lh_lead_status set ab_test_group = 'treatment' where id = 1");
      await assert.rejects(db.query('update lh_lead_status set ab_test_id = 424242 where id = 1'), /lh_lead_status_ab_test_fk/);
      assert.deepEqual((await rows())[0], { lead_id: 1, test_id: a.id, ab_group: 'treatment', assigned_at: null });
      await db.query("update lh_lead_status set ab_test_group = 'control' where id = 1");
      await db.query('delete from lh_ab_tests where id = $1', [a.id]);
      assert.deepEqual((await rows()).map((r) => r.lead_id), [2], 'the deleted test\'s rows go with it');
      const leads = async () => (await db.query('select id, ab_test_id, ab_test_group from lh_lead_status order by id')).map((r) => ({ ...r }));
      assert.deepEqual(await leads(), [
        { id: 1, ab_test_id: null, ab_test_group: 'control' },
        { id: 2, ab_test_id: b.id, ab_test_group: 'treatment' },
        { id: 3, ab_test_id: null, ab_test_group: null }]);
      // an unreferenced test may still be renumbered
      const c = await addTest(db, { metric: 'qualification_rate', startMin: 0 });
      await db.query('update lh_ab_tests set id = 999 where id = $1', [c.id]);
      await db.query('truncate lh_ab_tests');
      assert.deepEqual(await leads(), [
        { id: 1, ab_test_id: null, ab_test_group: 'control' },
        { id: 2, ab_test_id: null, ab_test_group: 'treatment' },
        { id: 3, ab_test_id: null, ab_test_group: null }]);
      assert.deepEqual(await rows(), []);
      // a deleted lead's rows go with it too
      const d = await addTest(db, { metric: 'contact_rate', startMin: 0 });
      await db.query('update lh_lead_status set ab_test_id = $1 where id in (1, 2)', [d.id]);
      assert.equal((await rows()).length, 2);
      await db.query('delete from lh_lead_status where id = 1');
      assert.deepEqual((await rows()).map((r) => r.lead_id), [2]);
      await db.query('truncate lh_lead_status');
      assert.deepEqual(await rows(), []);
    }));

    if (target.name === 'postgres') {
      it('two transactions starting tests at once both commit, and the trigger knows both', async () => {
        const db = await target.fresh();
        const conns: Database[] = [0, 1].map(() => connectPostgres(postgresUrlOf(db)!, { max: 1 }));
        try {
          await db.query('select lh_enable_assignment_trigger()');
          // both transactions insert their test before either commits, so both compile at commit
          let inserted = 0;
          let release!: () => void;
          const bothInserted = new Promise<void>((resolve) => { release = resolve; });
          const ids = await Promise.all(conns.map((c, i) => c.transaction(async (tx) => {
            const [r] = await tx.query<{ id: number }>("insert into lh_ab_tests (test_name, metric_tracked, started_at) values ($1, $1, $2) returning id",
              [i === 0 ? 'contact_rate' : 'f1_score', at(0)]);
            if (++inserted === 2) release();
            await bothInserted;
            return r!.id;
          })));
          assert.match((await generated(db)).src, new RegExp(`running tests \\{${Math.min(...ids)}, ${Math.max(...ids)}\\}`));
          const assigned = await insertAndCheck(db, 1, 100, 10, 1);
          const used = await db.query<{ test_id: number }>('select distinct test_id from lh_ab_assignments order by 1');
          assert.deepEqual(used.map((r) => Number(r.test_id)), [...ids].sort((x, y) => x - y));
          assert.ok(assigned > 50);
        } finally {
          await Promise.all(conns.map((c) => c.close()));
          await db.close();
        }
      });
    }
  });
}
