/**
 * `lh-brain actions` as a user runs it (the real bin in a child process) on every database target: the tick
 * writes the instant-responder's actions for treatment leads, a worker claims and completes them, a lead's
 * playbook names its skill, and every wrong call exits 2 with one line (and one JSON document with --json)
 * and writes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { openPglite } from '../../src/db/pglite.ts';
import type { Database, Row } from '../../src/db/port.ts';
import type { GenerationResult, LeadPlaybook, SkillAction } from '../../src/db/queries/skill-actions.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { dbTargets, postgresUrlOf, withFreshDb, type DbTarget } from '../support/databases.ts';

interface Fixture {
  readonly cli: (args: string[]) => Promise<CliRun>;
  readonly sql: <T extends Row = Row>(text: string, params?: unknown[]) => Promise<T[]>;
}

async function withFixture(target: DbTarget, fn: (f: Fixture) => Promise<void>): Promise<void> {
  if (target.name === 'postgres') {
    await withFreshDb(target, async (db) => {
      const url = postgresUrlOf(db)!;
      await fn({ cli: (args) => runCli(['--database-url', url, ...args]), sql: (text, params) => db.query(text, params) });
    });
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'lh-actions-'));
  const open = async <T>(f: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openPglite(dir);
    try {
      return await f(db);
    } finally {
      await db.close();
    }
  };
  try {
    await open((db) => migrate(db, loadMigrations()));
    await fn({ cli: (args) => runCli(['--data-dir', dir, ...args]), sql: (text, params) => open((db) => db.query(text, params)) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const T0 = '2026-03-01T00:00:00Z';
const NOW = '2026-03-01T00:30:00Z';
const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;
interface ErrorDoc { error: { kind: string; exitCode: number; message: string; reason?: string } }

describe('lh-brain actions --help', () => {
  it('the command and each subcommand have help; the command lists examples and exit codes', async () => {
    const top = await runCli(['actions', '--help']);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, /Examples:\n {2}lh-brain actions list/);
    assert.match(top.stdout, /Exit 0; 2 for a wrong call/);
    for (const sub of ['list', 'claim', 'complete', 'playbook', 'generate']) {
      const run = await runCli(['actions', sub, '--help']);
      assert.equal(run.code, 0, `${sub}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`Usage: lh-brain actions ${sub}`));
    }
  });
});

for (const target of await dbTargets()) {
  describe(`lh-brain actions on ${target.name}`, () => {
    it('generate, list, claim, complete and playbook; wrong calls exit 2 and write nothing', () => withFixture(target, async (f) => {
      const [s] = await f.sql<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at)
        values ('instant-responder', 'instant-responder for 2026-02-28', 'testing', $1) returning id`, [T0]);
      const [t] = await f.sql<{ id: number }>(`insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at)
        values ('t', $1, 'avg_response_time_hours', 'running', $2) returning id`, [s!.id, T0]);
      await f.sql(`insert into lh_lead_status (source, status, created_at)
        select 'zillow', 'new', $1::timestamptz + i * interval '1 minute' from generate_series(1, 16) i`, [T0]);

      const gen = await f.cli(['--now', NOW, '--json', 'actions', 'generate']);
      assert.equal(gen.code, 0, gen.stderr);
      const made = json<GenerationResult>(gen);
      assert.equal(made.assigned, 16);
      const [treated] = await f.sql<{ n: number }>(
        "select count(*)::int as n from lh_ab_assignments where test_id = $1 and ab_group = 'treatment'", [t!.id]);
      assert.deepEqual(made.created, { auto_reply: treated!.n, call_now: treated!.n, follow_up: 0, nurture: 0, revalidate: 0 });
      assert.ok(treated!.n > 0);

      const listed = await f.cli(['--json', 'actions', 'list', '--status', 'pending', '--limit', '1000']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(json<{ actions: SkillAction[] }>(listed).actions.length, 2 * treated!.n);
      const human = await f.cli(['actions', 'list', '--limit', '3']);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout.split('\n')[0]!, /^id\s+due \(UTC\)\s+action\s+lead\s+skill\s+test\s+status/);
      assert.ok(human.stdout.split('\n').every((l) => l.length <= 100), human.stdout);

      const claim = await f.cli(['--now', NOW, '--json', 'actions', 'claim', '--worker', 'n8n-1', '--max', '2', '--action', 'call_now']);
      assert.equal(claim.code, 0, claim.stderr);
      const claimed = json<{ claimed: SkillAction[] }>(claim).claimed;
      assert.equal(claimed.length, 2);
      assert.ok(claimed.every((a) => a.action === 'call_now' && a.status === 'claimed' && a.claimedBy === 'n8n-1'));

      const done = await f.cli(['--now', NOW, '--json', 'actions', 'complete', String(claimed[0]!.id), '--result', '{"called": true}']);
      assert.equal(done.code, 0, done.stderr);
      assert.deepEqual([json<SkillAction>(done).status, json<SkillAction>(done).result], ['done', { called: true }]);

      const book = await f.cli(['--now', NOW, '--json', 'actions', 'playbook', String(claimed[0]!.leadId)]);
      assert.equal(book.code, 0, book.stderr);
      const playbook = json<LeadPlaybook>(book);
      assert.deepEqual(playbook.skills.map((k) => [k.skillId, k.via, k.testId]), [[Number(s!.id), 'test', Number(t!.id)]]);
      assert.deepEqual(playbook.skills[0]!.actions.map((a) => [a.action, a.status]), [['auto_reply', 'pending'], ['call_now', 'done']]);
      const text = await f.cli(['--now', NOW, 'actions', 'playbook', String(claimed[0]!.leadId)]);
      assert.match(text.stdout, /instant-responder for 2026-02-28 \[instant-responder\] via treatment of test \d+/);

      // wrong calls: exit 2, one line, one JSON document, nothing written
      const before = await f.sql<{ id: number; status: string }>('select id, status from lh_skill_actions order by id');
      const pending = before.find((a) => a.status === 'pending')!;
      for (const [args, reason, message] of [
        [['actions', 'complete', String(pending.id)], 'not-claimed', /is pending, not claimed/],
        [['actions', 'complete', '999999'], 'not-found', /no action 999999/],
        [['actions', 'playbook', '999999'], 'not-found', /no lead 999999/],
        [['actions', 'claim', '--worker', ' '], 'invalid', /worker name must not be empty/],
      ] as const) {
        const run = await f.cli(['--now', NOW, '--json', ...args]);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        const doc = json<ErrorDoc>(run);
        assert.deepEqual([doc.error.kind, doc.error.exitCode, doc.error.reason], ['usage', 2, reason], args.join(' '));
        assert.match(doc.error.message, message);
        assert.equal(run.stderr.trim().split('\n').filter((l) => l.startsWith('lh-brain:')).length, 1);
      }
      for (const [args, message] of [
        [['actions', 'claim', '--worker', 'w', '--action', 'teleport'], /--action must name one or more of auto_reply, call_now/],
        [['actions', 'claim', '--worker', 'w', '--max', '0'], /--max must be a whole number from 1 to 10000, got "0"/],
        [['actions', 'complete', '1', '--result', '[1]'], /--result must be a JSON object/],
        [['actions', 'complete', '1', '--result', '{oops'], /not valid JSON/],
        [['actions', 'list', '--status', 'lost'], /--status must be one of pending, claimed/],
        [['actions', 'playbook', 'abc'], /the lead id must be a whole number/],
      ] as const) {
        const run = await f.cli(args as unknown as string[]);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, message);
      }
      assert.deepEqual(await f.sql('select id, status from lh_skill_actions order by id'), before, 'nothing written by a wrong call');
    }));
  });
}
