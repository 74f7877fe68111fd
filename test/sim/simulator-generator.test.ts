/**
 * The synthetic pipeline alone (no jobs): what it writes per simulated day matches the configured
 * rates, counted in SQL, on PGlite and PostgreSQL. Expected values come from the parameters
 * (src/sim/params.ts) by numerical integration; tolerances are ≥ 4 binomial/Poisson standard errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/port.ts';
import {
  DEFAULT_CONFIG, HEALTHY, LEAD_SOURCES, PATTERNS, WEEKDAY_CONTACT, reachProbability,
} from '../../src/sim/params.ts';
import { SyntheticPipeline, type DayWrite } from '../../src/sim/pipeline.ts';
import { createRng } from '../../src/sim/rng.ts';
import { DEFAULT_SKILLS } from '../../src/sim/scenarios.ts';
import { dbTargets } from '../support/databases.ts';

const DAYS = 28;
const LEADS_PER_DAY = 40;
const START = Date.parse('2026-01-05T00:00:00Z'); // a Monday: 4 whole weeks, so weekday volume averages 1

/** E[reach(T)] for T ~ lognormal(median, σ), by the trapezoid rule over z ∈ [−8, 8]. */
function expectedReach(median: number, sigma: number): number {
  let s = 0;
  const h = 0.001;
  for (let z = -8; z <= 8; z += h) s += reachProbability(median * Math.exp(sigma * z)) * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) * h;
  return s;
}

