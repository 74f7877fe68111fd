/**
 * loadDetectionInput against hand-computed window figures, on PGlite and PostgreSQL. Metric day
 * D = 2026-03-20 in America/New_York (EDT since 03-08, so the baseline spans a DST change), default
 * config: funnel recent 03-14..03-20, baseline 02-14..03-13; contact cohorts shifted 2 days, qualify
 * cohorts 7 days, sources 14 days (threshold window 02-05..03-06).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detect/config.ts';
import { DetectionInputError, loadDetectionInput } from '../../src/db/queries/detection-input.ts';
import { daysBefore } from '../../src/detect/input.ts';
import type { Queryable } from '../../src/db/port.ts';
import { dbTargets } from '../support/databases.ts';
import { summarise } from '../unit/detect/fixtures.ts';

type L = [id: number, source: string | null, status: string, created: string, contacted?: string | null, qualified?: string | null, closed?: string | null];
const LEADS: L[] = [
  [1, 'zillow', 'qualified', '2026-03-15T12:00Z', '2026-03-15T14:00Z', '2026-03-17T14:00Z'], // 2 h, 2 d
  [2, 'zillow', 'contacted', '2026-03-16T12:00Z', '2026-03-16T16:00Z'], // 4 h
  [3, 'referral', 'contacted', '2026-03-14T03:30Z', '2026-03-14T04:30Z'], // created 03-13 23:30 local, contacted 03-14 00:30: 1 h
  [4, 'zillow', 'new', '2026-03-20T12:00Z'],
  [5, 'zillow', 'contacted', '2026-03-21T04:00Z', '2026-03-21T05:00Z'], // 03-21 00:00 local: after D, nowhere
  [6, 'cold_call', 'contacted', '2026-03-18T12:00Z', '2026-03-18T10:00Z'], // nonsense: contacted before created
  [7, 'referral', 'qualified', '2026-03-01T15:00Z', '2026-03-01T23:00Z', '2026-03-05T23:00Z'], // 8 h, 4 d
  [8, 'zillow', 'lost', '2026-02-20T15:00Z', '2026-02-21T15:00Z'], // 24 h
  [9, 'direct_mail', 'qualified', '2026-03-17T12:00Z', null, '2026-03-19T12:00Z'], // nonsense: qualified, never contacted
  [10, 'referral', 'closed', '2026-03-02T12:00Z', '2026-03-02T13:00Z', '2026-03-04T13:00Z', '2026-03-16T12:00Z'], // 1 h, 2 d
  [11, '', 'new', '2026-03-12T12:00Z'], // never contacted
  [12, 'zillow', 'lost', '2026-02-25T12:00Z', '2026-02-28T12:00Z'], // 72 h: not within the 2-day maturity
  [13, 'referral', 'qualified', '2026-03-09T12:00Z', '2026-03-09T14:00Z', '2026-03-18T14:00Z'], // 2 h, 9 d
  [14, null, 'qualified', '2026-03-10T12:00Z', '2026-03-11T12:00Z', '2026-03-12T12:00Z'], // 24 h, 1 d
  [15, null, 'closed', '2026-02-10T12:00Z', '2026-02-10T13:00Z', '2026-02-12T12:00Z', '2026-02-15T12:00Z'],
];

async function seed(db: Queryable): Promise<void> {
  for (const [id, source, status, created, contacted, qualified, closed] of LEADS) {
    await db.query(`insert into lh_lead_status (id, source, status, created_at, contacted_at, qualified_at, closed_at)
      values ($1, $2, $3, $4, $5, $6, $7)`, [id, source, status, created, contacted ?? null, qualified ?? null, closed ?? null]);
  }
  // validations scored against truths arriving on each local day (New York), as lh_scored_truths reads them:
  // [day, pattern, tp, fp, fn, tn, local time of the truths]
  const truths: Array<[string, string, number, number, number, number, string]> = [
    ['2026-03-21', 'a', 50, 50, 50, 50, '00:30'], ['2026-03-20', 'a', 5, 1, 2, 10, '12:00'], ['2026-03-14', 'b', 3, 0, 1, 4, '00:10'],
    ['2026-03-13', 'a', 7, 2, 2, 9, '23:50'], ['2026-02-14', 'b', 1, 1, 1, 1, '12:00'], ['2026-02-13', 'a', 50, 50, 50, 50, '23:59'],
  ];
  for (const [d, p, tp, fp, fn, tn, at] of truths) {
    await db.query(`with cls as (
        select k, (k < $3::int + $4::int) as predicted, (k < $3::int or k >= $3::int + $4::int and k < $3::int + $4::int + $5::int) as actual
        from generate_series(0, $3::int + $4::int + $5::int + $6::int - 1) k
      ), v as (
        insert into lh_validation_history (lead_id, pattern_name, predicted, validated_at)
        select 500000 + k, $2, predicted, ($1::date + time '00:01') at time zone 'America/New_York' from cls returning id, lead_id
      )
      insert into lh_feedback_log (validation_id, actual, agent_id, created_at)
      select v.id, cls.actual, 'agent', ($1::date + $7::time) at time zone 'America/New_York' from v join cls on v.lead_id = 500000 + cls.k`,
    [d, p, tp, fp, fn, tn, at]);
  }
}

function assertSummary(actual: unknown, values: number[], floor?: number): void {
  const expected = summarise(values, floor);
  const a = actual as Record<string, number | null>;
  for (const [k, v] of Object.entries(expected)) {
    if (v === null) assert.equal(a[k], null, k);
    else assert.ok(Math.abs((a[k] as number) - v) < 1e-9 * Math.max(1, Math.abs(v)), `${k}: ${a[k]} vs ${v}`);
  }
}

for (const target of await dbTargets()) {
  describe(`loadDetectionInput on ${target.name}`, () => {
    it('matches the hand-computed windows for a New York day', async () => {
      const db = await target.fresh();
      try {
        await seed(db);
        const input = await loadDetectionInput(db, '2026-03-20', 'America/New_York', DEFAULT_DETECTION_CONFIG);
        const { recent: r, baseline: b } = input.funnel;
        assert.deepEqual(r.range, { from: '2026-03-14', to: '2026-03-20' });
        assert.deepEqual(b.range, { from: '2026-02-14', to: '2026-03-13' });
        // recent: new 1,2,4,6,9; contacted 1,2,3,6; qualified 1,9,13; closed 10; invalid 6 and 9
        assert.deepEqual([r.newLeads, r.contacted, r.qualified, r.closed, r.invalidRows], [5, 4, 3, 1, 2]);
        assertSummary(r.responseHours, [2, 4, 1]);
        assertSummary(r.daysToQualify, [2, 9], 1 / 1440);
        assert.ok(Math.abs(r.responseHours.mean! - 7 / 3) < 1e-12);
        // baseline: new 3,7,8,10,11,12,13,14; contacted 7,8,10,12,13,14; qualified 7,10,14; closed 15
        assert.deepEqual([b.newLeads, b.contacted, b.qualified, b.closed, b.invalidRows], [8, 6, 3, 1, 0]);
        assertSummary(b.responseHours, [8, 24, 1, 72, 2, 24]);
        assertSummary(b.daysToQualify, [4, 2, 1], 1 / 1440);
        // pooled ranks: 1r 1b | 2r 2b | 4r | 8 | 24 24 | 72 → recent 1.5 + 3.5 + 5 = 10; ties 3 × (2³ − 2)
        assert.deepEqual(input.responseRanks, { nRecent: 3, nBaseline: 6, rankSumRecent: 10, tieTermSum: 18 });
        // contact cohorts: created 03-12..03-18 (1, 2, 3 contacted; 11 not; 6 nonsense; 9 contacted per its
        // status, the time missing: counted as contacted, as the A/B outcome counts it, never as fast) and 02-12..03-11
        assert.deepEqual(input.contactCohorts.recent, { range: { from: '2026-03-12', to: '2026-03-18' }, n: 5, successes: 4, fast: 1 });
        assert.deepEqual(input.contactCohorts.baseline, { range: { from: '2026-02-12', to: '2026-03-11' }, n: 6, successes: 5, fast: 1 });
        // qualify cohorts: contacted 03-07..03-13 (13 after 9 days: no; 14: yes) and 02-07..03-06 (7, 10, 15 yes; 8, 12 no)
        assert.deepEqual(input.qualifyCohorts.recent, { range: { from: '2026-03-07', to: '2026-03-13' }, n: 2, successes: 1 });
        assert.deepEqual(input.qualifyCohorts.baseline, { range: { from: '2026-02-07', to: '2026-03-06' }, n: 5, successes: 3 });
        assert.deepEqual(input.sources.map((s) => [s.source, s.window.n, s.window.successes, s.recent.n, s.recent.successes, s.baseline.n, s.baseline.successes]), [
          ['referral', 2, 2, 2, 2, 0, 0],
          ['unknown', 1, 1, 0, 0, 1, 1],
          ['zillow', 2, 0, 0, 0, 2, 0],
        ]);
        assert.deepEqual(input.sources[0]!.window.range, { from: '2026-02-05', to: '2026-03-06' });
        assert.deepEqual(input.accuracy.recent, { range: { from: '2026-03-14', to: '2026-03-20' }, days: 2, tp: 8, fp: 1, fn: 3, tn: 14 });
        assert.deepEqual(input.accuracy.baseline, { range: { from: '2026-02-14', to: '2026-03-13' }, days: 2, tp: 8, fp: 3, fn: 3, tn: 10 });
        // the first day of data: lead 15, created 2026-02-10T12:00Z = 07:00 in New York
        assert.equal(input.historyStart, '2026-02-10');
      } finally {
        await db.close();
      }
    });

    it("the CUSUMs' per-day series: contacts by local contact day, conversions by lag as of D, labels by truth day", async () => {
      const db = await target.fresh();
      try {
        await seed(db);
        const input = await loadDetectionInput(db, '2026-03-20', 'America/New_York', DEFAULT_DETECTION_CONFIG);
        // 14 CUSUM days + 28 baseline days ending on D
        assert.deepEqual(input.daily.range, { from: '2026-02-07', to: '2026-03-20' });
        assert.equal(input.daily.contacts.length, 42);
        assert.equal(input.daily.labels.length, 42);
        const lag = (j: number | null) => Array.from({ length: 8 }, (_, k) => (j !== null && k >= j ? 1 : 0));
        // valid leads by local contact day (6 contacted before created and 9 never contacted are invalid; 5 is contacted
        // after D): [response hours, conversion lag in local days (null: none within 7 days)]
        const expected: Record<string, [number, number | null]> = {
          '2026-02-10': [1, 2], '2026-02-21': [24, null], '2026-02-28': [72, null], '2026-03-01': [8, 4], // 7: 18:00 EST → 03-05
          '2026-03-02': [1, 2], // 10: qualified 03-04, closed 03-16: converted on the first
          '2026-03-09': [2, null], // 13: qualified after 9 days
          '2026-03-11': [24, 1], '2026-03-14': [1, null], '2026-03-15': [2, 2], '2026-03-16': [4, null],
        };
        input.daily.contacts.forEach((d, i) => {
          const day = daysBefore('2026-03-20', 41 - i);
          const e = expected[day];
          if (!e) { assert.deepEqual(d, { n: 0, responseN: 0, responseLogSum: 0, responseLogSq: 0, qualifiedByLag: lag(null) }, day); return; }
          assert.deepEqual([d.n, d.responseN, d.qualifiedByLag], [1, 1, lag(e[1])], day);
          assert.ok(Math.abs(d.responseLogSum - Math.log(e[0])) < 1e-12 && Math.abs(d.responseLogSq - Math.log(e[0]) ** 2) < 1e-12, day);
        });
        // labels by New York truth day; 03-21 is after D
        const labels: Record<string, { tp: number; m: number }> = { '2026-02-13': { tp: 50, m: 150 }, '2026-02-14': { tp: 1, m: 3 },
          '2026-03-13': { tp: 7, m: 11 }, '2026-03-14': { tp: 3, m: 4 }, '2026-03-20': { tp: 5, m: 8 } };
        input.daily.labels.forEach((d, i) => {
          const day = daysBefore('2026-03-20', 41 - i);
          assert.deepEqual(d, labels[day] ?? { tp: 0, m: 0 }, day);
        });
        // as of an earlier day: lead 1 (contacted 03-15, qualified 03-17) has not converted yet on 03-16
        const early = await loadDetectionInput(db, '2026-03-16', 'America/New_York', DEFAULT_DETECTION_CONFIG);
        assert.deepEqual(early.daily.contacts.at(-2)!.qualifiedByLag, lag(null));
        assert.equal(early.daily.contacts.at(-2)!.n, 1);
      } finally {
        await db.close();
      }
    });

    it('the same rows in UTC move lead 3 into the recent window', async () => {
      const db = await target.fresh();
      try {
        await seed(db);
        const input = await loadDetectionInput(db, '2026-03-20', 'UTC', DEFAULT_DETECTION_CONFIG);
        assert.equal(input.funnel.recent.newLeads, 6); // + lead 3, created 03-14T03:30Z
        assert.equal(input.funnel.baseline.newLeads, 7);
        // the first day is a local date: 2026-02-10T03:00Z is still 02-09 in New York, 02-10 in UTC
        await db.query("insert into lh_lead_status (id, source, status, created_at) values (16, 'zillow', 'new', '2026-02-10T03:00Z')");
        assert.equal((await loadDetectionInput(db, '2026-03-20', 'UTC', DEFAULT_DETECTION_CONFIG)).historyStart, '2026-02-10');
        assert.equal((await loadDetectionInput(db, '2026-03-20', 'America/New_York', DEFAULT_DETECTION_CONFIG)).historyStart, '2026-02-09');
      } finally {
        await db.close();
      }
    });

    it('an empty database gives zero counts and null summaries, never NaN', async () => {
      const db = await target.fresh();
      try {
        const input = await loadDetectionInput(db, '2026-03-20', 'UTC', DEFAULT_DETECTION_CONFIG);
        assert.deepEqual([input.funnel.recent.newLeads, input.funnel.recent.responseHours.mean, input.funnel.baseline.daysToQualify.variance], [0, null, null]);
        assert.deepEqual(input.responseRanks, { nRecent: 0, nBaseline: 0, rankSumRecent: 0, tieTermSum: 0 });
        assert.deepEqual(input.sources, []);
        assert.equal(input.accuracy.recent.tp, 0);
        assert.equal(input.historyStart, null);
        assert.ok(!JSON.stringify(input).includes('NaN'));
      } finally {
        await db.close();
      }
    });

    it('rejects an unknown time zone and a malformed date with DetectionInputError', async () => {
      const db = await target.fresh();
      try {
        await assert.rejects(loadDetectionInput(db, '2026-03-20', 'Mars/Olympus', DEFAULT_DETECTION_CONFIG),
          (e: unknown) => e instanceof DetectionInputError && e.message.includes('Mars/Olympus') && e.cause !== undefined);
        await assert.rejects(loadDetectionInput(db, '2026-02-30', 'UTC', DEFAULT_DETECTION_CONFIG), DetectionInputError);
      } finally {
        await db.close();
      }
    });
  });
}
