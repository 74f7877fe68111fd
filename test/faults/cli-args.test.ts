/**
 * Bad command lines, through the real bin: each exits 2 with one line saying what is wrong, prints
 * nothing on stdout, and never touches a database (every case runs with --memory or fails before
 * opening one). Cases already covered elsewhere are cited in docs/faults.md rather than repeated:
 * daily's dates and ranges (test/cli/daily-cli.test.ts), plan's numbers (test/cli/plan-analyze-cli.test.ts),
 * simulate's --days (test/cli/simulate-cli.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from './support.ts';

const NOW = ['--now', '2026-01-21T00:01:00Z'];
const CASES: Array<[string, string[], RegExp]> = [
  ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ['an unknown option', ['--memory', 'daily', '--dat', '2026-01-20'], /unknown option '--dat'/],
  ['--now garbage', ['--memory', '--now', 'yesterday', 'daily'], /--now must be an ISO timestamp .*got "yesterday"/],
  ['--now on 30 February (Date.parse would roll it to 2 March)', ['--memory', '--now', '2026-02-30T00:01:00Z', 'daily'], /--now must be an ISO timestamp .*"2026-02-30T00:01:00Z"/],
  ['--now with trailing junk (Date.parse would read another day)', ['--memory', '--now', '2026-01-21junk', 'daily'], /--now must be an ISO timestamp .*"2026-01-21junk"/],
  ['--now without an offset (it would be read in the machine\'s zone)', ['--memory', '--now', '2026-01-21T00:01:00', 'daily'], /--now must be an ISO timestamp with its offset/],
  ['--now at 25 o\'clock', ['--memory', '--now', '2026-01-21T25:00:00Z', 'daily'], /--now must be an ISO timestamp/],
  ['a non-numeric report --days', ['--memory', ...NOW, 'report', '--days', 'abc'], /--days must be a whole number of days, got "abc"/],
  ['report --days 0', ['--memory', ...NOW, 'report', '--days', '0'], /--days/],
  ['a non-numeric analyze --test', ['--memory', ...NOW, 'analyze', '--test', 'abc'], /--test must be a positive test id, got "abc"/],
  ['an unknown analyze --policy', ['--memory', ...NOW, 'analyze', '--policy', 'yolo'], /--policy must be one of seed, sequential, planned, got "yolo"/],
  ['a database URL of another kind', ['--database-url', 'mysql://u:pw@localhost/db', 'daily'], /database URL must start with postgres:\/\/ or postgresql:\/\//],
  ['--memory with a database URL', ['--memory', '--database-url', 'postgres://u@localhost/db', 'daily'], /--database-url cannot be combined with --memory or --data-dir/],
  ['daily --date in another format', ['--memory', ...NOW, 'daily', '--date', '01/20/2026'], /--date must be a calendar date YYYY-MM-DD, got "01\/20\/2026"/],
  ['config set without a value', ['--memory', 'config', 'set', 'detection'], /missing required argument 'value'/],
  ['an unknown config subcommand', ['--memory', 'config', 'show'], /unknown command 'show'/],
];

describe('bad command lines', () => {
  for (const [what, args, message] of CASES) {
    it(`exit 2 with one line for ${what}`, async () => {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(' ')} → ${run.code}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      // one reason line (commander adds hints in parentheses on lines of their own: "(Did you mean --date?)")
      const lines = run.stderr.trim().split('\n').filter((l) => !/^\(.*\)$/.test(l));
      assert.equal(lines.length, 1, run.stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('a valid --now with an offset is read as that instant', async () => {
    const run = await cli(['--memory', '--json', '--now', '2026-01-21T00:01:00+05:00', 'daily']);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as { ranAt: string; to: string };
    assert.equal(r.ranAt, '2026-01-20T19:01:00.000Z');
    assert.equal(r.to, '2026-01-19'); // the day before 2026-01-20 (UTC)
  });
});