for (const target of await dbTargets()) {
  describe(`synthetic pipeline on ${target.name}`, () => {
    let db: Database;
    const writes: DayWrite[] = [];
    before(async () => {
      db = await target.fresh();
      const p = new SyntheticPipeline(createRng(11), { ...DEFAULT_CONFIG, leadsPerDay: LEADS_PER_DAY }, START);
      for (let d = 0; d < DAYS; d++) writes.push(await p.writeDay(db, d, { world: HEALTHY, skills: DEFAULT_SKILLS }));
    });
    after(async () => { await db.close(); });

    const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => {
      const [row] = await db.query(sql, params);
      assert.ok(row);
      return row as T;
    };

    it('writes about leads-per-day new leads a day (Poisson), and reports what it wrote', async () => {
      const r = await one<{ n: number; days: number }>(
        `select count(*)::int as n, count(distinct (created_at at time zone 'UTC')::date)::int as days from lh_lead_status`);
      const expected = DAYS * LEADS_PER_DAY;
      assert.equal(r.days, DAYS);
      assert.ok(Math.abs(r.n - expected) < 4 * Math.sqrt(expected), `${r.n} leads, expected ≈ ${expected}`);
      assert.equal(writes.reduce((s, w) => s + w.newLeads, 0), r.n);
      assert.ok(writes.every((w) => w.control === 0 && w.treatment === 0), 'no test runs, so nobody is assigned');
    });

    it('draws sources with their configured shares', async () => {
      const rows = await db.query<{ source: string; share: number; n: number }>(
        `select source, count(*)::int as n, (count(*)::float8 / sum(count(*)) over ())::float8 as share from lh_lead_status group by source`);
      assert.deepEqual(rows.map((r) => r.source).sort(), [...LEAD_SOURCES].sort());
      const total = rows.reduce((s, r) => s + r.n, 0);
      for (const r of rows) {
        const p = HEALTHY.sources[r.source as (typeof LEAD_SOURCES)[number]].share;
        assert.ok(Math.abs(r.share - p) < 4 * Math.sqrt((p * (1 - p)) / total), `${r.source} share ${r.share} vs ${p}`);
      }
    });

    it('contacts leads at the rate speed to lead implies, and never before their creation', async () => {
      // leads of the first 3 weeks have had ≥ 7 days to be contacted: their contact rate is final
      const r = await one<{ n: number; contacted: number; early: number; median_h: number }>(
        `select count(*)::int as n, count(contacted_at)::int as contacted,
           count(*) filter (where contacted_at < created_at)::int as early,
           percentile_cont(0.5) within group (order by extract(epoch from contacted_at - created_at) / 3600)::float8 as median_h
         from lh_lead_status where created_at < $1::timestamptz`, [new Date(START + 21 * 86_400_000).toISOString()]);
      const weekday = WEEKDAY_CONTACT.reduce((s, x) => s + x, 0) / WEEKDAY_CONTACT.length;
      const p = (1 - HEALTHY.neverRespondShare) * expectedReach(HEALTHY.responseMedianHours, HEALTHY.responseSigma) * weekday;
      const rate = r.contacted / r.n;
      // 4 binomial sd plus 0.02 for averaging the weekday factor over days instead of contact instants
      assert.ok(Math.abs(rate - p) < 4 * Math.sqrt((p * (1 - p)) / r.n) + 0.02, `contact rate ${rate} vs ${p}`);
      assert.equal(r.early, 0);
      // reaching favours fast answers, so the median of contacted leads is a little under the 1 h median
      assert.ok(r.median_h > 0.5 && r.median_h < 1.1, `median response ${r.median_h} h`);
    });

    it('qualifies referrals more often than portal leads, with consistent statuses and timestamps', async () => {
      const rows = await db.query<{ source: string; rate: number }>(
        `select source, (count(qualified_at)::float8 / nullif(count(contacted_at), 0))::float8 as rate
         from lh_lead_status where created_at < $1::timestamptz group by source`, [new Date(START + 14 * 86_400_000).toISOString()]);
      const rate = (s: string) => rows.find((r) => r.source === s)?.rate ?? NaN;
      assert.ok(rate('referral') > rate('zillow') + 0.15, `referral ${rate('referral')} vs zillow ${rate('zillow')}`);
      const bad = await one<{ n: number }>(
        `select count(*)::int as n from lh_lead_status where
           (status in ('contacted', 'qualified', 'closed') and contacted_at is null)
           or (status in ('qualified', 'closed') and qualified_at is null)
           or (status = 'closed' and closed_at is null)
           or qualified_at < contacted_at or closed_at < qualified_at`);
      assert.equal(bad.n, 0);
    });

    it('writes no event in the future of the last simulated day', async () => {
      const end = new Date(START + DAYS * 86_400_000).toISOString();
      const r = await one<{ n: number }>(
        `select ((select count(*) from lh_lead_status where greatest(contacted_at, qualified_at, closed_at, updated_at) >= $1::timestamptz)
          + (select count(*) from lh_feedback_log where created_at >= $1::timestamptz)
          + (select count(*) from lh_validation_history where validated_at >= $1::timestamptz))::int as n`, [end]);
      assert.equal(r.n, 0);
    });

    it('validates every lead on every pattern and gets 10–30 agent labels a day', async () => {
      const r = await one<{ leads: number; validations: number; labels: number; linked: number; quality: number }>(
        `select (select count(*) from lh_lead_status)::int as leads,
           (select count(*) from lh_validation_history)::int as validations,
           (select count(*) from lh_feedback_log where actual is not null)::int as labels,
           (select count(*) from lh_feedback_log f join lh_validation_history v on v.id = f.validation_id
              where f.lead_id = v.lead_id and f.pattern_name = v.pattern_name)::int as linked,
           (select count(*) from lh_feedback_log where lead_quality is not null)::int as quality`);
      assert.equal(r.validations, r.leads * PATTERNS.length);
      assert.equal(r.linked, r.labels, 'every label points at its validation, lead and pattern');
      // labels arrive 2–72 h after validation: the first and last days are partial, so judge days 3..27
      const perDay = await db.query<{ n: number }>(
        `select count(*)::int as n from lh_feedback_log where actual is not null
           and created_at >= $1::timestamptz and created_at < $2::timestamptz
         group by (created_at at time zone 'UTC')::date`,
        [new Date(START + 3 * 86_400_000).toISOString(), new Date(START + 27 * 86_400_000).toISOString()]);
      const mean = perDay.reduce((s, x) => s + x.n, 0) / perDay.length;
      const expected = LEADS_PER_DAY * PATTERNS.length * DEFAULT_CONFIG.labelShare;
      assert.ok(mean >= 10 && mean <= 30 && Math.abs(mean - expected) < 4, `labels/day ${mean} vs ${expected}`);
      assert.ok(r.quality > 0, 'some lead-quality ratings');
    });

    it('predicts with the configured accuracy (sensitivity = specificity = 0.9)', async () => {
      const r = await one<{ n: number; correct: number }>(
        `select count(*)::int as n, count(*) filter (where f.actual = v.predicted)::int as correct
         from lh_feedback_log f join lh_validation_history v on v.id = f.validation_id`);
      const p = HEALTHY.validationAccuracy;
      assert.ok(Math.abs(r.correct / r.n - p) < 4 * Math.sqrt((p * (1 - p)) / r.n), `accuracy ${r.correct / r.n}`);
    });
  });
}
