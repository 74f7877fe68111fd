/**
 * The CUSUM recursion and the sequential checks against an independent computation
 * (scripts/reference/cusum_reference.py: SciPy log-pmfs and log-pdfs, an explicit loop), and the properties the
 * checks claim: a young history waits, the days-to-qualify CUSUM does not see a drop of the rate, each fires on its
 * own change.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTION_CONFIG as C, type DetectionConfig } from '../../../src/detect/config.ts';
import { bernoulliLlr, cusumEnd, cusumPath, normalMeanLlr } from '../../../src/detect/cusum.ts';
import { delayCusum, f1Cusum, qualificationCusum, responseCusum } from '../../../src/detect/cusum-checks.ts';
import type { Check } from '../../../src/detect/checks.ts';
import type { DailyContacts, DailySeries } from '../../../src/detect/input.ts';
import { emptyDaily, makeInput } from './fixtures.ts';

const REF = JSON.parse(readFileSync(new URL('./cusum-reference.json', import.meta.url), 'utf8')) as {
  path: { increments: number[]; path: number[] };
  bernoulli: Array<{ n: number; k: number; p0: number; p1: number; llr: number }>;
  normal: Array<{ n: number; sum: number; mu0: number; mu1: number; variance: number; llr: number }>;
  qualification: { days: Array<{ n: number; qualifiedByLag: number[] }>; drop: number; baselineShare: number; statistic: number; max: number; since: number | null };
};
const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const statistic = (ch: Check): number => {
  assert.equal(ch.kind, 'fired', JSON.stringify(ch));
  const t = ch.kind === 'fired' ? ch.evidence.trigger : null;
  return t?.kind === 'cusum' ? t.statistic : NaN;
};
const withH = (h: number): DetectionConfig => ({ ...C, cusum: { ...C.cusum, qualificationH: h, responseH: h, delayH: h, f1H: h } });

/** A daily series whose contacts are given (labels empty). */
function contactsSeries(contacts: DailyContacts[]): DailySeries {
  return { ...emptyDaily(), contacts };
}
const contactDay = (n: number, byLag: number[], resp: number[] = []): DailyContacts => ({
  n, qualifiedByLag: byLag, responseN: resp.length, responseLogSum: resp.reduce((a, h) => a + Math.log(h), 0),
  responseLogSq: resp.reduce((a, h) => a + Math.log(h) ** 2, 0),
});

describe('CUSUM recursion (src/detect/cusum.ts) against the reference', () => {
  it("Page's recursion and where it ends", () => {
    const path = cusumPath(REF.path.increments);
    REF.path.path.forEach((v, i) => close(path[i]!, v, 1e-12));
    const end = cusumEnd(REF.path.increments);
    close(end.statistic, REF.path.path.at(-1)!, 1e-12);
    close(end.max, Math.max(...REF.path.path), 1e-12);
    assert.deepEqual(cusumEnd([1, -2, 0.5, 0.25]), { statistic: 0.75, max: 1, since: 2 });
    assert.deepEqual(cusumEnd([1, -2]), { statistic: 0, max: 1, since: null });
    assert.deepEqual(cusumEnd([]), { statistic: 0, max: 0, since: null });
  });

  it('Bernoulli log-likelihood ratios equal the differences of binomial log-pmfs', () => {
    for (const b of REF.bernoulli) close(bernoulliLlr(b.n, b.k, b.p0, b.p1), b.llr);
  });

  it("normal log-likelihood ratios from the day's n and sum equal those of the raw observations", () => {
    for (const x of REF.normal) close(normalMeanLlr(x.n, x.sum, x.mu0, x.mu1, x.variance), x.llr);
  });

  it('the qualification CUSUM of a 42-day series: each day at the lag its age allows', () => {
    const input = makeInput({ daily: contactsSeries(REF.qualification.days.map((d) => contactDay(d.n, d.qualifiedByLag))) });
    const c: DetectionConfig = { ...withH(1e-9), cusum: { ...withH(1e-9).cusum, qualificationDrop: REF.qualification.drop } };
    const ch = qualificationCusum(input, c);
    close(statistic(ch), REF.qualification.statistic);
    assert.equal(ch.kind === 'fired' && ch.reference, REF.qualification.baselineShare);
    const since = ch.kind === 'fired' ? ch.evidence.figures.since : null;
    assert.equal(since, sinceDay(REF.qualification.since!));
    // above the threshold it stays quiet, saying where the statistic is
    const q = qualificationCusum(input, withH(REF.qualification.statistic + 0.01));
    assert.equal(q.kind, 'quiet');
  });
});

