/**
 * The edge functions under load and when their caller leaves, under the real `deno` binary against a
 * fresh PostgreSQL database, loopback only:
 * - 200 concurrent authorised calls: no 500; the instance never holds more than LH_DB_POOL_MAX
 *   connections (pg_stat_activity of the test database); the calls it cannot take answer 503 with
 *   Retry-After; afterwards it answers 200 again and the database's connection count is back to its
 *   baseline once the idle pool closes.
 * - a 366-day backfill whose caller disconnects stops before its next day instead of writing on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database } from '../../src/db/port.ts';
import { daysBefore } from '../../src/detect/input.ts';
import { dbTargets, postgresTarget, postgresUrlOf } from '../support/databases.ts';
import { startFunction, type ServedFunction } from '../support/deno.ts';

const SERVICE_KEY = 'burst-service-role-key-0123456789abcdef';
const CRON_SECRET = 'burst-cron-secret-abcdef0123456789';
const APP = 'lh-edge-burst';
const POOL_MAX = 5;

const hasPostgres = (await dbTargets()).some((t) => t.name === 'postgres');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('edge functions under a burst, on PostgreSQL', { skip: hasPostgres ? false : 'PostgreSQL not available' }, () => {
  let db: Database;
  let monitor: Database; // one connection of its own, so the counts below do not depend on the test's pool
  let fn: ServedFunction;
  let testDb: string;
  /** Connections to the test database other than the monitor's own; and those of the function (by application_name). */
  const connections = async (): Promise<{ total: number; fn: number }> => {
    const [r] = await monitor.query<{ total: number; fn: number }>(
      `select count(*)::int as total, (count(*) filter (where application_name = $1))::int as fn
         from pg_stat_activity where datname = $2 and pid <> pg_backend_pid()`, [APP, testDb]);
    return r!;
  };

  before(async () => {
    db = await postgresTarget.fresh();
    const url = postgresUrlOf(db)!;
    testDb = new URL(url).pathname.slice(1);
    monitor = connectPostgres(url, { max: 1 });
    const fnUrl = `${url}${url.includes('?') ? '&' : '?'}application_name=${APP}`;
    // the launcher passes this process's environment on (this file runs in its own process)
    Object.assign(process.env, { LH_DB_POOL_MAX: String(POOL_MAX), LH_EDGE_QUEUE_MAX: '20', LH_EDGE_QUEUE_TIMEOUT_MS: '3000', LH_DB_IDLE_CLOSE_MS: '500' });
    fn = await startFunction('lead-hunter-daily-metrics', { dbUrl: fnUrl, serviceKey: SERVICE_KEY, cronSecret: CRON_SECRET });
  });
  after(async () => {
    fn?.proc.kill();
    await monitor?.close();
    await db?.close();
  });

  const post = (body: string, signal?: AbortSignal) => fetch(fn.url, {
    method: 'POST', headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' }, body,
    signal: signal ?? AbortSignal.timeout(60_000),
  });

  it('200 concurrent calls: no 500, at most LH_DB_POOL_MAX connections, 503 with Retry-After, back to baseline', { timeout: 120_000 }, async (t) => {
    await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at) values
      ('zillow', 'contacted', '2026-01-20T10:00Z', '2026-01-20T13:00Z'), ('referral', 'new', '2026-01-20T11:00Z', null)`);
    const baseline = await connections();
    assert.equal(baseline.fn, 0, 'the function holds no connection before its first call');

    let peak = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        peak = Math.max(peak, (await connections()).fn); // the monitor's own query also proves the server still takes connections
        await sleep(20);
      }
    })();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 200 }, async () => {
      const res = await post('{"date": "2026-01-20"}');
      return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
    }));
    const elapsed = Date.now() - started;
    polling = false;
    await poller;

    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const summary = JSON.stringify(Object.fromEntries(byStatus));
    assert.deepEqual([...byStatus.keys()].filter((s) => s !== 200 && s !== 503), [], `only 200 and 503: ${summary}; ` +
      answers.find((a) => a.status !== 200 && a.status !== 503)?.text);
    assert.ok((byStatus.get(200) ?? 0) >= POOL_MAX, `at least the pool's worth of calls ran: ${summary}`);
    assert.ok((byStatus.get(503) ?? 0) >= 1, `200 calls exceed 5 running + 20 queued: some were refused: ${summary}`);
    for (const a of answers.filter((x) => x.status === 503)) {
      assert.equal(a.retryAfter, '3', 'Retry-After: the queue timeout, in seconds');
      assert.match(a.text, /^\{"error":"busy: (5 job\(s\) running on this instance and 20 waiting|no database connection of this instance freed up within 3000 ms); retry after 3 s"\}$/);
    }
    assert.ok(peak >= 1 && peak <= POOL_MAX, `the function's connections peaked at ${peak} (at most ${POOL_MAX})`);
    assert.ok(elapsed < 60_000, `the burst took ${elapsed} ms`);
    t.diagnostic(`answers ${summary}, peak ${peak} connection(s), ${elapsed} ms`);
    const rows = await db.query<{ n: number }>(`select count(*)::int as n, max(new_leads_count) as leads from lh_daily_metrics`);
    assert.equal(rows[0]!.n, 1, 'every call computed the same day: one row');

    // the instance is usable again at once, and releases its connections once idle
    const again = await post('{"date": "2026-01-20"}');
    assert.equal(again.status, 200, await again.text());
    let now = await connections();
    for (let i = 0; i < 100 && (now.fn > 0 || now.total > baseline.total); i++) {
      await sleep(100);
      now = await connections();
    }
    assert.deepEqual(now, baseline, 'the connection count is back to its baseline');
    assert.match(fn.output(), /"message":"busy: 503 \((queue-full|timeout)\)"/);
    assert.doesNotMatch(fn.output(), /"level":"error"/);
  });

  it('a 366-day backfill stops before its next day when its caller goes away', { timeout: 120_000 }, async () => {
    await db.query('delete from lh_daily_metrics');
    const yesterday = daysBefore(new Date().toISOString().slice(0, 10), 1); // the business zone is UTC here
    const from = daysBefore(yesterday, 365);
    const caller = new AbortController();
    const call = post(JSON.stringify({ from, to: yesterday }), caller.signal).catch((e: unknown) => e);
    const count = async () => (await db.query<{ n: number }>('select count(*)::int as n from lh_daily_metrics'))[0]!.n;
    for (let i = 0; i < 600 && (await count()) < 3; i++) await sleep(50);
    const whenLeft = await count();
    assert.ok(whenLeft >= 3, 'the backfill had started');
    caller.abort();
    await call;
    let before = -1;
    let n = await count();
    for (let i = 0; i < 50 && n !== before; i++) { // wait until nothing is written for a second
      before = n;
      await sleep(1000);
      n = await count();
    }
    assert.equal(n, before, 'writing stopped');
    assert.ok(n < 366, `stopped after ${n} of 366 days (left at ${whenLeft})`);
    assert.match(fn.output(), /the caller went away; stopped after \d+ of 366 day\(s\)/);
  });
});
