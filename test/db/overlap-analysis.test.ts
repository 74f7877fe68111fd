/**
 * Overlapping tests through the weekly analysis on both databases (issue 11 item 3): each test counts its
 * own leads from lh_ab_assignments (every lead is in both tests here), and the interaction check of every
 * overlapping pair is stored in results.interactions and shown by the report. The outcomes are planted per
 * cell of the two tests' groups: an additive pattern (no interaction) and one where test A's skill works
 * only beside test B's treatment. Cell rates are exact fractions (lead id mod 10), so the expected δ is
 * known: additive 0, planted (0.6 − 0.2) − (0.2 − 0.2) = 0.4.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database, Queryable } from '../../src/db/port.ts';
import { readTestResults } from '../../src/experiments/results-document.ts';
import { runAnalysisJob } from '../../src/jobs/analyze.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildReport } from '../../src/report/build.ts';
import { testLine } from '../../src/report/format.ts';
import { dbTargets, withFreshDb } from '../support/databases.ts';

const NOW = new Date('2026-03-02T09:00:00Z');
const STARTED = '2026-02-01T00:00:00Z';
const N = 4000;

async function createTest(db: Queryable, id: number, metric: string): Promise<void> {
  // a huge min_sample_size: the seed rule keeps both tests running, so the test is about the counts and checks
  await db.query(`insert into lh_ab_tests (id, test_name, metric_tracked, min_sample_size, policy, started_at)
    values ($1, $2, $3, 1000000, 'seed', $4)`, [id, `Test ${id}`, metric, STARTED]);
}

/**
 * N leads in both tests (overlapping assignment), every one contacted; qualified when (id mod 10) is below
 * the cell's rate in tenths, so each cell converts at exactly (about) that rate.
 */
async function plant(db: Queryable, tenths: { cc: number; ct: number; tc: number; tt: number }, n = N): Promise<void> {
  await db.query(`insert into lh_lead_status (id, source, status, created_at)
    select g, 'zillow', 'new', $2::timestamptz + g * interval '1 minute' from generate_series(1, $1::int) g`, [n, '2026-02-02T00:00:00Z']);
  const [r] = await db.query<{ n: number }>('select lh_assign_pending_leads() as n');
  assert.equal(r!.n, n);
  await db.query(`update lh_lead_status l set status = case when l.id % 10 < c.rate then 'qualified' else 'contacted' end,
      contacted_at = l.created_at + interval '1 hour',
      qualified_at = case when l.id % 10 < c.rate then l.created_at + interval '2 days' end
    from (select a.lead_id, case a.ab_group || '/' || b.ab_group
            when 'control/control' then $1::int when 'control/treatment' then $2::int
            when 'treatment/control' then $3::int else $4::int end as rate
          from lh_ab_assignments a join lh_ab_assignments b on b.lead_id = a.lead_id and b.test_id = 2
          where a.test_id = 1) c
    where c.lead_id = l.id`, [tenths.cc, tenths.ct, tenths.tc, tenths.tt]);
}

async function analyse(db: Database) {
  return runAnalysisJob({ db, clock: fixedClock(NOW), logger: silentLogger });
}

async function interactionsOf(db: Queryable, id: number) {
  const [row] = await db.query<{ results: unknown }>('select results from lh_ab_tests where id = $1', [id]);
  const doc = readTestResults(row!.results);
  assert.equal(doc.kind, 'ok');
  return doc.kind === 'ok' ? doc.results.interactions ?? [] : [];
}

