/**
 * SQL assignment (migration 20261125000400) on PGlite and PostgreSQL, and its agreement with the
 * TypeScript twin (src/experiments/assignment.ts). Hash vectors: GrowthBook test/cases.json.
 * Split tolerances are 4 binomial standard deviations, 4 * sqrt(n p (1 - p)).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queryable } from '../../src/db/port.ts';
import { fnv1a32, hashV2, hashV2Bucket } from '../../src/experiments/hash.ts';
import { chiSquareSf } from '../../src/stats/distributions.ts';
import { EXCLUSION_SEED, assignLead, pickTests, type AbGroup, type CandidateTest } from '../../src/experiments/assignment.ts';
import { addTest, assignmentsOf, at, setAssignmentMode, type TestSpec } from '../support/ab-tests.ts';
import { dbTargets, withFreshDb } from '../support/databases.ts';

const N = 10_000;
const fourSigma = (n: number, p: number): number => 4 * Math.sqrt(n * p * (1 - p));

/** Leads ids first..last, one a minute from `startMin`, all of one source: one set-based insert. */
async function addLeads(db: Queryable, first: number, last: number, startMin: number, source = 'zillow'): Promise<void> {
  await db.query(`insert into lh_lead_status (id, source, created_at)
    select g, $3, $4::timestamptz + (g - $1) * interval '1 minute' from generate_series($1::bigint, $2::bigint) g`,
  [first, last, source, at(startMin)]);
}

async function groupCounts(db: Queryable): Promise<Map<string, number>> {
  const rows = await db.query<{ k: string; n: number }>(`select coalesce(ab_test_id::text, '-') || ':' || coalesce(ab_test_group, '-') as k,
    count(*)::int as n from lh_lead_status group by 1`);
  return new Map(rows.map((r) => [r.k, r.n]));
}

async function snapshot(db: Queryable): Promise<string> {
  const [r] = await db.query<{ s: string }>(`select md5(string_agg(id || ':' || coalesce(ab_test_id::text, '') || ':' ||
    coalesce(ab_test_group, '') || ':' || coalesce(ab_assigned_at::text, ''), ',' order by id)) as s from lh_lead_status`);
  return r!.s;
}

const withDb = withFreshDb;

