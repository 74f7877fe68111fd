/**
 * Cold start: a rule fires only when the history (the first day of data) covers its windows, including
 * the maturity lag of how the window's units are dated; otherwise it stays quiet and says why.
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
import { BASELINE, LONG_HISTORY, makeInput, RECENT, source } from './fixtures.ts';
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
    assert.equal(neededFrom({ what: 'x', range: RECENT, dating: 'qualified' }, C), '2026-02-23');
  });

  it('a pipeline whose history is shorter than the windows fires nothing, however bad the numbers', () => {
    const r = explainDetection(terrible(RECENT.from));
    assert.deepEqual(r.bottlenecks, []);
    for (const rule of r.rules) {
      assert.ok(rule.quiet.some((q) => q.includes('history starts 2026-03-04;')), `${rule.type}: ${JSON.stringify(rule.quiet)}`);
    }
  });

  it('the same numbers with a full history fire every type', () => {
    assert.deepEqual(detectBottlenecks(terrible(LONG_HISTORY)).map((b) => b.type), [...BOTTLENECK_TYPES]);
  });

  it('no leads at all: nothing is covered', () => {
    const r = explainDetection(terrible(null));
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
    assert.deepEqual(triggers(only(poorQualification(input('2026-02-02'), C).bottlenecks, 'poor_qualification')), ['baseline-drop']);
    const r = poorQualification(input('2026-02-03'), C);
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.includes("qualification-rate drop: history starts 2026-02-03; the qualify cohort's baseline needs data from 2026-02-02"),
      JSON.stringify(r.quiet));
  });

  it('slow_follow_up: a baseline without the delays before it cannot make the recent week look slow', () => {
    // recent median 4 days vs baseline 2: the rise test fires with the history, not with a baseline starting cold
    const input = (h: string) => makeInput({ recent: { qualifyMedian: 4 }, historyStart: h });
    const needed = neededFrom({ what: 'x', range: BASELINE, dating: 'qualified' }, C);
    assert.equal(needed, '2026-01-26');
    assert.ok(triggers(only(slowFollowUp(input(needed), C).bottlenecks, 'slow_follow_up')).includes('baseline-drop'));
    const late = slowFollowUp(input('2026-01-27'), C);
    assert.ok(!late.bottlenecks.some((b) => triggers(b).includes('baseline-drop')), JSON.stringify(late.bottlenecks));
  });

  it('weak_lead_source: one reason per uncovered trigger, not one per source', () => {
    const r = weakLeadSource(terrible('2026-03-01'), C);
    assert.deepEqual(r.bottlenecks, []);
    assert.equal(r.quiet.length, 2, JSON.stringify(r.quiet));
    assert.ok(r.quiet.every((q) => q.includes('history starts 2026-03-01')));
  });

  it('coverageGap names the window that reaches back furthest', () => {
    const gap = coverageGap('t', '2026-03-01', [
      { what: 'the recent window', range: RECENT, dating: 'created' },
      { what: 'the baseline', range: BASELINE, dating: 'contacted' },
    ], C);
    assert.deepEqual(gap, { kind: 'quiet', reason: 't: history starts 2026-03-01; the baseline needs data from 2026-02-02' });
    assert.equal(coverageGap('t', '2026-02-02', [{ what: 'the baseline', range: BASELINE, dating: 'contacted' }], C), undefined);
  });
});
