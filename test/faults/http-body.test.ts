/**
 * Malformed or wrong requests to the edge functions' HTTP shell (src/edge/serve.ts, the code both Deno
 * functions run), on both databases: bodies that are not JSON, JSON of the wrong shape or type, unknown
 * fields, impossible dates, out-of-range days (the range rule), a form-encoded body. Each answers 400 with
 * the reason, is logged (without a secret) and writes nothing; a
 * server-side configuration fault (an unknown zone in lh_settings) answers 500 with a clear message.
 * (Under the real Deno runtime against PostgreSQL, test/deno/edge-functions.test.ts covers 401/405, a
 * body that is not JSON, a bad date, an unknown policy, and the unreachable database.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/port.ts';
import { analysisEndpoint, dailyEndpoint } from '../../src/edge/endpoints.ts';
import { handleJobRequest, type JobEndpoint, type ServeDeps } from '../../src/edge/serve.ts';
import { dbTargets } from '../support/databases.ts';

const KEY = 'fault-test-service-role-key-0123456789';
const CRON = 'fault-test-cron-secret-0123456789';

function serveDeps(db: Database, logs: string[]): ServeDeps {
  const env: Record<string, string> = { SUPABASE_SERVICE_ROLE_KEY: KEY, LH_CRON_SECRET: CRON, SUPABASE_DB_URL: 'postgres://edge:pw@db.invalid:5432/x' };
  // the handler closes its connection after each request: hand it a view whose close keeps the test database
  const view: Database = { kind: db.kind, query: db.query, script: db.script, transaction: db.transaction, close: async () => {} };
  return { env: { get: (n) => env[n] }, connect: () => view, clock: fixedClock(new Date('2026-01-21T00:01:00Z')), log: (l) => logs.push(l) };
}

async function call<O>(endpoint: JobEndpoint<O>, deps: ServeDeps, body: string, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const req = new Request('http://edge.test/', { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': contentType }, body });
  const res = await handleJobRequest(req, endpoint, deps);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const DAILY_400: Array<[string, string, RegExp]> = [
  ['not JSON', '{"date": ', /not valid JSON/],
  ['a JSON array', '[1, 2]', /invalid request body: body .*object/i],
  ['a JSON string', '"2026-01-20"', /invalid request body: body .*object/i],
  ['a JSON number', '42', /invalid request body: body .*object/i],
  ['JSON null', 'null', /invalid request body: body must be a JSON object/],
  ['a number for the date', '{"date": 20260120}', /invalid request body: date .*string/i],
  ['an impossible date', '{"date": "2026-02-30"}', /date is not a real calendar date/],
  ['a timestamp for a date', '{"date": "2026-01-20T00:00:00Z"}', /date must be a date YYYY-MM-DD/],
  ['an unknown field', '{"date": "2026-01-20", "dryRun": true}', /unrecognized key.*dryRun/i],
  ['from after to', '{"from": "2026-01-05", "to": "2026-01-01"}', /from must not be after to/],
  ['half a range', '{"from": "2026-01-05"}', /from and to go together/],
  ['date and a range', '{"date": "2026-01-05", "from": "2026-01-01", "to": "2026-01-02"}', /either date or from\/to/],
  // the range rule (src/jobs/dates.ts), the clock at 2026-01-21T00:01Z in UTC: the last complete day is 2026-01-20
  ['a 200-year range', '{"from": "1900-01-01", "to": "2100-12-31"}', /from\/to 1900-01-01 is before 1970-01-01/],
  ['367 days', '{"from": "2025-01-19", "to": "2026-01-20"}', /2025-01-19 … 2026-01-20 is 367 days; one run computes at most 366/],
  ['year 0', '{"date": "0000-01-01"}', /date 0000-01-01 is before 1970-01-01, the earliest metric day/],
  ['today, not over yet', '{"date": "2026-01-21"}', /2026-01-21 is not over yet: the last complete day is 2026-01-20 \(UTC\)/],
  ['a range ending tomorrow', '{"from": "2026-01-10", "to": "2026-01-22"}', /2026-01-22 is not over yet/],
];

for (const target of await dbTargets()) {
  describe(`edge HTTP shell with bad requests on ${target.name}`, () => {
    it('daily: 400 with the reason for each malformed body, and nothing written', async () => {
      const db = await target.fresh();
      const logs: string[] = [];
      try {
        const deps = serveDeps(db, logs);
        for (const [what, body, reason] of DAILY_400) {
          const r = await call(dailyEndpoint, deps, body);
          assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.json)}`);
          assert.match(String(r.json['error']), reason, what);
        }
        const form = await call(dailyEndpoint, deps, 'date=2026-01-20', 'application/x-www-form-urlencoded');
        assert.equal(form.status, 400);
        assert.match(String(form.json['error']), /not valid JSON/);
        // each 400 was logged once, as a warning with its reason, and no log line holds a secret
        const rejected = logs.filter((l) => /"message":"rejected 400"/.test(l));
        assert.equal(rejected.length, DAILY_400.length + 1, logs.join('\n'));
        assert.ok(rejected.every((l) => /"level":"warn"/.test(l)));
        assert.ok(logs.every((l) => !l.includes(KEY) && !l.includes(CRON) && !l.includes(':pw@')));
        assert.deepEqual(await db.query('select metric_date from lh_daily_metrics'), []);
        // the same shell with a good body does run (so the 400s above are about the bodies)
        const ok = await call(dailyEndpoint, deps, '{"date": "2026-01-20"}');
        assert.equal(ok.status, 200, JSON.stringify(ok.json));
        assert.equal((await db.query('select metric_date from lh_daily_metrics')).length, 1);
      } finally {
        await db.close();
      }
    });

    it('analysis: 400 for a bad policy, bad test ids, an unknown field', async () => {
      const db = await target.fresh();
      try {
        const deps = serveDeps(db, []);
        for (const [body, reason] of [
          ['{"policy": "yolo"}', /policy/], ['{"testIds": [0]}', /testIds\.0/], ['{"testIds": "1"}', /testIds .*array/i],
          ['{"testIds": [1.5]}', /testIds\.0 .*int/i], ['{"tests": [1]}', /unrecognized key.*tests/i],
        ] as const) {
          const r = await call(analysisEndpoint, deps, body);
          assert.equal(r.status, 400, `${body}: ${JSON.stringify(r.json)}`);
          assert.match(String(r.json['error']), reason, body);
        }
      } finally {
        await db.close();
      }
    });

    it('an unknown zone in lh_settings is the server\'s fault: 500 naming the setting, nothing written, logged', async () => {
      const db = await target.fresh();
      const logs: string[] = [];
      try {
        await db.query(`update lh_settings set value = 'Moon/Tranquility' where key = 'business_time_zone'`);
        const r = await call(dailyEndpoint, serveDeps(db, logs), '{"date": "2026-01-20"}');
        assert.equal(r.status, 500);
        assert.match(String(r.json['error']), /^lead-hunter-daily-metrics failed: lh_settings\.business_time_zone holds an unknown time zone "Moon\/Tranquility"/);
        assert.deepEqual(await db.query('select metric_date from lh_daily_metrics'), []);
        assert.equal(logs.filter((l) => /"level":"error"/.test(l) && /Moon\/Tranquility/.test(l)).length, 1);
      } finally {
        await db.close();
      }
    });
  });
}
