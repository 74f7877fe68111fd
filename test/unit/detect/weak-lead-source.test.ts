/** weak_lead_source: one bottleneck per weak source, Benjamini–Hochberg across sources. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weakLeadSource } from '../../../src/detect/rules/weak-lead-source.ts';
import { emptyInput, makeInput, source, WINDOW_TESTS } from './fixtures.ts';
import { triggers } from './helpers.ts';

const run = (sources = makeInput().sources, c = WINDOW_TESTS) => weakLeadSource({ ...makeInput(), sources }, c);

describe('weak_lead_source', () => {
  it('stays quiet when every source converts 22–32 %', () => assert.deepEqual(run().bottlenecks, []));
  it('fires for a source at 6 % while another converts 32 %, with the source as segment', () => {
    const r = run([source('cold_call', [150, 9], [35, 2], [140, 8]), source('referral', [150, 48], [35, 11], [140, 45]),
      source('zillow', [150, 36], [35, 8], [140, 34])]);
    assert.equal(r.bottlenecks.length, 1);
    const b = r.bottlenecks[0]!;
    assert.equal(b.segment, 'cold_call');
    assert.equal(b.metric, 'source_conversion_rate');
    assert.equal(b.suggestedSkill, 'source-optimizer');
    assert.deepEqual(triggers(b), ['threshold']);
    assert.equal(b.currentValue, 0.06);
    assert.equal(b.evidence[0]!.figures['strongSource'], 'referral');
  });
  it('two weak sources give two bottlenecks (one per source)', () => {
    const r = run([source('a', [150, 9], [35, 2], [140, 8]), source('b', [150, 12], [35, 3], [140, 11]), source('c', [150, 48], [35, 11], [140, 45])]);
    assert.deepEqual(r.bottlenecks.map((b) => b.segment), ['a', 'b']);
  });
  it('is quiet when no source reaches 30 %', () => {
    const r = run([source('a', [150, 9], [35, 2], [140, 8]), source('b', [150, 40], [35, 9], [140, 37])]);
    assert.deepEqual(r.bottlenecks, []);
    assert.ok(r.quiet.some((q) => q.includes('no source')));
  });
  it('is quiet below the minimum volume (2 of 20 vs 9 of 25)', () => {
    assert.deepEqual(run([source('a', [20, 2], [5, 0], [20, 2]), source('b', [25, 9], [5, 2], [20, 7])]).bottlenecks, []);
  });
  it('a source dropping from 32 % to 9 % against its own baseline fires the drop trigger', () => {
    const r = run([source('referral', [150, 40], [80, 7], [300, 96]), source('zillow', [150, 36], [80, 19], [300, 70])]);
    assert.equal(r.bottlenecks.length, 1);
    assert.equal(r.bottlenecks[0]!.segment, 'referral');
    assert.deepEqual(triggers(r.bottlenecks[0]!), ['baseline-drop']);
    assert.ok(typeof r.bottlenecks[0]!.evidence[0]!.figures['pAdjusted'] === 'number');
  });
  it('absent data never fires', () => assert.deepEqual(weakLeadSource(emptyInput(), WINDOW_TESTS).bottlenecks, []));
});
