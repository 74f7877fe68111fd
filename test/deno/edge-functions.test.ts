/**
 * The two Supabase Edge Functions under the real `deno` binary (npm package `deno`), against a fresh
 * PostgreSQL database: authorisation (401), method (405), bad bodies and out-of-range days (400), the log
 * of rejected calls and of a refused short secret (no secret in it), a real run (200) that writes the
 * database, and a failing database (500 without leaking the password). Load: test/deno/edge-burst.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DENO, startFunction as startWith } from '../support/deno.ts';
import { dbTargets, postgresTarget, postgresUrlOf } from '../support/databases.ts';
import type { Database } from '../../src/db/port.ts';

const SERVICE_KEY = 'test-service-role-key-0123456789abcdef';
const CRON_SECRET = 'test-cron-secret-abcdef0123456789';
const startFunction = (name: string, dbUrl: string) => startWith(name, { dbUrl, serviceKey: SERVICE_KEY, cronSecret: CRON_SECRET });


const targets = await dbTargets();
const hasPostgres = targets.some((t) => t.name === 'postgres');

describe('edge functions type-check under deno', () => {
  it('the generated core is in sync with src/', () => {
    const r = spawnSync(process.execPath, ['scripts/sync-edge-core.mjs', '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
  });
  for (const fn of ['lead-hunter-daily-metrics', 'lead-hunter-ab-analysis', 'lead-hunter-actions']) {
    it(`deno check ${fn}`, () => {
      const r = spawnSync(DENO, ['check', '--quiet', `supabase/functions/${fn}/index.ts`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(r.status, 0, r.stderr + r.stdout);
    });
  }
});

describe('edge functions under deno against PostgreSQL', { skip: hasPostgres ? false : 'PostgreSQL not available' }, () => {
  let db: Database;
  let daily: Awaited<ReturnType<typeof startFunction>>;
  let analysis: Awaited<ReturnType<typeof startFunction>>;
  before(async () => {
    db = await postgresTarget.fresh();
    const url = postgresUrlOf(db)!;
    [daily, analysis] = await Promise.all([
      startFunction('lead-hunter-daily-metrics', url),
      startFunction('lead-hunter-ab-analysis', url),
    ]);
  });
  after(async () => {
    daily?.proc.kill();
    analysis?.proc.kill();
    await db?.close();
  });

  const post = (url: string, headers: Record<string, string>, body?: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body ?? '{}' });

  it('401 without credentials, with a wrong key, and with the anon-style bearer', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-key-wrong-key-wrong' }, { apikey: 'x' }, { 'x-cron-secret': CRON_SECRET + 'x' }];
    for (const headers of attempts) {
      const res = await post(daily.url, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      const body = (await res.json()) as { error: string };
      assert.match(body.error, /unauthorized/);
    }
    const get = await fetch(analysis.url);
    assert.equal(get.status, 401);
  });

  it('405 for GET with a valid key; 400 for malformed JSON and bad dates', async () => {
    const get = await fetch(daily.url, { headers: { authorization: `Bearer ${SERVICE_KEY}` } });
    assert.equal(get.status, 405);
    await get.body?.cancel();
    const bad = await post(daily.url, { authorization: `Bearer ${SERVICE_KEY}` }, '{"date": ');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /not valid JSON/);
    const badDate = await post(daily.url, { authorization: `Bearer ${SERVICE_KEY}` }, '{"date": "2026-02-30"}');
    assert.equal(badDate.status, 400);
    assert.match(((await badDate.json()) as { error: string }).error, /date/);
    const unknown = await post(analysis.url, { apikey: SERVICE_KEY }, '{"policy": "yolo"}');
    assert.equal(unknown.status, 400);
  });

  it('200: the daily function computes the requested day into lh_daily_metrics (service-role key)', async () => {
    await db.query(`insert into lh_lead_status (source, status, created_at, contacted_at) values
      ('zillow', 'contacted', '2026-01-20T10:00Z', '2026-01-20T13:00Z'), ('referral', 'new', '2026-01-20T11:00Z', null)`);
    const res = await post(daily.url, { authorization: `Bearer ${SERVICE_KEY}` }, '{"date": "2026-01-20"}');
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const body = JSON.parse(text) as { ok: boolean; result: unknown };
    assert.equal(body.ok, true);
    const rows = await db.query<{ new_leads_count: number; avg_response_time_hours: number }>(
      "select new_leads_count, avg_response_time_hours from lh_daily_metrics where metric_date = '2026-01-20'");
    assert.equal(rows[0]?.new_leads_count, 2);
    assert.equal(rows[0]?.avg_response_time_hours, 3);
    assert.match(text, /2026-01-20/);
  });

  it('200: the analysis function answers with the cron secret', async () => {
    const res = await post(analysis.url, { 'x-cron-secret': CRON_SECRET });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal((JSON.parse(text) as { ok: boolean }).ok, true);
  });

  it('400 for each out-of-range day (at most 366, none before 1970, none not over yet), nothing written', async () => {
    const before = await db.query('select metric_date from lh_daily_metrics order by 1');
    const today = new Date().toISOString().slice(0, 10); // the business zone is UTC here: today is not over
    for (const [body, reason] of [
      ['{"from":"1900-01-01","to":"2100-12-31"}', /from\/to 1900-01-01 is before 1970-01-01/],
      ['{"from":"2000-01-01","to":"2100-12-31"}', /from\/to 2000-01-01 … 2100-12-31 is 36890 days; one run computes at most 366/],
      ['{"date":"0000-01-01"}', /date 0000-01-01 is before 1970-01-01, the earliest metric day/],
      [`{"date":"${today}"}`, new RegExp(`${today} is not over yet: the last complete day is \\d{4}-\\d{2}-\\d{2} \\(UTC\\)`)],
      ['{"from":"2026-01-01","to":"2099-01-01"}', /is 26664 days/],
    ] as const) {
      const res = await post(daily.url, { authorization: `Bearer ${SERVICE_KEY}` }, body);
      const text = await res.text();
      assert.equal(res.status, 400, `${body}: ${text}`);
      assert.match(text, reason, body);
    }
    assert.deepEqual(await db.query('select metric_date from lh_daily_metrics order by 1'), before);
  });

  it('rejected calls (401, 405, 400) are logged with their status and reason, never a secret', async () => {
    const marker = daily.output().length;
    await (await post(daily.url, { 'x-cron-secret': CRON_SECRET + 'x' })).body?.cancel(); // a near-miss that contains the secret
    await (await post(daily.url, { authorization: `Bearer ${CRON_SECRET}`.slice(0, -1) })).body?.cancel();
    await (await fetch(daily.url, { headers: { apikey: SERVICE_KEY } })).body?.cancel();
    await (await post(daily.url, { apikey: SERVICE_KEY }, `{"date":"0000-01-01","${SERVICE_KEY}":1}`)).body?.cancel();
    let lines: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50; i++) { // the log is read from the child's stdout: give it a moment
      lines = daily.output().slice(marker).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      if (lines.filter((l) => typeof l['status'] === 'number').length >= 4) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rejected = lines.filter((l) => l['level'] === 'warn' && /^rejected/.test(String(l['message'])));
    assert.deepEqual(rejected.map((l) => [l['status'], l['method']]), [[401, 'POST'], [401, 'POST'], [405, 'GET'], [400, 'POST']]);
    assert.deepEqual(rejected[0]!['presented'], ['x-cron-secret']);
    assert.match(String(rejected[3]!['reason']), /unrecognized key.*\*\*\*/i); // the key named in the error is redacted
    const out = daily.output();
    assert.doesNotMatch(out, new RegExp(CRON_SECRET.slice(0, 20)));
    assert.doesNotMatch(out, new RegExp(SERVICE_KEY.slice(0, 20)));
  });

  it('a configured secret shorter than 16 characters is refused and logged once at start, without its value', async () => {
    const short = await startWith('lead-hunter-ab-analysis', { dbUrl: postgresUrlOf(db)!, serviceKey: SERVICE_KEY, cronSecret: 'cron-123456' });
    const bothShort = await startWith('lead-hunter-daily-metrics', { dbUrl: postgresUrlOf(db)!, serviceKey: 'svc-1234567', cronSecret: 'cron-123456' });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await post(short.url, { 'x-cron-secret': 'cron-123456' });
        assert.equal(res.status, 401);
        await res.body?.cancel();
      }
      const ok = await post(short.url, { apikey: SERVICE_KEY }); // the long secret still works
      assert.equal(ok.status, 200, await ok.text());
      const refused = short.output().split('\n').filter((l) => /LH_CRON_SECRET is set but shorter than 16 characters: refused/.test(l));
      assert.equal(refused.length, 1, short.output());
      assert.match(refused[0]!, /"level":"error"/);
      assert.doesNotMatch(short.output(), /cron-123456/);
      assert.doesNotMatch(short.output(), /no usable secret/);
      const both = bothShort.output();
      assert.match(both, /SUPABASE_SERVICE_ROLE_KEY is set but shorter than 16 characters/);
      assert.equal(both.split('\n').filter((l) => /no usable secret .*every call answers 401/.test(l)).length, 1);
      assert.doesNotMatch(both, /svc-1234567|cron-123456/);
    } finally {
      short.proc.kill();
      bothShort.proc.kill();
    }
  });

  it('500 with a clear message, and no password, when the database cannot be reached', async () => {
    const broken = await startFunction('lead-hunter-daily-metrics', 'postgres://postgres:s3cr3t-pass@127.0.0.1:5432/lhb_no_such_database');
    try {
      const res = await post(broken.url, { authorization: `Bearer ${SERVICE_KEY}` });
      const text = await res.text();
      assert.equal(res.status, 500);
      assert.match(text, /lead-hunter-daily-metrics failed: .*lhb_no_such_database/);
      assert.doesNotMatch(text, /s3cr3t-pass/);
      assert.doesNotMatch(broken.output(), /s3cr3t-pass/);
      assert.doesNotMatch(text, new RegExp(SERVICE_KEY));
    } finally {
      broken.proc.kill();
    }
  });
});

