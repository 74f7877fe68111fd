/**
 * Database connections that fail: a server that is not there, and a connection dropped by the server in
 * the middle of a backfill (pg_terminate_backend from a second session, as an operator or a failover
 * would). The CLI must answer with one clear line and a non-zero exit, print no password, leave nothing
 * half-written, and the next run must complete. (The edge-function side, a 500 with a clear message and
 * no password, is test/deno/edge-functions.test.ts "500 with a clear message, and no password, when the
 * database cannot be reached".)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dbTargets, postgresTarget, postgresUrlOf } from '../support/databases.ts';
import {
  assertMetricRowsComplete, assertPatternRowsComplete, assertSkillsAndTestsPaired, cli, dbNameOf, errorLines,
  generatePipeline, sideConnection, waitForNoJobSessions,
} from './support.ts';
import { freePort as deadPort } from '../support/ports.ts'; // free a moment ago: nothing listens there
import { fixedClock } from '../../src/clock.ts';
import { failureLine } from '../../src/cli/errors.ts';
import { connectPostgres } from '../../src/db/postgres.ts';
import type { Database, Row } from '../../src/db/port.ts';
import { runDailyJob } from '../../src/jobs/daily.ts';
import { silentLogger } from '../../src/logger.ts';


const hasPostgres = (await dbTargets()).some((t) => t.name === 'postgres');

describe('a database that cannot be reached', () => {
  for (const command of [['daily'], ['analyze'], ['report'], ['migrate']]) {
    it(`${command[0]}: exit 1 with one line naming the host, without the password`, async () => {
      const port = await deadPort();
      const url = `postgres://lhb_user:pa55-w0rd-secret@127.0.0.1:${port}/lhb`;
      const run = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', ...command]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, '');
      const lines = errorLines(run.stderr);
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, new RegExp(`cannot connect to PostgreSQL at postgres://lhb_user:\\*\\*\\*@127\\.0\\.0\\.1:${port}/lhb: .*ECONNREFUSED`));
      assert.doesNotMatch(run.stderr, /pa55-w0rd-secret/);
      assert.equal(run.stderr.trim().split('\n').length, 1, `only the error line on stderr:\n${run.stderr}`);
    });
  }

  it('a database that does not exist: exit 1, its name in the line, no password', { skip: hasPostgres ? false : 'needs a PostgreSQL server that answers' }, async () => {
    const url = `postgres://postgres:another-secret@127.0.0.1:5432/lhb_no_such_db_${process.pid}`;
    const run = await cli(['--database-url', url, 'daily']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(errorLines(run.stderr)[0] ?? '', /cannot connect to PostgreSQL at .*:\*\*\*@.*lhb_no_such_db_\d+.*does not exist/);
    assert.doesNotMatch(run.stderr, /another-secret/);
  });
});

const FROM = '2026-01-01';
const TO = '2026-01-20';
const BLOCKED_DAY = '2026-01-04'; // the 4th day of the range
describe('a connection dropped in the middle of a backfill', { skip: hasPostgres ? false : 'PostgreSQL not available (CI has it)' }, () => {
  it('pg_terminate_backend on the job: one clear line, exit 1, complete days only; the next run completes', async () => {
    const db = await postgresTarget.fresh();
    const url = postgresUrlOf(db)!;
    const side = sideConnection(url);
    const locker = sideConnection(url);
    try {
      await generatePipeline(side, 1000, 20, TO);
      // Hold the feedback analysis' per-day advisory lock of the 4th day: the job computes days 1–3 and
      // then waits inside lh_update_pattern_performance(day 4), a statement we can find and terminate.
      await locker.query(`select pg_advisory_lock(1279609936, ($1::date - date '2000-01-01'))`, [BLOCKED_DAY]);
      const running = cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', 'daily', '--from', FROM, '--to', TO, '--json']);
      let pid: number | undefined;
      for (let i = 0; i < 600 && pid === undefined; i++) {
        const rows = await side.query<{ pid: number }>(`select pid from pg_stat_activity where datname = $1
          and application_name = 'lead-hunter-brain' and wait_event_type = 'Lock' and query ilike '%lh_update_pattern_performance%'`,
        [dbNameOf(url)]);
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(pid !== undefined, 'the job never reached the blocked day');
      const [term] = await side.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
      assert.equal(term?.ok, true);
      const run = await running;
      await locker.query(`select pg_advisory_unlock(1279609936, ($1::date - date '2000-01-01'))`, [BLOCKED_DAY]);
      await waitForNoJobSessions(side, dbNameOf(url));

      assert.equal(run.code, 1, `exit code ${run.code}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      const lines = errorLines(run.stderr);
      assert.equal(lines.length, 1, run.stderr);
      // the driver reports either the server's FATAL 57P01 or the closed socket; both are reworded
      assert.match(lines[0]!, /^lh-brain: lost the connection to PostgreSQL \((.*CONNECTION_CLOSED.*|terminating connection due to administrator command)\);.* re-run the command$/);

      // nothing half-written: days 1–3 complete, nothing of day 4 on, no skill, no test
      const days = (await side.query<{ d: string }>('select metric_date::text as d from lh_daily_metrics order by 1')).map((r) => r.d);
      assert.deepEqual(days, ['2026-01-01', '2026-01-02', '2026-01-03']);
      assert.equal(await assertMetricRowsComplete(side), 3);
      const patternDays = await side.query<{ d: string }>('select distinct performance_date::text as d from lh_pattern_performance order by 1');
      assert.ok(patternDays.every((r) => r.d < BLOCKED_DAY), JSON.stringify(patternDays));
      await assertPatternRowsComplete(side);
      await assertSkillsAndTestsPaired(side);

      const again = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', 'daily', '--from', FROM, '--to', TO, '--json']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await assertMetricRowsComplete(side), 20);
      await assertSkillsAndTestsPaired(side);
    } finally {
      await locker.end();
      await side.end();
      await db.close();
    }
  });
});

describe('a statement cancelled by statement_timeout', { skip: hasPostgres ? false : 'PostgreSQL not available (CI has it)' }, () => {
  // Before: postgres.js ran its own type query as the first statement of every connection and dropped its
  // promise, so the timeout surfaced as an unhandled rejection with a stack trace (postgres.js #1192).
  it('daily, analyze, report, migrate: exit 1 with one line naming the timeout, no stack trace; the next run completes', async () => {
    const db = await postgresTarget.fresh();
    const url = postgresUrlOf(db)!;
    const side = sideConnection(url);
    try {
      await generatePipeline(side, 1000, 20, TO);
      await side.query(`alter database ${dbNameOf(url)} set statement_timeout = 1`);
      for (const command of [['daily', '--from', FROM, '--to', TO], ['analyze'], ['report'], ['migrate']]) {
        const run = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', '--quiet', ...command]);
        // migrate on a migrated database runs only catalogue reads, which can finish inside 1 ms (seen in CI):
        // when it does, there is nothing to report; when it is cancelled, the line must be the one below
        if (command[0] === 'migrate' && run.code === 0) continue;
        assert.equal(run.code, 1, `${command[0]}: exit ${run.code}: ${run.stderr}`);
        assert.equal(run.stdout, '');
        assert.equal(run.stderr.trim().split('\n').length, 1, `${command[0]}: only the error line on stderr:\n${run.stderr}`);
        assert.doesNotMatch(run.stderr, /\n\s+at |node:internal|PostgresError|triggerUncaughtException/);
        assert.match(run.stderr.trim(), /^lh-brain: PostgreSQL cancelled a statement after statement_timeout \(canceling statement due to statement timeout, SQLSTATE 57014\): its transaction was rolled back; raise statement_timeout for this role or database, then re-run the command/);
      }
      await side.query(`alter database ${dbNameOf(url)} reset statement_timeout`);
      await waitForNoJobSessions(side, dbNameOf(url));
      assert.equal(await assertMetricRowsComplete(side) <= 20, true); // whatever was written is complete
      await assertSkillsAndTestsPaired(side);
      const again = await cli(['--database-url', url, '--now', '2026-01-21T00:01:00Z', 'daily', '--from', FROM, '--to', TO, '--json']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await assertMetricRowsComplete(side), 20);
    } finally {
      await side.end();
      await db.close();
    }
  });
});

describe('a connection dropped while the detection input is read', { skip: hasPostgres ? false : 'PostgreSQL not available (CI has it)' }, () => {
  // Before: the detection step wrapped every error and added "check the time zone is an IANA name and the
  // database is migrated", which is false for a lost connection. The job runs in-process on a Database whose
  // query() is the real adapter's: when the detection's accuracy query (lh_scored_truths over lh_feedback_log) comes, a
  // second session takes an ACCESS EXCLUSIVE lock first, so the query waits on the server, and its backend
  // is terminated there.
  it('pg_terminate_backend in the detection step: the CLI line says the connection was lost, and nothing about the time zone', async () => {
    const db = await postgresTarget.fresh();
    const url = postgresUrlOf(db)!;
    const side = sideConnection(url);
    const locker = sideConnection(url);
    const job = connectPostgres(url, { max: 1 });
    let trapped = false;
    let jobPid = 0;
    const isAccuracyQuery = (text: string) => !trapped && /\bpublic\.lh_scored_truths\b/.test(text) && !/lh_update_/.test(text);
    const trap = async () => {
      trapped = true;
      await locker.query('begin');
      await locker.query('lock table lh_feedback_log in access exclusive mode');
      void (async () => {
        for (let i = 0; i < 300; i++) {
          const [row] = await side.query<{ pid: number }>(`select pid from pg_stat_activity where pid = $1
            and wait_event_type = 'Lock' and state = 'active'`, [jobPid]);
          if (row) {
            await side.query('select pg_terminate_backend($1)', [row.pid]);
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        await locker.query('rollback');
      })();
    };
    const intercepted: Database = {
      ...job,
      async query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]> {
        if (isAccuracyQuery(text)) await trap();
        return job.query<T>(text, params);
      },
    };
    try {
      await generatePipeline(side, 1000, 20, TO);
      jobPid = (await job.query<{ pid: number }>('select pg_backend_pid() as pid'))[0]!.pid; // max 1: the job's only session
      const failure = await runDailyJob({ db: intercepted, clock: fixedClock(new Date('2026-01-21T00:01:00Z')), logger: silentLogger },
        { timeZone: 'America/New_York' }).then(() => undefined, (e: unknown) => e);
      assert.ok(trapped, 'the detection input never read lh_scored_truths');
      assert.ok(failure instanceof Error, 'the job did not fail');
      const line = failureLine(failure);
      // the driver reports the server's FATAL 57P01, the closed socket or the reset one; all are reworded
      assert.match(line, /^lost the connection to PostgreSQL \((.*CONNECTION_CLOSED.*|.*ECONNRESET|terminating connection due to administrator command)\);.* re-run the command$/);
      assert.doesNotMatch(line, /time zone|IANA|migrated/);
      assert.equal(line.split('\n').length, 1);
      await assertMetricRowsComplete(side);
    } finally {
      await job.close();
      await locker.end();
      await side.end();
      await db.close();
    }
  });
});