for (const target of await dbTargets()) {
  describe(`assignment hash in SQL on ${target.name}`, () => {
    it('matches the test vectors and the TypeScript on non-ASCII text', () => withDb(target, async (db) => {
      const [r] = await db.query<Record<string, number>>(`select lh_fnv1a32('a') as a, lh_fnv1a32('') as empty,
        lh_hash_v2('seed', 'a') as v1, lh_hash_v2('foo', 'ab') as v2, lh_fnv1a32($1) as uni, lh_hash_v2_bucket($1, '12') as ub`,
      ['é€\u{1F600}x']);
      assert.deepEqual(r, { a: 0xe40c292c, empty: 0x811c9dc5, v1: 0.0505, v2: 0.2575,
        uni: fnv1a32('é€\u{1F600}x'), ub: hashV2Bucket('é€\u{1F600}x', '12') });
    }));

    it('agrees with TypeScript on 10,000 lead ids (one set-based query)', () => withDb(target, async (db) => {
      const rows = await db.query<{ id: number; f: number; b: number; h: number; x: number }>(`select g * 7919 + 3 as id,
          lh_fnv1a32((g * 7919 + 3)::text) as f, lh_hash_v2_bucket('lh-ab-12', (g * 7919 + 3)::text) as b,
          lh_hash_v2('seed', (g * 7919 + 3)::text) as h, lh_hash_v2_bucket($1, (g * 7919 + 3)::text) as x
        from generate_series(0, $2::int - 1) g order by g`, [EXCLUSION_SEED, N]);
      assert.equal(rows.length, N);
      for (const r of rows) {
        const id = String(r.id);
        assert.deepEqual(r, { id: r.id, f: fnv1a32(id), b: hashV2Bucket('lh-ab-12', id), h: hashV2('seed', id), x: hashV2Bucket(EXCLUSION_SEED, id) });
      }
    }));

    it('splits two tests independently (agreement of their 50/50 splits is 50% within 4 sigma)', () => withDb(target, async (db) => {
      const [r] = await db.query<{ agree: number }>(`select count(*) filter (where
          (lh_hash_v2('lh-ab-1', g::text) < 0.5) = (lh_hash_v2('lh-ab-2', g::text) < 0.5))::int as agree
        from generate_series(1, $1::int) g`, [N]);
      assert.ok(Math.abs(r!.agree - N / 2) <= fourSigma(N, 0.5), `agreement ${r!.agree}`);
    }));
  });

  describe(`lh_assign_pending_leads / lh_assign_ab_test on ${target.name}`, () => {
    for (const pct of [50, 30]) {
      it(`${pct}% allocation: treatment share over 10,000 leads within 4 sigma`, () => withDb(target, async (db) => {
        const id = (await addTest(db, { metric: 'contact_rate', startMin: 0, pct })).id;
        await addLeads(db, 1, N, 0);
        const [r] = await db.query<{ n: number }>('select lh_assign_pending_leads($1) as n', [at(N + 1)]);
        assert.equal(r!.n, N);
        const c = await groupCounts(db);
        const t = c.get(`${id}:treatment`) ?? 0;
        assert.equal(t + (c.get(`${id}:control`) ?? 0), N);
        assert.ok(Math.abs(t - (N * pct) / 100) <= fourSigma(N, pct / 100), `treatment ${t} of ${N}`);
      }));
    }

    for (const mode of ['overlapping', 'exclusive'] as const) {
      it(`${mode}: agrees with the TypeScript rule on 10,000 leads over concurrent, segmented and completed tests`, () => withDb(target, async (db) => {
        if (mode === 'exclusive') await setAssignmentMode(db, mode);
        const tests: CandidateTest[] = [];
        const specs: TestSpec[] = [
          { metric: 'contact_rate', startMin: 0, pct: 50 },
          { metric: 'source_conversion_rate', startMin: 2000, pct: 30, segment: 'referral' },
          { metric: 'qualification_rate', startMin: 5000, pct: 33.3, seed: 'renamed-test-seed' },
          { metric: 'f1_score', startMin: -100, pct: 1.1, status: 'completed' },
          { metric: 'avg_days_to_qualify', startMin: 7000, pct: 1.1 },
        ];
        for (const spec of specs) tests.push(await addTest(db, spec));
        const sources = ['zillow', 'referral', 'cold_call'];
        // lead i: id i * 7919 + 3, source by i mod 3, created at minute i - 500 (some before every test)
        await db.query(`insert into lh_lead_status (id, source, created_at)
          select g * 7919 + 3, ($2::text[])[g % 3 + 1], $3::timestamptz + (g - 500) * interval '1 minute'
          from generate_series(0, $1::int - 1) g`, [N, sources, at(0)]);
        await db.query('select lh_assign_pending_leads()');
        const leads = await db.query<{ id: number; ab_test_id: number | null; ab_test_group: AbGroup | null }>(
          'select id, ab_test_id, ab_test_group from lh_lead_status order by id');
        const rows = await db.query<{ lead_id: number; test_id: number; ab_group: AbGroup }>(
          'select lead_id, test_id, ab_group from lh_ab_assignments order by lead_id, test_id');
        const byLead = new Map<number, { testId: number; group: AbGroup }[]>();
        for (const r of rows) byLead.set(Number(r.lead_id), [...(byLead.get(Number(r.lead_id)) ?? []), { testId: Number(r.test_id), group: r.ab_group }]);
        let multi = 0;
        for (const [i, r] of leads.entries()) {
          const lead = { id: i * 7919 + 3, source: sources[i % 3]!, createdAt: at(i - 500) };
          const ts = pickTests(lead, tests, mode);
          assert.deepEqual(byLead.get(lead.id) ?? [], ts, `lead ${lead.id}`);
          assert.deepEqual([r.ab_test_id, r.ab_test_group], ts.length === 0 ? [null, null] : [ts[0]!.testId, ts[0]!.group], `first of lead ${lead.id}`);
          if (ts.length > 1) multi++;
        }
        assert.equal(rows.length, [...byLead.values()].reduce((n, a) => n + a.length, 0));
        if (mode === 'exclusive') assert.equal(multi, 0);
        else assert.ok(multi > 5000, `${multi} leads in two or more tests`);
      }));
    }

    it('is sticky: a second call changes nothing, and a new test does not move assigned leads', () => withDb(target, async (db) => {
      const first = (await addTest(db, { metric: 'contact_rate', startMin: 0 })).id;
      await addLeads(db, 1, 3000, -1000); // ids 1..1000 before the start, 1001..3000 after
      const [a] = await db.query<{ n: number }>('select lh_assign_pending_leads() as n');
      assert.equal(a!.n, 2000);
      const before = await snapshot(db);
      const [again] = await db.query<{ n: number }>('select lh_assign_pending_leads() as n');
      assert.equal(again!.n, 0);
      const [one] = await db.query<{ r: { status: string; ab_test_id: number } }>('select lh_assign_ab_test(1500) as r');
      assert.equal(one!.r.status, 'kept');
      assert.equal(one!.r.ab_test_id, first);
      assert.equal(await snapshot(db), before);
      // end the test, start a new one on the same metric: old leads stay, new leads go to the new test
      await db.query(`update lh_ab_tests set status = 'completed', ended_at = $2 where id = $1`, [first, at(3000)]);
      const second = (await addTest(db, { metric: 'contact_rate', startMin: 3000 })).id;
      await addLeads(db, 3001, 4000, 3000);
      const [b] = await db.query<{ n: number }>('select lh_assign_pending_leads() as n');
      assert.equal(b!.n, 1000);
      const [moved] = await db.query<{ n: number }>(`select count(*)::int as n from lh_lead_status
        where (id <= 1000 and ab_test_id is not null) or (id between 1001 and 3000 and ab_test_id is distinct from $1)
          or (id > 3000 and ab_test_id is distinct from $2)`, [first, second]);
      assert.equal(moved!.n, 0);
    }));

    it('exclusive setting: keeps concurrent tests exclusive: every eligible lead in exactly one, traffic shared evenly', () => withDb(target, async (db) => {
      await setAssignmentMode(db, 'exclusive');
      const a = (await addTest(db, { metric: 'contact_rate', startMin: 0 })).id;
      const b = (await addTest(db, { metric: 'qualification_rate', startMin: 0, pct: 30 })).id;
      await addLeads(db, 1, N, 0);
      await db.query('select lh_assign_pending_leads()');
      const c = await groupCounts(db);
      const inA = (c.get(`${a}:control`) ?? 0) + (c.get(`${a}:treatment`) ?? 0);
      const inB = (c.get(`${b}:control`) ?? 0) + (c.get(`${b}:treatment`) ?? 0);
      assert.equal(inA + inB, N); // one ab_test_id column: no lead can be in both; none left out
      assert.ok(Math.abs(inA - N / 2) <= fourSigma(N, 0.5), `test a has ${inA}`);
      const tb = c.get(`${b}:treatment`) ?? 0;
      assert.ok(Math.abs(tb - inB * 0.3) <= fourSigma(inB, 0.3), `test b treatment ${tb} of ${inB}`);
      const ta = c.get(`${a}:treatment`) ?? 0;
      assert.ok(Math.abs(ta - inA * 0.5) <= fourSigma(inA, 0.5), `test a treatment ${ta} of ${inA}`);
    }));

    it('overlapping: two tests on 10,000 leads, each 50/50 within 4 sigma, their groups independent (chi-square), SQL = TypeScript', () => withDb(target, async (db) => {
      const a = await addTest(db, { metric: 'contact_rate', startMin: 0 });
      const b = await addTest(db, { metric: 'qualification_rate', startMin: 0 });
      await addLeads(db, 1, N, 0);
      const [r] = await db.query<{ n: number }>('select lh_assign_pending_leads($1) as n', [at(N + 1)]);
      assert.equal(r!.n, N);
      const cells = await db.query<{ ga: AbGroup; gb: AbGroup; n: number }>(`select x.ab_group as ga, y.ab_group as gb, count(*)::int as n
        from lh_ab_assignments x join lh_ab_assignments y on y.lead_id = x.lead_id and y.test_id = $2
        where x.test_id = $1 group by 1, 2 order by 1, 2`, [a.id, b.id]);
      const cell = (ga: AbGroup, gb: AbGroup): number => cells.find((c) => c.ga === ga && c.gb === gb)?.n ?? 0;
      const total = cells.reduce((s, c) => s + c.n, 0);
      assert.equal(total, N, 'every lead in both tests');
      for (const [name, t] of [['a', cell('treatment', 'control') + cell('treatment', 'treatment')], ['b', cell('control', 'treatment') + cell('treatment', 'treatment')]] as const) {
        assert.ok(Math.abs(t - N / 2) <= fourSigma(N, 0.5), `test ${name}: ${t} of ${N} in treatment`);
      }
      // Pearson chi-square of the 2x2 table of the two tests' groups, 1 degree of freedom
      const groups: AbGroup[] = ['control', 'treatment'];
      let chi2 = 0;
      for (const ga of groups) {
        for (const gb of groups) {
          const rowN = cell(ga, 'control') + cell(ga, 'treatment');
          const colN = cell('control', gb) + cell('treatment', gb);
          const expected = (rowN * colN) / N;
          chi2 += (cell(ga, gb) - expected) ** 2 / expected;
        }
      }
      const p = chiSquareSf(chi2, 1);
      assert.ok(p > 0.001, `groups dependent: chi2 ${chi2.toFixed(2)}, p ${p}`);
      // and lead by lead the TypeScript rule gives the same rows
      for (const id of [1, 2, 3, 500, 5000, N]) {
        assert.deepEqual(await assignmentsOf(db, id), pickTests({ id, source: 'zillow', createdAt: at(id - 1) }, [a, b], 'overlapping'));
      }
    }));

    it('assigns once: a lead assigned while one test ran is not added to a test that started later, nor after a switch of mode', () => withDb(target, async (db) => {
      const a = await addTest(db, { metric: 'contact_rate', startMin: 0 });
      await addLeads(db, 1, 100, 10);
      await db.query('select lh_assign_pending_leads()');
      await addTest(db, { metric: 'qualification_rate', startMin: 0 }); // started "before" those leads, added later
      await setAssignmentMode(db, 'exclusive');
      await setAssignmentMode(db, 'overlapping');
      const [again] = await db.query<{ n: number }>('select lh_assign_pending_leads() as n');
      assert.equal(again!.n, 0);
      const [k] = await db.query<{ r: { status: string; assignments: { test_id: number }[] } }>('select lh_assign_ab_test(7) as r');
      assert.equal(k!.r.status, 'kept');
      assert.deepEqual(k!.r.assignments.map((x) => x.test_id), [a.id]);
      const [n] = await db.query<{ n: number }>('select count(*)::int as n from lh_ab_assignments where test_id <> $1', [a.id]);
      assert.equal(n!.n, 0);
    }));

    it('refuses an unknown ab_assignment value at commit, naming the key and both values', () => withDb(target, async (db) => {
      await assert.rejects(db.query(`insert into lh_settings (key, value) values ('ab_assignment', 'overlap')`),
        /lh_settings\.ab_assignment must be overlapping .* or exclusive .*, got 'overlap'/);
      const [p] = await db.query<{ n: number }>(`select count(*)::int as n from lh_settings where key = 'ab_assignment'`);
      assert.equal(p!.n, 0);
    }));

    it('assigns only leads created at or after the start, and only in the segment', () => withDb(target, async (db) => {
      const seg = (await addTest(db, { metric: 'source_conversion_rate', startMin: 0, segment: 'referral' })).id;
      await addLeads(db, 1, 10, -10, 'referral'); // minutes -10..-1: before the start
      await addLeads(db, 11, 20, 0, 'referral'); // minute 0 exactly, and after
      await addLeads(db, 21, 30, 10, 'zillow'); // after, other source
      await db.query('select lh_assign_pending_leads()');
      const rows = await db.query<{ id: number; ab_test_id: number | null }>('select id, ab_test_id from lh_lead_status order by id');
      assert.deepEqual(rows.filter((r) => r.ab_test_id !== null).map((r) => r.id), Array.from({ length: 10 }, (_, i) => i + 11));
      assert.ok(rows.every((r) => r.ab_test_id === null || r.ab_test_id === seg));
      const [none] = await db.query<{ r: { status: string } }>('select lh_assign_ab_test(25) as r');
      assert.equal(none!.r.status, 'none');
    }));

    it('lh_assign_ab_test assigns once with the given time and reports unknown leads', () => withDb(target, async (db) => {
      const id = (await addTest(db, { metric: 'contact_rate', startMin: 0 })).id;
      await addLeads(db, 1, 1, 5);
      const now = at(60);
      const [r] = await db.query<{ r: Record<string, unknown> }>('select lh_assign_ab_test(1, $1) as r', [now]);
      const group = assignLead({ id: 1, source: 'zillow', createdAt: at(5), abTestId: null, abTestGroup: null },
        [{ id, trafficAllocationPct: 50, status: 'running', startedAt: at(0), segment: null }]);
      assert.equal(group.kind, 'assigned');
      assert.deepEqual({ ...r!.r, ab_assigned_at: new Date(r!.r['ab_assigned_at'] as string).toISOString() },
        { lead_id: 1, status: 'assigned', ab_test_id: id, ab_test_group: group.kind === 'assigned' ? group.group : null,
          ab_assigned_at: now.toISOString(),
          assignments: [{ test_id: id, ab_group: group.kind === 'assigned' ? group.group : null, assigned_at: r!.r['ab_assigned_at'] }] });
      const [row] = await db.query<{ ab_assigned_at: Date }>('select ab_assigned_at from lh_lead_status where id = 1');
      assert.equal(row!.ab_assigned_at.toISOString(), now.toISOString());
      await assert.rejects(db.query('select lh_assign_ab_test(999)'), /lead 999 does not exist/);
    }));
  });

  describe(`assignment trigger on ${target.name}`, () => {
    it('is off by default, assigns at insert when on, keeps explicit values, and turns off again', () => withDb(target, async (db) => {
      const enabled = async (): Promise<boolean> => (await db.query<{ e: boolean }>('select lh_assignment_trigger_enabled() as e'))[0]!.e;
      const id = (await addTest(db, { metric: 'contact_rate', startMin: 0 })).id;
      const ins = (leadId: number, testId: number | null = null, group: AbGroup | null = null) => db.query(
        'insert into lh_lead_status (id, source, created_at, ab_test_id, ab_test_group) values ($1, $2, $3, $4, $5)',
        [leadId, 'zillow', at(leadId), testId, group]);
      assert.equal(await enabled(), false);
      await ins(1);
      await db.query('select lh_enable_assignment_trigger()');
      await db.query('select lh_enable_assignment_trigger()'); // idempotent
      assert.equal(await enabled(), true);
      for (let leadId = 2; leadId <= 40; leadId++) await ins(leadId);
      // explicit at insert: the group the hash would NOT give, and a group without a test id
      const tsGroup = (leadId: number): AbGroup => {
        const a = assignLead({ id: leadId, source: 'zillow', createdAt: at(leadId), abTestId: null, abTestGroup: null },
          [{ id, trafficAllocationPct: 50, status: 'running', startedAt: at(0), segment: null }]);
        assert.equal(a.kind, 'assigned');
        return a.kind === 'assigned' ? a.group : 'control';
      };
      const opposite = tsGroup(41) === 'control' ? 'treatment' : 'control';
      await ins(41, id, opposite);
      await ins(42, null, 'control');
      await db.query('select lh_disable_assignment_trigger()');
      await db.query('select lh_disable_assignment_trigger()');
      assert.equal(await enabled(), false);
      await ins(43);
      const rows = await db.query<{ id: number; ab_test_id: number | null; ab_test_group: AbGroup | null; ab_assigned_at: Date | null }>(
        'select id, ab_test_id, ab_test_group, ab_assigned_at from lh_lead_status order by id');
      const by = new Map(rows.map((r) => [r.id, r]));
      assert.equal(by.get(1)?.ab_test_id, null);
      for (let leadId = 2; leadId <= 40; leadId++) {
        assert.equal(by.get(leadId)?.ab_test_id, id);
        assert.equal(by.get(leadId)?.ab_test_group, tsGroup(leadId));
        assert.ok(by.get(leadId)?.ab_assigned_at instanceof Date);
      }
      assert.deepEqual({ ...by.get(41) }, { id: 41, ab_test_id: id, ab_test_group: opposite, ab_assigned_at: null });
      assert.deepEqual({ ...by.get(42) }, { id: 42, ab_test_id: null, ab_test_group: 'control', ab_assigned_at: null });
      assert.equal(by.get(43)?.ab_test_id, null);
      // explicit assignments are kept by the other entry points too
      const [k] = await db.query<{ r: { status: string; ab_test_group: string } }>('select lh_assign_ab_test(41) as r');
      assert.deepEqual([k!.r.status, k!.r.ab_test_group], ['kept', opposite]);
      await db.query('select lh_assign_pending_leads()');
      const [after42] = await db.query<{ ab_test_id: number | null }>('select ab_test_id from lh_lead_status where id = 42');
      assert.equal(after42!.ab_test_id, null);
    }));

    it('grants no execute right to PUBLIC on the assignment functions', () => withDb(target, async (db) => {
      const rows = await db.query<{ name: string }>(`select p.proname as name from pg_proc p
        cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        where p.pronamespace = 'public'::regnamespace and a.grantee = 0
          and p.proname in ('lh_fnv1a32', 'lh_hash_v2_bucket', 'lh_hash_v2', 'lh_ab_choose', 'lh_assign_ab_test',
            'lh_assign_pending_leads', 'lh_assign_ab_test_on_insert', 'lh_enable_assignment_trigger',
            'lh_disable_assignment_trigger', 'lh_assignment_trigger_enabled', 'lh_compile_assignment_trigger', 'lh_ab_tests_recompile',
            'lh_revoke_client_execute', 'lh_lead_status_check_ab_test', 'lh_ab_tests_release_leads', 'lh_ab_tests_keep_id')`);
      assert.deepEqual(rows, []);
    }));
  });
}
