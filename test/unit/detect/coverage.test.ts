/**
 * Cold start, direction-aware: a check whose partly covered window could create a problem fires only when
 * the history (the first day of data) covers its windows, including the maturity lag of how the window's
 * units are dated; otherwise it stays quiet and says why. A check whose partial window can only hide the
 * problem (durations: the slowest are still missing) or is unbiased (matured cohorts, labels) may fire on
 * whatever data its window holds.
 * Fixture windows: recent 2026-03-04..2026-03-10, baseline 2026-02-04..2026-03-03 (every figure).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTION_CONFIG as C } from '../../../src/detect/config.ts';
import { coverageGap, historyLag, neededFrom } from '../../../src/detect/coverage.ts';
import { detectBottlenecks, explainDetection } from '../../../src/detect/detect.ts';
import { poorQualification } from '../../../src/detect/rules/poor-qualification.ts';
import { slowFollowUp } from '../../../src/detect/rules/slow-follow-up.ts';
import { weakLeadSource } from '../../../src/detect/rules/weak-lead-source.ts';
import { BOTTLENECK_TYPES } from '../../../src/detect/types.ts';
import { BASELINE, LONG_HISTORY, makeInput, RECENT, source, WINDOW_TESTS } from './fixtures.ts';
import { only, triggers } from './helpers.ts';

/** Terrible numbers for every type (the same as detect.test.ts's everythingWrong). */
const terrible = (historyStart: string | null) => makeInput({
  recent: { newLeads: 140, contacted: 70, qualified: 40, responseMedian: 3.9, qualifyMedian: 4 },
  baseline: { qualifyMedian: 2 },
  contact: { recent: [140, 70], baseline: [560, 448] },
  qualify: { recent: [70, 10], baseline: [448, 200] },
  accuracy: { recent: [48, 16, 16, 60], baseline: [240, 36, 36, 248] },
  sources: [source('cold_call', [150, 9], [35, 2], [140, 8]), source('referral', [150, 48], [35, 11], [140, 45])],
  historyStart,
});

