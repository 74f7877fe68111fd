/** detectBottlenecks: all rules together, at most one bottleneck per type, explanations, no NaN. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectBottlenecks, explainDetection } from '../../../src/detect/detect.ts';
import { BOTTLENECK_TYPES } from '../../../src/detect/types.ts';
import { emptyInput, makeInput, source, WINDOW_TESTS } from './fixtures.ts';
import { assertFinite } from './helpers.ts';

const everythingWrong = () => makeInput({
  recent: { newLeads: 140, contacted: 70, qualified: 40, responseMedian: 3.9, qualifyMedian: 4 },
  baseline: { qualifyMedian: 2 },
  contact: { recent: [140, 70], baseline: [560, 448] },
  qualify: { recent: [70, 10], baseline: [448, 200] },
  accuracy: { recent: [48, 16, 16, 60], baseline: [240, 36, 36, 248] },
  sources: [source('cold_call', [150, 9], [35, 2], [140, 8]), source('referral', [150, 48], [35, 11], [140, 45])],
});

describe('detectBottlenecks', () => {
  it('finds nothing in a healthy week and nothing in an empty database', () => {
    assert.deepEqual(detectBottlenecks(makeInput(), WINDOW_TESTS), []);
    assert.deepEqual(detectBottlenecks(emptyInput(), WINDOW_TESTS), []);
  });
  it('explains every quiet rule', () => {
    const r = explainDetection(emptyInput(), WINDOW_TESTS);
    assert.deepEqual(r.rules.map((x) => x.type), [...BOTTLENECK_TYPES]);
    for (const rule of r.rules) assert.ok(rule.quiet.length > 0, rule.type);
  });
  it('reports each type once (weak sources once per source), every trigger as evidence', () => {
    const bs = detectBottlenecks(everythingWrong(), WINDOW_TESTS);
    assert.deepEqual(bs.map((b) => b.type), [...BOTTLENECK_TYPES]);
    const lr = bs[0]!;
    assert.equal(lr.metric, 'avg_response_time_hours'); // response-time checks come before contact-rate ones
    assert.ok(lr.evidence.length >= 3, JSON.stringify(lr.evidence.map((e) => e.trigger)));
    for (const b of bs) {
      assert.ok(b.evidence.length >= 1);
      for (const e of b.evidence) assert.ok(e.summary.length > 20);
    }
  });
  it('never puts NaN or Infinity in its result, and survives a JSON round trip', () => {
    for (const input of [emptyInput(), makeInput(), everythingWrong()]) {
      const r = explainDetection(input, WINDOW_TESTS);
      assertFinite(r);
      assert.deepEqual(JSON.parse(JSON.stringify(r.bottlenecks)), r.bottlenecks);
    }
  });
});