/** The local date of the i-th CUSUM day of emptyDaily() (28 baseline days from 2026-01-28). */
function sinceDay(i: number): string {
  const d = new Date(`${emptyDaily().range.from}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + C.baselineDays + i);
  return d.toISOString().slice(0, 10);
}

describe('sequential checks (src/detect/cusum-checks.ts)', () => {
  // a steady pipeline: 20 contacts a day, 2 h answers, 9 of them converted, 3 within a day, 5 within 2, 9 by lag 7
  const lags = [1, 3, 5, 6, 7, 8, 8, 9];
  const asOf = (byLag: number[], age: number) => byLag.map((_, j) => byLag[Math.min(j, age)]!);
  const series = (recent: (age: number) => DailyContacts) =>
    contactsSeries(Array.from({ length: 42 }, (_, i) => (i < 28 ? contactDay(20, lags, Array(20).fill(2)) : recent(41 - i))));
  const steady = (age: number) => contactDay(20, asOf(lags, age), Array(20).fill(2));

  it('steady days stay quiet; a qualification drop, slower answers and slower qualifications each fire their own', () => {
    const quietAll = makeInput({ daily: series(steady) });
    for (const check of [qualificationCusum, responseCusum, delayCusum]) assert.equal(check(quietAll, C).kind, 'quiet');
    const lowRate = makeInput({ daily: series((a) => contactDay(20, asOf([0, 1, 2, 3, 4, 4, 5, 5], a), Array(20).fill(2))) });
    assert.equal(qualificationCusum(lowRate, C).kind, 'fired');
    const slowAnswers = makeInput({ daily: series((a) => contactDay(20, asOf(lags, a), Array(20).fill(8))) });
    assert.equal(responseCusum(slowAnswers, C).kind, 'fired');
    const slowQualify = makeInput({ daily: series((a) => contactDay(20, asOf([0, 0, 1, 3, 5, 7, 8, 9], a), Array(20).fill(2))) });
    assert.equal(delayCusum(slowQualify, C).kind, 'fired');
  });

  it('the days-to-qualify CUSUM does not see a drop of the rate: every lag halved alike', () => {
    const half = makeInput({ daily: series((a) => contactDay(40, asOf(lags, a), Array(40).fill(2))) });
    assert.equal(delayCusum(half, withH(0.5)).kind, 'quiet');
    assert.equal(qualificationCusum(half, C).kind, 'fired');
  });

  it('F1: a drop of the share tp / (tp + fp + fn) fires, the same share does not', () => {
    const labels = (recentTp: number) => ({ ...emptyDaily(), labels: Array.from({ length: 42 }, (_, i) => ({ tp: i < 28 ? 8 : recentTp, m: 10 })) });
    assert.equal(f1Cusum(makeInput({ daily: labels(8) }), C).kind, 'quiet');
    const fired = f1Cusum(makeInput({ daily: labels(5) }), C);
    assert.equal(fired.kind, 'fired');
    if (fired.kind === 'fired') close(fired.reference, (2 * 0.8) / 1.8);
  });

  it('a young history waits for the baseline: quiet, with the day the data must reach back to', () => {
    const young = makeInput({ daily: series((a) => contactDay(20, asOf([0, 1, 2, 3, 4, 4, 5, 5], a), Array(20).fill(8))), historyStart: '2026-02-01' });
    const q = qualificationCusum(young, C);
    assert.equal(q.kind, 'quiet');
    assert.match(q.kind === 'quiet' ? q.reason : '', /history starts 2026-02-01; the CUSUM's baseline needs data from/);
    assert.equal(responseCusum(young, C).kind, 'quiet');
  });
});
