/** low_response_rate: the seed's 4 h / 0.6 lines and the baseline-drop tests. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lowResponseRate } from '../../../src/detect/rules/low-response-rate.ts';
import { emptyInput, makeInput, WINDOW_TESTS } from './fixtures.ts';
import { only, triggers } from './helpers.ts';

const run = (i = makeInput(), c = WINDOW_TESTS) => lowResponseRate(i, c);

describe('low_response_rate', () => {
  it('stays quiet on a healthy week (mean ≈ 2 h, contact 0.8) and explains why', () => {
    const r = run();
    assert.deepEqual(r.bottlenecks, []);
    assert.equal(r.quiet.length, 4);
  });
  it('seed example 2 h → 8 h: the Mann–Whitney drop trigger fires with the threshold', () => {
    const b = only(run(makeInput({ recent: { responseMedian: 3.9 } })).bottlenecks, 'low_response_rate');
    assert.deepEqual(triggers(b), ['threshold', 'baseline-drop']);
    assert.equal(b.metric, 'avg_response_time_hours');
    assert.equal(b.suggestedSkill, 'instant-responder');
    assert.ok(b.currentValue > 7 && b.currentValue < 9, String(b.currentValue));
    assert.equal(b.severity, 'high');
  });
  it('catches 2 h → 3.5 h before the 4 h line is crossed', () => {
    const b = only(run(makeInput({ recent: { responseMedian: 1.7 } })).bottlenecks, 'low_response_rate');
    assert.deepEqual(triggers(b), ['baseline-drop']);
    assert.ok(b.currentValue < 4);
    assert.ok(b.targetValue <= 2); // restore the baseline (≈ 1.98 h) or the seed target 2 h, whichever is better
  });
  it('fires on a stable but slow process (threshold only)', () => {
    const b = only(run(makeInput({ recent: { responseMedian: 3 }, baseline: { responseMedian: 3 } })).bottlenecks, 'low_response_rate');
    assert.deepEqual(triggers(b), ['threshold']);
    assert.equal(b.targetValue, 2);
  });
  it('contact rate below 0.6 fires with metric contact_rate', () => {
    const b = only(run(makeInput({ recent: { newLeads: 140, contacted: 70 }, baseline: { newLeads: 560, contacted: 280 },
      contact: { recent: [140, 70], baseline: [560, 280] } })).bottlenecks, 'low_response_rate');
    assert.equal(b.metric, 'contact_rate');
    assert.deepEqual(triggers(b), ['threshold']);
    assert.equal(b.currentValue, 0.5);
    assert.equal(b.targetValue, 0.8);
  });
  it('a contact-cohort drop 0.8 → 0.62 fires before the 0.6 line', () => {
    const b = only(run(makeInput({ contact: { recent: [140, 87], baseline: [560, 448] } })).bottlenecks, 'low_response_rate');
    assert.equal(b.metric, 'contact_rate');
    assert.deepEqual(triggers(b), ['baseline-drop']);
    assert.equal(b.targetValue, 0.8);
  });
  it('needs the minimum volume: 20 slow responses do not fire', () => {
    const r = run(makeInput({ recent: { newLeads: 25, contacted: 20, qualified: 10, responseMedian: 5 } }));
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.some((q) => q.includes('only 20 events')));
  });
  it('absent data never fires', () => {
    const r = run(emptyInput());
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.every((q) => q.includes('no data')));
  });
});
