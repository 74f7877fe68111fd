/** validation_accuracy_drop: pooled F1 against 0.80 and against its own baseline. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { f1FromShare, validationAccuracyDrop } from '../../../src/detect/rules/validation-accuracy-drop.ts';
import { emptyInput, makeInput, WINDOW_TESTS } from './fixtures.ts';
import { only, triggers } from './helpers.ts';

const run = (i = makeInput(), c = WINDOW_TESTS) => validationAccuracyDrop(i, c);
const BASE: [number, number, number, number] = [240, 36, 36, 248]; // F1 = 480 / 552 ≈ 0.87

describe('validation_accuracy_drop', () => {
  it('F1 is a function of J = tp / (tp + fp + fn): 2J / (1 + J)', () => {
    assert.ok(Math.abs(f1FromShare(60 / 78) - 120 / 138) < 1e-12);
  });
  it('stays quiet at a healthy 0.87', () => assert.deepEqual(run().bottlenecks, []));
  it('seed example 87 % → 75 % at ~20 labels/day: the drop trigger fires', () => {
    const b = only(run(makeInput({ accuracy: { recent: [48, 16, 16, 60], baseline: BASE } })).bottlenecks, 'validation_accuracy_drop');
    assert.ok(triggers(b).includes('baseline-drop'));
    assert.equal(b.metric, 'f1_score');
    assert.ok(Math.abs(b.currentValue - 0.75) < 1e-12);
    assert.equal(b.targetValue, 0.87);
    assert.equal(b.suggestedSkill, 'pattern-optimizer');
    assert.equal(b.severity, 'high');
    assert.ok(typeof b.evidence[0]!.figures['recentPrecision'] === 'number');
  });
  it('catches 0.87 → 0.81 (above the 0.80 line) at high volume', () => {
    // recent F1 = 2·243 / (2·243 + 57 + 57) = 0.81
    const b = only(run(makeInput({ accuracy: { recent: [243, 57, 57, 300], baseline: [960, 144, 144, 1000] } })).bottlenecks, 'validation_accuracy_drop');
    assert.deepEqual(triggers(b), ['baseline-drop']);
    assert.ok(b.currentValue > 0.8);
  });
  it('fires on the 0.80 line for a stable low F1', () => {
    const b = only(run(makeInput({ accuracy: { recent: [60, 25, 25, 60], baseline: [240, 100, 100, 240] } })).bottlenecks, 'validation_accuracy_drop');
    assert.deepEqual(triggers(b), ['threshold']);
  });
  it('needs the minimum volume: 20 scored labels do not fire', () => {
    const r = run(makeInput({ accuracy: { recent: [10, 5, 5, 10], baseline: BASE } }));
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.some((q) => q.includes('only 20')));
  });
  it('absent data never fires', () => assert.deepEqual(run(emptyInput()).bottlenecks, []));
});