describe('history coverage (cold start)', () => {
  it('maturity lags: created and labels 0, contacted 2 days, qualified 2 + 7 days', () => {
    assert.deepEqual((['created', 'labels', 'contacted', 'qualified'] as const).map((d) => historyLag(d, C)), [0, 0, 2, 9]);
    assert.equal(neededFrom({ what: 'x', range: RECENT, dating: 'qualified', partial: 'creates-problem' }, C), '2026-02-23');
  });

  it('a pipeline whose history is only the recent week: slow answers and slow follow-up fire, F1 is judged; rates that read low on a partial window wait', () => {
    const r = explainDetection(terrible(RECENT.from), WINDOW_TESTS);
    // response time and days to qualify above their lines (a partial window can only look faster)
    assert.deepEqual(r.bottlenecks.map((b) => [b.type, b.metric, b.evidence.map((e) => e.trigger.kind)]), [
      ['low_response_rate', 'avg_response_time_hours', ['threshold']],
      ['slow_follow_up', 'avg_days_to_qualify', ['threshold']],
    ]);
    const rule = (t: string) => r.rules.find((x) => x.type === t)!;
    // F1 from labels is judged on the week it has (not quiet for the history): 0.75 on 80 labels is not yet credible
    assert.ok(rule('validation_accuracy_drop').quiet.includes('pooled F1 below minF1: F1 0.75 is below 0.8 but not credibly (p = 0.103 ≥ 0.1, m = 80)'),
      JSON.stringify(rule('validation_accuracy_drop').quiet));
    // contacted / new and qualified / contacted read low while the window's contacts and qualifications are missing
    assert.ok(rule('poor_qualification').quiet.some((q) => q.startsWith('qualified / contacted below minQualificationRate: history starts 2026-03-04;')),
      JSON.stringify(rule('poor_qualification').quiet));
    // the sources' windows end before the history starts: nothing to read
    assert.ok(rule('weak_lead_source').quiet.some((q) => q.includes('history starts 2026-03-04, after the source window (2026-01-26..2026-02-24)')),
      JSON.stringify(rule('weak_lead_source').quiet));
  });

  it('a young pipeline answering in 6 hours is told so on its second day; its contact rate is not judged yet', () => {
    // 2 days of data: 80 leads, 50 contacted so far (the rest are not yet), answered after a median 6 h
    const young = makeInput({ recent: { newLeads: 80, contacted: 50, qualified: 0, responseMedian: 6, responseSigma: 0.5 }, historyStart: '2026-03-09' });
    const r = explainDetection(young, WINDOW_TESTS);
    const b = only(r.bottlenecks.filter((x) => x.type === 'low_response_rate'), 'low_response_rate');
    assert.equal(b.metric, 'avg_response_time_hours');
    assert.deepEqual(triggers(b), ['threshold']);
    const quiet = r.rules.find((x) => x.type === 'low_response_rate')!.quiet;
    assert.deepEqual(quiet, [], 'a fired rule lists no quiet reasons');
    // the same young pipeline answering in 1 h (the problem absent) fires nothing on response
    const fast = explainDetection(makeInput({ recent: { newLeads: 80, contacted: 50, qualified: 0, responseMedian: 1, responseSigma: 0.5 }, historyStart: '2026-03-09' }), WINDOW_TESTS);
    assert.ok(!fast.bottlenecks.some((x) => x.type === 'low_response_rate'), JSON.stringify(fast.bottlenecks));
    assert.ok(fast.rules.find((x) => x.type === 'low_response_rate')!.quiet.some((q) =>
      q.startsWith('contacted / new leads below minContactRate: history starts 2026-03-09; the recent window of contacts needs data from 2026-03-02')));
  });

  it('the same numbers with a full history fire every type', () => {
    assert.deepEqual(detectBottlenecks(terrible(LONG_HISTORY), WINDOW_TESTS).map((b) => b.type), [...BOTTLENECK_TYPES]);
  });

  it('no leads at all: nothing is covered', () => {
    const r = explainDetection(terrible(null), WINDOW_TESTS);
    assert.deepEqual(r.bottlenecks, []);
    for (const rule of r.rules) assert.ok(rule.quiet.some((q) => q.endsWith('no history yet (no leads)')), rule.type);
  });

  it('the first day: 0 of 38 contacted leads qualified is an artifact, not a bottleneck', () => {
    const firstDay = makeInput({ recent: { newLeads: 40, contacted: 38, qualified: 0 }, historyStart: RECENT.to });
    const r = poorQualification(firstDay, C);
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.includes('qualified / contacted below minQualificationRate: history starts 2026-03-10; ' +
      'the recent window of qualifications needs data from 2026-02-23'), JSON.stringify(r.quiet));
    // with the history behind it, 0/38 is a real bottleneck
    only(poorQualification({ ...firstDay, historyStart: LONG_HISTORY }, C).bottlenecks, 'poor_qualification');
  });

  it('the threshold fires exactly from the first covered day: qualifications need 9 days before the window', () => {
    const input = (h: string) => makeInput({ recent: { qualified: 20 }, baseline: { qualified: 90 }, historyStart: h });
    assert.deepEqual(triggers(only(poorQualification(input('2026-02-23'), C).bottlenecks, 'poor_qualification')), ['threshold']);
    assert.deepEqual(poorQualification(input('2026-02-24'), C).bottlenecks, []);
  });

  it('a drop trigger also needs its baseline: the seed example 60 % → 40 % waits for it', () => {
    const input = (h: string) => makeInput({ recent: { qualified: 45 }, qualify: { recent: [100, 40], baseline: [400, 240] }, historyStart: h });
    // qualify cohorts are dated by the contact: the baseline from 2026-02-04 needs data from 2026-02-02
    assert.deepEqual(triggers(only(poorQualification(input('2026-02-02'), WINDOW_TESTS).bottlenecks, 'poor_qualification')), ['baseline-drop']);
    const r = poorQualification(input('2026-02-03'), WINDOW_TESTS);
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.includes("qualification-rate drop: history starts 2026-02-03; the qualify cohort's baseline needs data from 2026-02-02"),
      JSON.stringify(r.quiet));
  });

  it('slow_follow_up: a baseline without the delays before it cannot make the recent week look slow', () => {
    // recent median 4 days vs baseline 2: the rise test fires with the history, not with a baseline starting cold
    const input = (h: string) => makeInput({ recent: { qualifyMedian: 4 }, historyStart: h });
    const needed = neededFrom({ what: 'x', range: BASELINE, dating: 'qualified', partial: 'creates-problem' }, C);
    assert.equal(needed, '2026-01-26');
    assert.ok(triggers(only(slowFollowUp(input(needed), WINDOW_TESTS).bottlenecks, 'slow_follow_up')).includes('baseline-drop'));
    const late = slowFollowUp(input('2026-01-27'), WINDOW_TESTS);
    assert.ok(!late.bottlenecks.some((b) => triggers(b).includes('baseline-drop')), JSON.stringify(late.bottlenecks));
  });

  it('weak_lead_source: one reason per uncovered trigger, not one per source', () => {
    const r = weakLeadSource(terrible('2026-03-05'), C);
    assert.deepEqual(r.bottlenecks, []);
    assert.equal(r.quiet.length, 2, JSON.stringify(r.quiet));
    assert.ok(r.quiet.every((q) => q.includes('history starts 2026-03-05')));
  });

  it('weak_lead_source: matured cohorts are unbiased, so a partly covered source window may fire', () => {
    // the source window 2026-01-26..2026-02-24 holds data from 2026-02-20 on: a smaller sample, still 6 % against 32 %
    const r = weakLeadSource(terrible('2026-02-20'), C);
    assert.deepEqual(r.bottlenecks.map((b) => [b.segment, triggers(b)]), [['cold_call', ['threshold']]]);
  });

  it('coverageGap names the window that reaches back furthest among those whose partial coverage can create a problem', () => {
    const gap = coverageGap('t', '2026-03-01', [
      { what: 'the recent window', range: RECENT, dating: 'created', partial: 'creates-problem' },
      { what: 'the baseline', range: BASELINE, dating: 'contacted', partial: 'creates-problem' },
    ], C);
    assert.deepEqual(gap, { kind: 'quiet', reason: 't: history starts 2026-03-01; the baseline needs data from 2026-02-02' });
    assert.equal(coverageGap('t', '2026-02-02', [{ what: 'the baseline', range: BASELINE, dating: 'contacted', partial: 'creates-problem' }], C), undefined);
    // the same partly covered baseline is enough when its bias can only hide the problem, or it has none
    for (const partial of ['hides-problem', 'none'] as const) {
      assert.equal(coverageGap('t', '2026-03-01', [{ what: 'the baseline', range: BASELINE, dating: 'contacted', partial }], C), undefined, partial);
    }
    // but a window that ends before the first day of data holds nothing, whatever its bias
    assert.deepEqual(coverageGap('t', '2026-03-04', [{ what: 'the baseline', range: BASELINE, dating: 'created', partial: 'none' }], C),
      { kind: 'quiet', reason: 't: history starts 2026-03-04, after the baseline (2026-02-04..2026-03-03)' });
  });
});
