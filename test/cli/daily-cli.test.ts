/**
 * `lh-brain daily` as a user runs it: the real bin in a child process, against a fresh PostgreSQL
 * database (by URL) and the embedded PGlite (--memory, --data-dir). Exit codes: 0 success, 2 usage, 1 failure.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DailyResult } from '../../src/jobs/daily-result.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { dbTargets, postgresUrlOf } from '../support/databases.ts';

type Run = CliRun;
const cli = (args: string[]): Promise<Run> => runCli(args);

const LEADS = `insert into lh_lead_status (source, status, created_at, contacted_at) values
  ('zillow', 'contacted', '2026-01-20T10:00Z', '2026-01-20T12:00Z'),
  ('zillow', 'new', '2026-01-20T23:30Z', null),
  ('referral', 'new', '2026-01-19T12:00Z', null)`;

const targets = await dbTargets();
if (targets.some((t) => t.name === 'postgres')) {
  const pg = targets.find((t) => t.name === 'postgres')!;
  describe('lh-brain daily on PostgreSQL', () => {
    it('--json prints the DailyResult for the day before --now; a re-run changes nothing', async () => {
      const db = await pg.fresh();
      try {
        await db.query(LEADS);
        const url = postgresUrlOf(db)!;
        const run = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', 'daily', '--json']);
        assert.equal(run.code, 0, run.stderr);
        const r = JSON.parse(run.stdout) as DailyResult;
        assert.deepEqual([r.from, r.to, r.spawnDate, r.timeZone, r.ranAt], ['2026-01-20', '2026-01-20', '2026-01-20', 'UTC', '2026-01-21T00:01:00.000Z']);
        assert.equal(r.days.length, 1);
        assert.equal(r.days[0]!.metrics.newLeadsCount, 2);
        assert.equal(r.days[0]!.metrics.avgResponseTimeHours, 2);
        assert.deepEqual([r.days[0]!.bottlenecks, r.spawned, r.skipped], [[], [], []]); // three leads: nothing fires
        const state = () => db.query("select *, xmin::text as x from lh_daily_metrics order by metric_date");
        const before = await state();
        const again = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', 'daily', '--json']);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(await state(), before);
      } finally {
        await db.close();
      }
    });

    it('the default day follows --time-zone; human output by default', async () => {
      const db = await pg.fresh();
      try {
        const url = postgresUrlOf(db)!;
        // 03:00Z on 01-21 is 22:00 on 01-20 in New York: the day that ended there is 01-19
        const run = await cli(['--database-url', url, '--now', '2026-01-21T03:00:00Z', 'daily', '--time-zone', 'America/New_York']);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^daily 2026-01-19 \(America\/New_York\)\n/);
        assert.match(run.stdout, /nothing to spawn for 2026-01-19/);
        const rows = await db.query<{ d: string; tz: string }>('select metric_date::text as d, time_zone as tz from lh_daily_metrics');
        assert.deepEqual(rows, [{ d: '2026-01-19', tz: 'America/New_York' }]);
      } finally {
        await db.close();
      }
    });
  });
}

describe('lh-brain daily on the embedded database', () => {
  const usage: Array<[string, string[], RegExp]> = [
    ['an impossible date', ['--date', '2026-02-30'], /--date must be a calendar date/],
    ['a range backwards', ['--from', '2026-01-05', '--to', '2026-01-01'], /must not be after/],
    ['both forms', ['--date', '2026-01-05', '--from', '2026-01-01', '--to', '2026-01-02'], /either --date or --from\/--to/],
    ['half a range', ['--from', '2026-01-01'], /needs both --from and --to/],
    ['an unknown zone', ['--time-zone', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
    // the range rule (src/jobs/dates.ts): at most 366 days, none before 1970, none after yesterday as of --now
    ['a 200-year range', ['--from', '1900-01-01', '--to', '2100-12-31'], /is before 1970-01-01/],
    ['367 days', ['--from', '2025-01-19', '--to', '2026-01-20'], /2025-01-19 … 2026-01-20 is 367 days; one run computes at most 366/],
    ['year 0', ['--date', '0000-01-01'], /0000-01-01 is before 1970-01-01, the earliest metric day/],
    ['today (not over yet)', ['--date', '2026-01-21'], /2026-01-21 is not over yet: the last complete day is 2026-01-20 \(UTC\)/],
    ['a range ending in the future', ['--from', '2026-01-10', '--to', '2026-01-25'], /2026-01-25 is not over yet/],
    ['yesterday in UTC, still today in Los Angeles', ['--date', '2026-01-20', '--time-zone', 'America/Los_Angeles'],
      /2026-01-20 is not over yet: the last complete day is 2026-01-19 \(America\/Los_Angeles\)/],
  ];
  for (const [what, args, message] of usage) {
    it(`exit 2 with one line for ${what}`, async () => {
      const run = await cli(['--memory', '--now', '2026-01-21T00:01:00Z', 'daily', ...args]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').filter((l) => l.startsWith('lh-brain:')).length, 1);
      assert.equal(run.stdout, '');
    });
  }

  it('--memory migrates itself and runs; an unmigrated --data-dir fails with exit 1 and the fix', async () => {
    const mem = await cli(['--memory', '--now', '2026-01-21T00:01:00Z', 'daily', '--json']);
    assert.equal(mem.code, 0, mem.stderr);
    assert.equal((JSON.parse(mem.stdout) as DailyResult).to, '2026-01-20');
    const dir = await mkdtemp(join(tmpdir(), 'lhb-daily-'));
    try {
      const bare = await cli(['--data-dir', dir, 'daily']);
      assert.equal(bare.code, 1);
      assert.match(bare.stderr, /not migrated .*run `lh-brain migrate` first/);
      assert.equal((await cli(['--data-dir', dir, 'migrate'])).code, 0);
      const range = await cli(['--data-dir', dir, '--now', '2026-01-21T00:01:00Z', 'daily', '--from', '2026-01-01', '--to', '2026-01-03', '--json']);
      assert.equal(range.code, 0, range.stderr);
      const r = JSON.parse(range.stdout) as DailyResult;
      assert.deepEqual(r.days.map((d) => d.date), ['2026-01-01', '2026-01-02', '2026-01-03']);
      assert.equal(r.spawnDate, '2026-01-03');
      // stderr is not a terminal here: one log line per day instead of a bar
      assert.match(range.stderr, /day 1\/3: 2026-01-01/);
      assert.match(range.stderr, /day 3\/3: 2026-01-03/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
