/**
 * The worker's pure schedule. Expected instants are from PostgreSQL 15's tzdata
 * (`select '2026-03-08 00:01'::timestamp at time zone 'America/New_York'` and so on), except the
 * fall-back overlap, where PostgreSQL picks the later occurrence and the worker deliberately picks the
 * first (Temporal 'compatible' / RFC 5545), hand-computed from the UK rule (BST ends 2026-10-25 02:00 BST).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SCHEDULE, dueAnalysisKey, dueDailyKeys, latestRun, nextRun, parseLocalTime, type Schedule } from '../../src/worker/schedule.ts';
import { nextWait } from '../../src/worker/worker.ts';
import { localDate, localToInstant, TimeZoneError } from '../../src/worker/zoned-time.ts';

const at = (s: string) => new Date(s);
const inZone = (timeZone: string): Schedule => ({ ...DEFAULT_SCHEDULE, timeZone });
const iso = (d: Date) => d.toISOString();

describe('localToInstant', () => {
  it('places 00:01 New York before and after both DST changes (PostgreSQL values)', () => {
    const t = (d: string) => iso(localToInstant(d, { hour: 0, minute: 1 }, 'America/New_York'));
    assert.equal(t('2026-03-08'), '2026-03-08T05:01:00.000Z'); // EST, the day clocks spring forward at 02:00
    assert.equal(t('2026-03-09'), '2026-03-09T04:01:00.000Z'); // EDT
    assert.equal(t('2026-11-01'), '2026-11-01T04:01:00.000Z'); // EDT, the day clocks fall back at 02:00
    assert.equal(t('2026-11-02'), '2026-11-02T05:01:00.000Z'); // EST
  });

  it('moves a wall time inside a gap forward by the gap (Santiago skips 00:00–01:00 on 2026-09-06)', () => {
    const t = (d: string) => iso(localToInstant(d, { hour: 0, minute: 1 }, 'America/Santiago'));
    assert.equal(t('2026-09-05'), '2026-09-05T04:01:00.000Z');
    assert.equal(t('2026-09-06'), '2026-09-06T04:01:00.000Z'); // = 01:01 -03, as PostgreSQL
    assert.equal(t('2026-09-07'), '2026-09-07T03:01:00.000Z');
    assert.equal(iso(localToInstant('2026-03-29', { hour: 1, minute: 30 }, 'Europe/London')), '2026-03-29T01:30:00.000Z');
  });

  it('takes the first of a repeated wall time (London 01:30 on 2026-10-25 is 00:30Z BST and 01:30Z GMT)', () => {
    assert.equal(iso(localToInstant('2026-10-25', { hour: 1, minute: 30 }, 'Europe/London')), '2026-10-25T00:30:00.000Z');
  });

  it('rejects an unknown zone with a typed error', () => {
    assert.throws(() => localToInstant('2026-01-01', { hour: 0, minute: 1 }, 'Mars/Olympus'), TimeZoneError);
    assert.throws(() => localDate(at('2026-01-01T00:00:00Z'), 'Nowhere'), /unknown time zone "Nowhere"/);
  });

  it('gives the local calendar date across the date line', () => {
    assert.equal(localDate(at('2026-01-20T11:30:00Z'), 'Pacific/Kiritimati'), '2026-01-21'); // UTC+14
    assert.equal(localDate(at('2026-01-20T10:30:00Z'), 'Pacific/Pago_Pago'), '2026-01-19'); // UTC-11
  });
});

describe('daily schedule', () => {
  const ny = inZone('America/New_York');

  it('at 00:01 the run is for the day that just ended; one minute earlier it is the previous one', () => {
    assert.deepEqual(latestRun('daily', at('2026-01-21T05:01:00Z'), ny), { job: 'daily', runKey: '2026-01-20', at: at('2026-01-21T05:01:00Z') });
    assert.equal(latestRun('daily', at('2026-01-21T05:00:59Z'), ny).runKey, '2026-01-19');
    assert.equal(iso(nextRun('daily', at('2026-01-21T05:00:59Z'), ny).at), '2026-01-21T05:01:00.000Z');
    assert.equal(iso(nextRun('daily', at('2026-01-21T05:01:00Z'), ny).at), '2026-01-22T05:01:00.000Z');
  });

  it('the spring-forward and fall-back nights are 23 h and 25 h apart, one run each', () => {
    const spring = nextRun('daily', at('2026-03-08T05:01:00Z'), ny);
    assert.deepEqual([spring.runKey, iso(spring.at)], ['2026-03-08', '2026-03-09T04:01:00.000Z']);
    const fall = nextRun('daily', at('2026-11-01T04:01:00Z'), ny);
    assert.deepEqual([fall.runKey, iso(fall.at)], ['2026-11-01', '2026-11-02T05:01:00.000Z']);
    // at 04:30Z on 2 Nov it is still 23:30 on 1 Nov in New York: the latest run is the one for 31 Oct
    assert.equal(latestRun('daily', at('2026-11-02T04:30:00Z'), ny).runKey, '2026-10-31');
  });

  it('runs on the day whose midnight does not exist (Santiago), at 01:01', () => {
    const s = inZone('America/Santiago');
    const run = nextRun('daily', at('2026-09-05T12:00:00Z'), s);
    assert.deepEqual([run.runKey, iso(run.at)], ['2026-09-05', '2026-09-06T04:01:00.000Z']);
    assert.equal(latestRun('daily', at('2026-09-06T04:00:59Z'), s).runKey, '2026-09-04');
  });

  it('catches up every missed day after the last completed one, at most maxBackfillDays', () => {
    const now = at('2026-01-21T12:00:00Z'); // latest due: 2026-01-20
    assert.deepEqual(dueDailyKeys(now, '2026-01-17', ny, 35), ['2026-01-18', '2026-01-19', '2026-01-20']);
    assert.deepEqual(dueDailyKeys(now, '2026-01-20', ny, 35), []);
    assert.deepEqual(dueDailyKeys(now, '2026-01-25', ny, 35), []); // a run key from the future (clock moved back)
    assert.deepEqual(dueDailyKeys(now, undefined, ny, 35), ['2026-01-20']);
    const bounded = dueDailyKeys(now, '2025-06-01', ny, 35);
    assert.equal(bounded.length, 35);
    assert.deepEqual([bounded[0], bounded[34]], ['2025-12-17', '2026-01-20']);
  });

  it('a first start owes the days after the newest metric day, bounded; a completed run takes precedence', () => {
    const now = at('2026-01-21T12:00:00Z'); // latest due: 2026-01-20
    assert.deepEqual(dueDailyKeys(now, undefined, ny, 35, '2026-01-17'), ['2026-01-18', '2026-01-19', '2026-01-20']);
    assert.deepEqual(dueDailyKeys(now, undefined, ny, 2, '2026-01-10'), ['2026-01-19', '2026-01-20']);
    assert.deepEqual(dueDailyKeys(now, undefined, ny, 35, '2026-01-20'), []); // already measured
    assert.deepEqual(dueDailyKeys(now, '2026-01-19', ny, 35, '2026-01-10'), ['2026-01-20']); // the ledger wins
  });

  it('crosses a DST change while catching up without skipping or doubling a day', () => {
    assert.deepEqual(dueDailyKeys(at('2026-03-10T12:00:00Z'), '2026-03-06', ny, 35),
      ['2026-03-07', '2026-03-08', '2026-03-09']);
  });
});

describe('weekly analysis schedule', () => {
  const berlin = inZone('Europe/Berlin');

  it('is due from Monday 03:00 local until it completes', () => {
    // Monday 2026-01-19 03:00 CET = 02:00Z
    assert.equal(latestRun('analysis', at('2026-01-19T01:59:59Z'), berlin).runKey, '2026-01-12');
    assert.equal(latestRun('analysis', at('2026-01-19T02:00:00Z'), berlin).runKey, '2026-01-19');
    assert.equal(latestRun('analysis', at('2026-01-24T12:00:00Z'), berlin).runKey, '2026-01-19');
    assert.equal(dueAnalysisKey(at('2026-01-21T12:00:00Z'), '2026-01-12', berlin), '2026-01-19');
    assert.equal(dueAnalysisKey(at('2026-01-21T12:00:00Z'), '2026-01-19', berlin), undefined);
    assert.equal(dueAnalysisKey(at('2026-01-21T12:00:00Z'), undefined, berlin), '2026-01-19');
  });

  it('next Monday run respects summer time (2026-03-30 03:00 CEST = 01:00Z)', () => {
    const run = nextRun('analysis', at('2026-03-24T00:00:00Z'), berlin);
    assert.deepEqual([run.runKey, iso(run.at)], ['2026-03-30', '2026-03-30T01:00:00.000Z']);
    assert.equal(iso(nextRun('analysis', at('2026-03-30T01:00:00Z'), berlin).at), '2026-04-06T01:00:00.000Z');
  });
});

describe('waiting and parsing', () => {
  const utc = inZone('UTC');
  it('waits until the next run, capped, and backs off after failures', () => {
    assert.equal(nextWait(at('2026-01-20T23:59:00Z'), utc, 0, 3_600_000), 120_000); // 00:01
    assert.equal(nextWait(at('2026-01-20T12:00:00Z'), utc, 0, 300_000), 300_000);
    assert.equal(nextWait(at('2026-01-20T12:00:00Z'), utc, 1, 86_400_000), 60_000);
    assert.equal(nextWait(at('2026-01-20T12:00:00Z'), utc, 3, 86_400_000), 240_000);
  });
  it('parses HH:MM only', () => {
    assert.deepEqual(parseLocalTime('00:01'), { hour: 0, minute: 1 });
    assert.deepEqual(parseLocalTime('23:59'), { hour: 23, minute: 59 });
    for (const bad of ['24:00', '0:01', '00:60', '12', 'noon']) assert.equal(parseLocalTime(bad), undefined, bad);
  });
});
