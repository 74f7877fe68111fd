/**
 * The edge shell's per-instance bounds, in process and deterministic (src/edge/serve.ts createJobHandler):
 * at most LH_DB_POOL_MAX jobs at once over one shared pool, LH_EDGE_QUEUE_MAX waiting for at most
 * LH_EDGE_QUEUE_TIMEOUT_MS, then 503 with Retry-After; the pool closed when idle and reopened on demand;
 * bad limits and a too-short secret reported once when the handler is created. The job is a test
 * endpoint held open by the test (the database is a real PGlite, never a mock); the real burst under
 * Deno on PostgreSQL is test/deno/edge-burst.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/port.ts';
import { createJobHandler, type JobEndpoint, type ServeDeps } from '../../src/edge/serve.ts';
import { pgliteTarget } from '../support/databases.ts';

const KEY = 'busy-test-service-role-key-0123456789';

describe('edge shell: bounded pool, queue, 503', () => {
  let db: Database;
  before(async () => { db = await pgliteTarget.fresh(); });
  after(async () => { await db?.close(); });

  /** A job that runs one query on the handler's pool, then waits until the test releases it. */
  function heldEndpoint() {
    const waiting: Array<() => void> = [];
    const endpoint: JobEndpoint<Record<string, never>> = {
      name: 'held',
      parseBody: () => ({ ok: true, options: {} }),
      run: async (deps) => {
        await deps.db.query('select 1');
        await new Promise<void>((resolve) => waiting.push(resolve));
        return 'done';
      },
    };
    return { endpoint, waiting, releaseAll: () => waiting.splice(0).forEach((r) => r()) };
  }

  function deps(env: Record<string, string>, logs: string[], opened: number[], closed: number[]): ServeDeps {
    const all: Record<string, string> = { SUPABASE_SERVICE_ROLE_KEY: KEY, SUPABASE_DB_URL: 'postgres://edge:pw@db.invalid:5432/x', ...env };
    return {
      env: { get: (n) => all[n] },
      // the pool the handler opens: the test's PGlite, its opening and closing counted
      connect: (_url, max) => {
        opened.push(max);
        return { kind: db.kind, query: db.query, script: db.script, transaction: db.transaction, close: async () => { closed.push(1); } };
      },
      clock: fixedClock(new Date('2026-01-21T00:01:00Z')),
      log: (l) => logs.push(l),
    };
  }
  const request = () => new Request('http://edge.test/', { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: '{}' });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond(), 'condition not reached within 2 s');
  };

  it('2 run, 1 waits, the 4th gets 503 at once, the waiter 503 after its timeout; all with Retry-After', async () => {
    const logs: string[] = [];
    const opened: number[] = [];
    const closed: number[] = [];
    const held = heldEndpoint();
    const handler = createJobHandler(held.endpoint, deps({ LH_DB_POOL_MAX: '2', LH_EDGE_QUEUE_MAX: '1', LH_EDGE_QUEUE_TIMEOUT_MS: '300',
      LH_DB_IDLE_CLOSE_MS: '50' }, logs, opened, closed));
    try {
      const running = [handler(request()), handler(request())];
      await until(() => held.waiting.length === 2);
      const queuedAt = Date.now();
      const queued = handler(request());
      await until(() => handler.load().queued === 1);
      const full = await handler(request());
      assert.equal(full.status, 503);
      assert.equal(full.headers.get('retry-after'), '1');
      assert.match(((await full.json()) as { error: string }).error, /^busy: 2 job\(s\) running on this instance and 1 waiting; retry after 1 s$/);
      const late = await queued;
      assert.equal(late.status, 503);
      assert.ok(Date.now() - queuedAt >= 290, 'the waiter waited for its timeout (300 ms)');
      assert.match(((await late.json()) as { error: string }).error, /^busy: no database connection of this instance freed up within 300 ms; retry after 1 s$/);
      assert.deepEqual(handler.load(), { running: 2, queued: 0 });

      held.releaseAll();
      assert.deepEqual((await Promise.all(running)).map((r) => r.status), [200, 200]);
      assert.deepEqual(opened, [2], 'one pool of LH_DB_POOL_MAX connections, shared by the jobs');
      assert.deepEqual(handler.load(), { running: 0, queued: 0 });
      assert.equal(logs.filter((l) => /"message":"busy: 503 \(queue-full\)"/.test(l)).length, 1);
      assert.equal(logs.filter((l) => /"message":"busy: 503 \(timeout\)"/.test(l)).length, 1);

      // idle: the pool is closed, and the next call opens a new one
      await until(() => closed.length === 1);
      const next = handler(request());
      await until(() => held.waiting.length === 1);
      held.releaseAll();
      assert.equal((await next).status, 200);
      assert.deepEqual(opened, [2, 2]);
    } finally {
      held.releaseAll();
      await handler.close();
    }
  });

  it('a waiter takes the slot a finishing job frees, in arrival order', async () => {
    const held = heldEndpoint();
    const handler = createJobHandler(held.endpoint, deps({ LH_DB_POOL_MAX: '1', LH_EDGE_QUEUE_TIMEOUT_MS: '5000' }, [], [], []));
    try {
      const first = handler(request());
      await until(() => held.waiting.length === 1);
      const second = handler(request());
      await until(() => handler.load().queued === 1);
      held.releaseAll();
      assert.equal((await first).status, 200);
      await until(() => held.waiting.length === 1); // the queued call now runs
      assert.deepEqual(handler.load(), { running: 1, queued: 0 });
      held.releaseAll();
      assert.equal((await second).status, 200);
    } finally {
      held.releaseAll();
      await handler.close();
    }
  });

  it('bad limits and a too-short secret are logged once, at creation, naming the variable and never the value', async () => {
    const logs: string[] = [];
    const handler = createJobHandler(heldEndpoint().endpoint, deps({ LH_DB_POOL_MAX: 'lots', LH_EDGE_QUEUE_TIMEOUT_MS: '-1',
      LH_CRON_SECRET: 'short-cron' }, logs, [], []));
    try {
      const startup = logs.map((l) => String((JSON.parse(l) as { message: string }).message));
      assert.equal(startup.length, 3, startup.join('\n'));
      assert.match(startup[0]!, /LH_CRON_SECRET is set but shorter than 16 characters: refused/);
      assert.match(startup[1]!, /LH_DB_POOL_MAX must be a whole number from 1 to 100, got "lots"; using the default 5/);
      assert.match(startup[2]!, /LH_EDGE_QUEUE_TIMEOUT_MS must be a whole number/);
      for (let i = 0; i < 3; i++) {
        const res = await handler(new Request('http://edge.test/', { method: 'POST', headers: { 'x-cron-secret': 'short-cron' }, body: '{}' }));
        assert.equal(res.status, 401);
      }
      assert.equal(logs.filter((l) => /shorter than 16/.test(l)).length, 1, 'logged once, not per call');
      assert.equal(logs.filter((l) => /"message":"rejected 401"/.test(l) && /"presented":\["x-cron-secret"\]/.test(l)).length, 3);
      assert.ok(logs.every((l) => !l.includes('short-cron') && !l.includes(KEY)));
    } finally {
      await handler.close();
    }
  });
});
