/** poor_qualification: qualified / contacted < 0.3, and the matured-cohort drop test. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poorQualification } from '../../../src/detect/rules/poor-qualification.ts';
import { emptyInput, makeInput, WINDOW_TESTS } from './fixtures.ts';
import { only, triggers } from './helpers.ts';

const run = (i = makeInput(), c = WINDOW_TESTS) => poorQualification(i, c);

describe('poor_qualification', () => {
  it('stays quiet on a healthy week', () => assert.deepEqual(run().bottlenecks, []));
  it('seed example 60 % → 40 %: the drop trigger fires, the 30 % line is never crossed', () => {
    const b = only(run(makeInput({ recent: { qualified: 45 }, qualify: { recent: [100, 40], baseline: [400, 240] } })).bottlenecks, 'poor_qualification');
    assert.deepEqual(triggers(b), ['baseline-drop']);
    assert.equal(b.metric, 'qualification_rate');
    assert.equal(b.currentValue, 0.4);
    assert.equal(b.targetValue, 0.6); // restore the baseline: better than the seed target 0.5
    assert.equal(b.suggestedSkill, 'lead-scorer');
    const trig = b.evidence[0]!.trigger;
    assert.ok(trig.kind === 'baseline-drop' && trig.pValue < 0.001 && trig.baselineValue === 0.6);
  });
  it('a drop that is not significant at 30 contacted leads stays quiet', () => {
    const r = run(makeInput({ qualify: { recent: [30, 14], baseline: [400, 240] } }));
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.some((q) => q.includes('not significant')));
  });
  it('fires on the seed line: 20 of 112 contacted leads qualified', () => {
    const b = only(run(makeInput({ recent: { qualified: 20 }, baseline: { qualified: 90 } })).bottlenecks, 'poor_qualification');
    assert.deepEqual(triggers(b), ['threshold']);
    assert.ok(Math.abs(b.currentValue - 20 / 112) < 1e-12);
    assert.equal(b.targetValue, 0.5);
  });
  it('needs the minimum volume: 3 of 20 is not a bottleneck', () => {
    const r = run(makeInput({ recent: { newLeads: 25, contacted: 20, qualified: 3 }, qualify: { recent: [20, 3], baseline: [400, 200] } }));
    assert.deepEqual(r.bottlenecks, []);
  });
  it('with thresholdConfidence 0.5 a point estimate just under the line fires (the seed’s plain rule)', () => {
    const i = makeInput({ recent: { qualified: 33 } }); // 33 / 112 = 0.295
    assert.deepEqual(run(i).bottlenecks, []);
    only(run(i, { ...WINDOW_TESTS, thresholdConfidence: 0.5 }).bottlenecks, 'poor_qualification');
  });
  it('absent data never fires', () => assert.deepEqual(run(emptyInput()).bottlenecks, []));
});
