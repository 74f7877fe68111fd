/** slow_follow_up: average contacted → qualified above 5 days, and a rise against the baseline. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slowFollowUp } from '../../../src/detect/rules/slow-follow-up.ts';
import { emptyInput, makeInput, WINDOW_TESTS } from './fixtures.ts';
import { only, triggers } from './helpers.ts';

const run = (i = makeInput(), c = WINDOW_TESTS) => slowFollowUp(i, c);

describe('slow_follow_up', () => {
  it('stays quiet at a median of 2 days (mean ≈ 3.5)', () => assert.deepEqual(run().bottlenecks, []));
  it('a rise of the median 2 → 2.7 days (mean ≈ 4.8) fires the drop test before the 5-day line', () => {
    const b = only(run(makeInput({ recent: { contacted: 300, qualified: 150, qualifyMedian: 2.7 },
      baseline: { contacted: 1200, qualified: 600 } })).bottlenecks, 'slow_follow_up');
    assert.deepEqual(triggers(b), ['baseline-drop']);
    assert.ok(b.currentValue < 5);
    assert.equal(b.metric, 'avg_days_to_qualify');
    assert.equal(b.suggestedSkill, 'follow-up-sequencer');
    assert.equal(b.targetValue, 3); // seed-style target 3 days (better than the baseline mean ≈ 3.5)
  });
  it('a stable but slow process fires on the line', () => {
    const b = only(run(makeInput({ recent: { qualifyMedian: 4 }, baseline: { qualifyMedian: 4 } })).bottlenecks, 'slow_follow_up');
    assert.deepEqual(triggers(b), ['threshold']);
  });
  it('needs the minimum volume', () => {
    const r = run(makeInput({ recent: { qualified: 12, qualifyMedian: 8 } }));
    assert.deepEqual(r.bottlenecks, []);
  });
  it('absent data never fires', () => assert.deepEqual(run(emptyInput()).bottlenecks, []));
});
