/**
 * lh_update_daily_metrics against values computed by hand (see the table in each comment) for a
 * fixture in America/New_York: day boundaries at 05:00Z in winter, a 23-hour DST day, leads contacted
 * on a later day, nonsense rows, and empty days.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queryable } from '../../src/db/port.ts';
import { dbTargets } from '../support/databases.ts';

interface Lead { id: number; source: string; status: string; created: string; contacted?: string; qualified?: string; closed?: string }

// Metric day D = 2026-01-20 in America/New_York = [2026-01-20T05:00Z, 2026-01-21T05:00Z)
const LEADS: Lead[] = [
  // created the evening before D (23:30 local), contacted on D after 2 h
  { id: 1, source: 'zillow', status: 'contacted', created: '2026-01-20T04:30Z', contacted: '2026-01-20T06:30Z' },
  // new on D, contacted after 4 h, qualified 14 h later at 23:00 local (still D)
  { id: 2, source: 'referral', status: 'qualified', created: '2026-01-20T10:00Z', contacted: '2026-01-20T14:00Z', qualified: '2026-01-21T04:00Z' },
  // new on D, contacted at 01:00 local the next day: not a contact of D
  { id: 3, source: 'zillow', status: 'contacted', created: '2026-01-20T12:00Z', contacted: '2026-01-21T06:00Z' },
  // new at 23:59 local
  { id: 4, source: 'referral', status: 'new', created: '2026-01-21T04:59Z' },
  // 00:00 local on D+1: not on D, and outside the source window
  { id: 5, source: 'zillow', status: 'new', created: '2026-01-21T05:00Z' },
  // nonsense: contacted two hours before it was created (counted as a contact, kept out of the average)
  { id: 6, source: 'cold_call', status: 'contacted', created: '2026-01-20T15:00Z', contacted: '2026-01-20T13:00Z' },
  // nonsense: status qualified without any timestamp
  { id: 7, source: 'direct_mail', status: 'qualified', created: '2026-01-20T16:00Z' },
  // closed on D (qualified days earlier)
  { id: 8, source: 'referral', status: 'closed', created: '2026-01-10T15:00Z', contacted: '2026-01-11T15:00Z', qualified: '2026-01-15T15:00Z', closed: '2026-01-20T20:00Z' },
  // nonsense: qualified on D before it was contacted (counted, kept out of the time-to-qualify average)
  { id: 9, source: 'zillow', status: 'qualified', created: '2026-01-18T12:00Z', contacted: '2026-01-21T10:00Z', qualified: '2026-01-20T18:00Z' },
];

async function insertLeads(db: Queryable, leads: Lead[]): Promise<void> {
  for (const l of leads) {
    await db.query(`insert into lh_lead_status (id, property_id, source, status, created_at, contacted_at, qualified_at, closed_at)
      values ($1, $1, $2, $3, $4, $5, $6, $7)`, [l.id, l.source, l.status, l.created, l.contacted ?? null, l.qualified ?? null, l.closed ?? null]);
  }
}

type Metrics = Record<string, unknown> & { source_metrics: Record<string, Record<string, number>> };

for (const target of await dbTargets()) {
  describe(`lh_update_daily_metrics on ${target.name}`, () => {
    it('matches the hand-computed values for a New York day', async () => {
      const db = await target.fresh();
      try {
        await insertLeads(db, LEADS);
        await db.query(`insert into lh_pattern_performance (performance_date, pattern_name, sample_size, f1_score, avg_f1_score)
          values ('2026-01-19', 'business_detection', 40, 0.8, 0.8), ('2026-01-21', 'business_detection', 40, 0.5, 0.5)`);
        await db.query("update lh_settings set value = 'America/New_York' where key = 'business_time_zone'");
        const [row] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-01-20') as m");
        const m = row!.m;
        assert.equal(m['metric_date'], '2026-01-20');
        assert.equal(m['time_zone'], 'America/New_York');
        assert.equal(m['new_leads_count'], 5); // leads 2, 3, 4, 6, 7
        assert.equal(m['contacted_count'], 3); // leads 1, 2, 6
        assert.equal(m['qualified_count'], 2); // leads 2, 9
        assert.equal(m['closed_count'], 1); // lead 8
        assert.equal(m['avg_response_time_hours'], 3); // (2 + 4) / 2, lead 6 excluded
        assert.equal(m['median_response_time_hours'], 3);
        assert.equal(m['avg_time_to_qualify_hours'], 14); // lead 2 only, lead 9 excluded
        assert.equal(m['contact_rate'], 0.6); // 3 / 5
        assert.ok(Math.abs((m['qualification_rate'] as number) - 2 / 3) < 1e-12);
        assert.equal(m['validation_accuracy'], 0.8); // latest on or before D
        assert.equal(m['invalid_rows_count'], 3);
        assert.deepEqual(m['invalid_rows'], { non_finite_time: 0, contacted_before_created: 1, qualified_before_contacted: 1,
          closed_before_created: 0, missing_timestamp: 1, unknown_status: 0, implausible_delay: 0 });
        // trailing 30 days ending D: every lead but 5, as of the end of D (lh_lead_facts): events after D
        // have not happened yet (leads 3 and 9 are not contacted), invalid leads (6, 9) are counted in
        // `leads` but not in `valid_leads` nor in the conversion rate; lead 7's status says contacted and
        // qualified (times missing): counted as such, and as a missing_timestamp row above
        assert.deepEqual(m.source_metrics, {
          cold_call: { leads: 1, new_today: 1, contacted: 1, valid_leads: 0, converted: 0, conversion_rate: null },
          direct_mail: { leads: 1, new_today: 1, contacted: 1, valid_leads: 1, converted: 1, conversion_rate: 1 },
          referral: { leads: 3, new_today: 2, contacted: 2, valid_leads: 3, converted: 2, conversion_rate: 0.666667 },
          zillow: { leads: 3, new_today: 1, contacted: 1, valid_leads: 2, converted: 0, conversion_rate: 0 },
        });
        // the stored row says the same
        const stored = await db.query<{ new_leads_count: number; avg_response_time_hours: number }>(
          "select * from lh_daily_metrics where metric_date = '2026-01-20'");
        assert.equal(stored[0]?.new_leads_count, 5);
        assert.equal(stored[0]?.avg_response_time_hours, 3);
      } finally {
        await db.close();
      }
    });

    it('the same day in UTC gives different counts (the zone is honoured, also as a parameter)', async () => {
      const db = await target.fresh();
      try {
        await insertLeads(db, LEADS);
        const [row] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-01-20', 'UTC') as m");
        // UTC day [2026-01-20T00:00Z, 2026-01-21T00:00Z): created 1, 2, 3, 6, 7; contacted 1, 2, 6; qualified 9
        assert.equal(row!.m['new_leads_count'], 5);
        assert.equal(row!.m['qualified_count'], 1);
        assert.equal(row!.m['avg_time_to_qualify_hours'], null);
        const [ny] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-01-21', 'America/New_York') as m");
        assert.equal(ny!.m['new_leads_count'], 1); // lead 5
        assert.equal(ny!.m['contacted_count'], 2); // leads 3 and 9
      } finally {
        await db.close();
      }
    });

    it('a delay longer than max_plausible_delay_days is counted, not averaged', async () => {
      const db = await target.fresh();
      try {
        await insertLeads(db, [
          { id: 1, source: 'zillow', status: 'contacted', created: '2026-01-20T10:00Z', contacted: '2026-01-20T12:00Z' },
          // "created" ten years earlier: 87,672 h would make the day's mean ~43,837 h
          { id: 2, source: 'zillow', status: 'contacted', created: '2016-01-20T12:00Z', contacted: '2026-01-20T12:00Z' },
          // 100 days to qualify
          { id: 3, source: 'zillow', status: 'qualified', created: '2025-10-01T10:00Z', contacted: '2025-10-11T10:00Z', qualified: '2026-01-19T10:00Z' },
        ]);
        const [row] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-01-20') as m");
        assert.equal(row!.m['contacted_count'], 2);
        assert.equal(row!.m['avg_response_time_hours'], 2);
        assert.equal(row!.m['invalid_rows_count'], 1);
        assert.equal((row!.m['invalid_rows'] as Record<string, number>)['implausible_delay'], 1);
        const [q] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-01-19') as m");
        assert.equal(q!.m['qualified_count'], 1);
        assert.equal(q!.m['avg_time_to_qualify_hours'], null);
        // the limit is a setting: at 4,000 days the ten-year delay is plausible again
        await db.query("update lh_settings set value = '4000' where key = 'max_plausible_delay_days'");
        const [again] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-01-20') as m");
        assert.equal(again!.m['avg_response_time_hours'], (2 + 87_672) / 2);
      } finally {
        await db.close();
      }
    });

    it('a 23-hour DST day ends at 04:00Z', async () => {
      const db = await target.fresh();
      try {
        await insertLeads(db, [
          { id: 1, source: 'zillow', status: 'new', created: '2026-03-08T05:00Z' }, // 00:00 EST, first instant of D
          { id: 2, source: 'zillow', status: 'new', created: '2026-03-09T03:59Z' }, // 23:59 EDT, on D
          { id: 3, source: 'zillow', status: 'new', created: '2026-03-09T04:00Z' }, // 00:00 EDT, next day
          { id: 4, source: 'zillow', status: 'new', created: '2026-03-08T04:59Z' }, // 23:59 EST the day before
        ]);
        const [row] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-03-08', 'America/New_York') as m");
        assert.equal(row!.m['new_leads_count'], 2);
      } finally {
        await db.close();
      }
    });

    it('an empty day gives zeros and nulls, never NaN or an error', async () => {
      const db = await target.fresh();
      try {
        const [row] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-03-01') as m");
        const m = row!.m;
        for (const k of ['new_leads_count', 'contacted_count', 'qualified_count', 'closed_count', 'invalid_rows_count']) assert.equal(m[k], 0, k);
        for (const k of ['avg_response_time_hours', 'median_response_time_hours', 'avg_time_to_qualify_hours', 'contact_rate', 'qualification_rate', 'validation_accuracy']) assert.equal(m[k], null, k);
        assert.deepEqual(m.source_metrics, {});
        // contacts but no new leads: contact rate stays null rather than Infinity
        await insertLeads(db, [{ id: 1, source: 'zillow', status: 'contacted', created: '2026-02-27T10:00Z', contacted: '2026-03-01T10:00Z' }]);
        const [again] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-03-01') as m");
        assert.equal(again!.m['contacted_count'], 1);
        assert.equal(again!.m['contact_rate'], null);
        assert.equal(again!.m['qualification_rate'], 0);
      } finally {
        await db.close();
      }
    });

    it('is idempotent: a re-run with unchanged data does not touch the row', async () => {
      const db = await target.fresh();
      try {
        await insertLeads(db, LEADS);
        await db.query("select lh_update_daily_metrics('2026-01-20')");
        const before = await db.query<{ computed_at: Date; xmin: string }>("select computed_at, xmin::text as xmin from lh_daily_metrics");
        await db.query("select lh_update_daily_metrics('2026-01-20')");
        const after = await db.query<{ computed_at: Date; xmin: string }>("select computed_at, xmin::text as xmin from lh_daily_metrics");
        assert.equal(after.length, 1);
        assert.deepEqual(after, before);
        // a change in the data is picked up by the next run
        await db.query("insert into lh_lead_status (id, source, status, created_at) values (100, 'zillow', 'new', '2026-01-20T12:00Z')");
        const [row] = await db.query<{ m: Metrics }>("select lh_update_daily_metrics('2026-01-20') as m");
        assert.equal(row!.m['new_leads_count'], 6); // UTC day: leads 1, 2, 3, 6, 7 and the new one
      } finally {
        await db.close();
      }
    });

    it('rejects an unknown time zone and a null date with a clear message', async () => {
      const db = await target.fresh();
      try {
        await assert.rejects(db.query("select lh_update_daily_metrics('2026-01-20', 'Mars/Olympus')"), /unknown time zone "Mars\/Olympus"/);
        await assert.rejects(db.query('select lh_update_daily_metrics(null)'), /must not be null/);
      } finally {
        await db.close();
      }
    });
  });
}
