/**
 * A daily backfill killed with SIGKILL in the middle of its run (no chance to clean up) leaves PostgreSQL
 * consistent, and running the same command again ends in exactly the state of a run that was never
 * interrupted. The real bin runs in a child process over ~3,000 generated leads and 60 days; it is killed
 * right after its 5th progress line on stderr ("day 5/60"), i.e. while it works on day 5 or 6.
 *
 * Why it holds: every step of a day is one idempotent statement (autocommit), and a skill and its test
 * are inserted in one transaction after all days are done; a kill therefore cuts between statements or
 * aborts one statement as a whole.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../src/db/port.ts';
import { dbTargets, postgresTarget, postgresUrlOf } from '../support/databases.ts';
import {
  assertMetricRowsComplete, assertPatternRowsComplete, assertSkillsAndTestsPaired, cli, dbNameOf, generatePipeline,
  outputTables, sideConnection, waitForNoJobSessions,
} from './support.ts';

const FROM = '2025-11-22';
const TO = '2026-01-20';
const DAYS = 60;
const KILL_AFTER_DAY_LINES = 5;
const hasPostgres = (await dbTargets()).some((t) => t.name === 'postgres');

describe('a daily backfill killed mid-run (SIGKILL)', { skip: hasPostgres ? false : 'PostgreSQL not available (CI has it)' }, () => {
  it('leaves the database consistent, and the re-run ends where an uninterrupted run ends', async () => {
    const killed: Database = await postgresTarget.fresh();
    const reference: Database = await postgresTarget.fresh();
    const killedUrl = postgresUrlOf(killed)!;
    const referenceUrl = postgresUrlOf(reference)!;
    const k = sideConnection(killedUrl);
    const ref = sideConnection(referenceUrl);
    try {
      await generatePipeline(k, 3000, DAYS, TO);
      await generatePipeline(ref, 3000, DAYS, TO);
      const args = (url: string) => ['--database-url', url, '--now', '2026-01-21T00:01:00Z', 'daily', '--from', FROM, '--to', TO, '--json'];

      // the reference: one uninterrupted run
      const full = await cli(args(referenceUrl));
      assert.equal(full.code, 0, full.stderr);
      const expected = await outputTables(ref);
      assert.equal(expected['lh_daily_metrics']!.length, DAYS);
      assert.equal(expected['lh_spawned_skills']!.length, 1, 'the fixture should make the run spawn a skill'); // a meaningful comparison

      // the same run, killed after its 5th "day i/60" line
      let dayLines = 0;
      const run = await cli(args(killedUrl), (line, child) => {
        if (/"day \d+\/\d+: /.test(line) && ++dayLines === KILL_AFTER_DAY_LINES) child.kill('SIGKILL');
      });
      assert.equal(run.signal, 'SIGKILL', `the job was not killed mid-run (exit ${run.code}): ${run.stderr.slice(-500)}`);
      assert.equal(run.stdout, '', 'a killed run printed no result');
      await waitForNoJobSessions(k, dbNameOf(killedUrl)); // the server has finished or aborted the last statement

      // consistent: complete rows only, for a prefix of the range, and no skill or test at all yet
      const stored = await k.query<{ d: string }>('select metric_date::text as d from lh_daily_metrics order by 1');
      const days = stored.map((r) => r.d);
      assert.ok(days.length >= KILL_AFTER_DAY_LINES - 1 && days.length < DAYS, `killed after ${days.length} days`);
      const prefix = Array.from({ length: days.length }, (_, i) => new Date(Date.parse(`${FROM}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
      assert.deepEqual(days, prefix, 'the stored days are the first days of the range, none skipped');
      assert.equal(await assertMetricRowsComplete(k), days.length);
      // truths arrive a day after their validation: no pattern row for the first day of the range
      const patternDays = await assertPatternRowsComplete(k);
      assert.ok(patternDays >= days.length - 1, `${patternDays} pattern days for ${days.length} metric days`);
      await assertSkillsAndTestsPaired(k);
      const [counts] = await k.query<{ skills: number; tests: number }>(
        'select (select count(*) from lh_spawned_skills)::int as skills, (select count(*) from lh_ab_tests)::int as tests');
      assert.deepEqual(counts, { skills: 0, tests: 0 }, 'spawning happens after the last day only');

      // the next run completes and equals the uninterrupted one, row for row
      const again = await cli(args(killedUrl));
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(await outputTables(k), expected);
      await assertSkillsAndTestsPaired(k);
      assert.equal(await assertMetricRowsComplete(k), DAYS);
    } finally {
      await k.end();
      await ref.end();
      await killed.close();
      await reference.close();
    }
  });
});