describe('lead-hunter-actions under deno against PostgreSQL', { skip: hasPostgres ? false : 'PostgreSQL not available' }, () => {
  let db: Database;
  let fn: Awaited<ReturnType<typeof startFunction>>;
  before(async () => {
    db = await postgresTarget.fresh();
    fn = await startFunction('lead-hunter-actions', postgresUrlOf(db)!);
  });
  after(async () => {
    fn?.proc.kill();
    await db?.close();
  });
  const call = async (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${SERVICE_KEY}` }) => {
    const res = await fetch(fn.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { ok?: boolean; result?: Record<string, unknown>; error?: string } };
  };

  it('claim, complete and playbook as an n8n HTTP Request node would; 404, 409 and 400 for wrong calls, 401 without a key', async () => {
    // a testing instant-responder with due actions (the tick as pg_cron runs it)
    const [s] = await db.query<{ id: number }>("insert into lh_spawned_skills (skill_type, skill_name, status) values ('instant-responder', 'ir', 'testing') returning id");
    await db.query("insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at) values ('t', $1, 'avg_response_time_hours', 'running', now() - interval '1 day')", [s!.id]);
    await db.query("insert into lh_lead_status (source, status, created_at) select 'zillow', 'new', now() - i * interval '10 minutes' from generate_series(1, 20) i");
    await db.query('select lh_generate_skill_actions()');
    const [due] = await db.query<{ n: number }>("select count(*)::int as n from lh_skill_actions where status = 'pending' and due_at <= now()");
    assert.ok(due!.n > 0);

    assert.equal((await call({ op: 'claim', worker: 'n8n' }, {})).status, 401);
    const claim = await call({ op: 'claim', worker: 'n8n', max: 3, actions: ['auto_reply'] }, { 'x-cron-secret': CRON_SECRET });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    const claimed = claim.body.result!['claimed'] as Array<{ id: number; action: string; status: string; claimedBy: string; leadId: number }>;
    assert.equal(claimed.length, 3);
    assert.ok(claimed.every((a) => a.action === 'auto_reply' && a.status === 'claimed' && a.claimedBy === 'n8n'));

    const done = await call({ op: 'complete', id: claimed[0]!.id, result: { sent: true } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual((done.body.result!['action'] as { status: string; result: unknown }).result, { sent: true });
    const retried = await call({ op: 'complete', id: claimed[0]!.id, result: { sent: true } });
    assert.equal(retried.status, 200, 'a retried completion is a no-op');

    const book = await call({ op: 'playbook', leadId: claimed[0]!.leadId });
    assert.equal(book.status, 200);
    const skills = (book.body.result!['playbook'] as { skills: Array<{ skillId: number; via: string }> }).skills;
    assert.deepEqual(skills.map((k) => [k.skillId, k.via]), [[Number(s!.id), 'test']]);
    const listed = await call({ op: 'list', status: 'done' });
    assert.deepEqual((listed.body.result!['actions'] as Array<{ id: number }>).map((a) => a.id), [claimed[0]!.id]);

    const [pending] = await db.query<{ id: number }>("select id from lh_skill_actions where status = 'pending' limit 1");
    const conflict = await call({ op: 'complete', id: Number(pending!.id) });
    assert.equal(conflict.status, 409, JSON.stringify(conflict.body));
    assert.match(conflict.body.error!, /is pending, not claimed/);
    const missing = await call({ op: 'complete', id: 987654 });
    assert.equal(missing.status, 404);
    assert.equal((await call({ op: 'playbook', leadId: 987654 })).status, 404);
    for (const [body, reason] of [
      [{ op: 'teleport' }, /op must be one of claim, complete, list, playbook/],
      [{ op: 'claim' }, /worker/],
      [{ op: 'claim', worker: 'w', actions: ['teleport'] }, /actions/],
      [{ op: 'claim', worker: 'w', max: 0 }, /max/],
      [{ op: 'complete', id: 1, result: [1] }, /result/],
      [{ op: 'list', extra: 1 }, /unrecognized key/i],
    ] as const) {
      const r = await call(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error!, reason, JSON.stringify(body));
    }
    const [states] = await db.query<{ done: number; claimed: number }>(
      "select count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'claimed')::int as claimed from lh_skill_actions");
    assert.deepEqual([states!.done, states!.claimed], [1, 2], 'wrong calls wrote nothing');
  });
});
