/**
 * The one range rule of the daily job (src/jobs/dates.ts dayRangeProblem), shared by the CLI, the edge
 * function and the job itself: at most 366 days inclusive, nothing before 1970-01-01, nothing after the
 * business "yesterday". The edges are checked one day on each side.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayRangeProblem, EARLIEST_METRIC_DAY, MAX_RANGE_DAYS } from '../../../src/jobs/dates.ts';

const bounds = { lastCompleteDay: '2026-01-20', timeZone: 'UTC' };

describe('dayRangeProblem', () => {
  it('366 days inclusive pass, 367 do not (across a leap day too)', () => {
    assert.equal(MAX_RANGE_DAYS, 366);
    assert.equal(dayRangeProblem('2025-01-20', '2026-01-20', bounds), null);
    assert.match(dayRangeProblem('2025-01-19', '2026-01-20', bounds) ?? '', /is 367 days; one run computes at most 366/);
    assert.equal(dayRangeProblem('2024-01-01', '2024-12-31'), null); // leap year: 366 days
    assert.match(dayRangeProblem('2023-12-31', '2024-12-31') ?? '', /is 367 days/);
    assert.match(dayRangeProblem('1900-01-01', '2100-12-31') ?? '', /before 1970-01-01/);
    assert.match(dayRangeProblem('1970-01-01', '2100-12-31') ?? '', /is 47847 days/);
  });

  it('the last complete day passes, the day after it does not; without bounds the clock is not consulted', () => {
    assert.equal(dayRangeProblem('2026-01-20', '2026-01-20', bounds), null);
    assert.match(dayRangeProblem('2026-01-21', '2026-01-21', bounds) ?? '',
      /^2026-01-21 is not over yet: the last complete day is 2026-01-20 \(UTC\)/);
    assert.match(dayRangeProblem('2026-01-10', '2026-01-21', bounds) ?? '', /2026-01-21 is not over yet/);
    assert.equal(dayRangeProblem('2026-01-21', '2026-01-21'), null);
  });

  it('the floor, year 0 and non-dates', () => {
    assert.equal(EARLIEST_METRIC_DAY, '1970-01-01');
    assert.equal(dayRangeProblem('1970-01-01', '1970-01-01', bounds), null);
    assert.match(dayRangeProblem('1969-12-31', '1969-12-31', bounds) ?? '', /1969-12-31 is before 1970-01-01/);
    assert.match(dayRangeProblem('0000-01-01', '0000-01-01') ?? '', /0000-01-01 is before 1970-01-01, the earliest metric day/);
    assert.match(dayRangeProblem('2026-02-30', '2026-03-01') ?? '', /not a calendar date .*"2026-02-30"/);
    assert.match(dayRangeProblem('2026-01-05', '2026-01-01') ?? '', /from \(2026-01-05\) is after to \(2026-01-01\)/);
  });
});