for (const target of await dbTargets()) {
  describe(`overlapping tests in the weekly analysis on ${target.name}`, () => {
    it('each test counts every lead it shares; an additive pattern is no interaction (δ ≈ 0)', () => withFreshDb(target, async (db) => {
      await createTest(db, 1, 'conversion_rate');
      await createTest(db, 2, 'qualification_rate');
      await plant(db, { cc: 2, ct: 3, tc: 3, tt: 4 });
      const r = await analyse(db);
      for (const id of [1, 2]) {
        const t = r.tests.find((x) => x.testId === id);
        assert.ok(t && t.kind === 'analyzed', JSON.stringify(t));
        if (t.kind === 'analyzed') assert.equal(t.control.assigned + t.treatment.assigned, N, `test ${id} counts all ${N} leads`);
      }
      const [a] = await interactionsOf(db, 1);
      assert.ok(a);
      assert.equal(a.otherTestId, 2);
      assert.equal(a.otherMetric, 'qualification_rate');
      assert.equal(a.cellN.cc + a.cellN.ct + a.cellN.tc + a.cellN.tt, N);
      assert.equal(a.verdict, 'no-interaction');
      assert.ok(Math.abs(a.estimate ?? 1) < 0.06, `δ ${a.estimate}`);
      assert.ok(a.ci && a.ci.lower < 0 && a.ci.upper > 0);
      // and the other direction: test 2 checked against test 1 on its own metric
      const [b] = await interactionsOf(db, 2);
      assert.equal(b?.otherTestId, 1);
    }));

    it('a skill that works only beside the other test\'s treatment is flagged, and the report says so', () => withFreshDb(target, async (db) => {
      await createTest(db, 1, 'conversion_rate');
      await createTest(db, 2, 'contact_rate');
      await plant(db, { cc: 2, ct: 2, tc: 2, tt: 6 });
      await analyse(db);
      const [a] = await interactionsOf(db, 1);
      assert.ok(a);
      assert.equal(a.verdict, 'interaction');
      // each cell's rate is its planted tenths within about one binomial standard error (≈ 0.013 at ~1,000 a cell)
      assert.ok(Math.abs((a.estimate ?? 0) - 0.4) < 0.06, `δ ${a.estimate}`);
      assert.ok(Math.abs(a.effectInOtherControl ?? 1) < 0.05, `effect beside control ${a.effectInOtherControl}`);
      assert.ok(Math.abs((a.effectInOtherTreatment ?? 0) - 0.4) < 0.05, `effect beside treatment ${a.effectInOtherTreatment}`);
      assert.ok(a.pValue !== null && a.alpha !== null && a.pValue < a.alpha, `p ${a.pValue}, α ${a.alpha}`);
      const report = await buildReport(db, { now: NOW });
      const view = report.tests.find((t) => t.id === 1);
      assert.equal(view?.interactions.length, 1);
      assert.match(testLine(view!) ?? '', /INTERACTION with test #2 \(contact_rate\): effect \+0\.0\d+ beside its control, \+0\.[34]\d+ beside its treatment/);
    }));

    it('a pair with few shared leads says so instead of a verdict', () => withFreshDb(target, async (db) => {
      await createTest(db, 1, 'conversion_rate');
      await createTest(db, 2, 'contact_rate');
      await plant(db, { cc: 2, ct: 2, tc: 2, tt: 6 }, 60); // ≈ 15 a cell, fewer than the 30 the check needs
      await analyse(db);
      const [a] = await interactionsOf(db, 1);
      assert.equal(a?.verdict, 'insufficient-data');
      assert.equal(a?.estimate, null);
      assert.match(a?.reason ?? '', /30/);
      const view = (await buildReport(db, { now: NOW })).tests.find((t) => t.id === 1);
      assert.match(testLine(view!) ?? '', /overlap with test #2 \(contact_rate\): too few shared leads to check for an interaction yet \(smallest cell \d+\)/);
    }));

    it('exclusive tests share no lead: no check is stored', () => withFreshDb(target, async (db) => {
      await createTest(db, 1, 'conversion_rate');
      await createTest(db, 2, 'contact_rate');
      await db.query(`insert into lh_settings (key, value) values ('ab_assignment', 'exclusive')`);
      await plant(db, { cc: 2, ct: 2, tc: 2, tt: 2 }); // exclusive: the planting join finds no lead in both
      await analyse(db);
      assert.deepEqual(await interactionsOf(db, 1), []);
      const [shared] = await db.query<{ n: number }>('select count(*)::int as n from lh_ab_assignments a join lh_ab_assignments b on b.lead_id = a.lead_id and b.test_id = 2 where a.test_id = 1');
      assert.equal(shared!.n, 0);
    }));
  });
}
