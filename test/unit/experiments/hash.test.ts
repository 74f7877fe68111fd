/**
 * The assignment hash and the pure assignment rules.
 * Reference values: fnv1a32('a') = 0xe40c292c and hash v2 ('seed','a') = 0.0505, ('foo','ab') = 0.2575 from
 * GrowthBook's cross-SDK test/cases.json (github.com/growthbook/growthbook, packages/sdk-js/test/cases.json); '' = offset basis
 * and 'foobar' = 0xbf9cf968 from the FNV reference test suite (Fowler/Noll/Vo, test_fnv.c, FNV-1a 32).
 * Split tolerances are 4 binomial standard deviations, sqrt(n p (1 - p)) (two-sided false alarm 6e-5).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HASH_V2_BUCKETS, fnv1a32, hashV2, hashV2Bucket } from '../../../src/experiments/hash.ts';
import {
  EXCLUSION_SEED, assignGroup, assignLead, chooseTest, isEligible, testSeed, type CandidateTest,
} from '../../../src/experiments/assignment.ts';

const N = 10_000;
const ids = Array.from({ length: N }, (_, i) => i + 1);
const fourSigma = (n: number, p: number): number => 4 * Math.sqrt(n * p * (1 - p));

describe('fnv1a32', () => {
  it('matches the published test vectors', () => {
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  });

  it('is unsigned 32-bit for many inputs', () => {
    for (const id of ids) {
      const h = fnv1a32(`x${id}`);
      assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff, `fnv1a32(x${id}) = ${h}`);
    }
  });

  it('reads UTF-16 code units, not code points or UTF-8 bytes', () => {
    // U+1F600 is the surrogate pair D83D DE00 in UTF-16 (4 bytes F0 9F 98 80 in UTF-8)
    const byUnits = [0xd83d, 0xde00].reduce((h, u) => Math.imul(h ^ u, 16777619) >>> 0, 0x811c9dc5);
    assert.equal(fnv1a32('\u{1F600}'), byUnits);
    const byBytes = [0xf0, 0x9f, 0x98, 0x80].reduce((h, u) => Math.imul(h ^ u, 16777619) >>> 0, 0x811c9dc5);
    assert.notEqual(fnv1a32('\u{1F600}'), byBytes);
  });
});

describe('hashV2', () => {
  it('matches GrowthBook cases.json', () => {
    assert.equal(hashV2('seed', 'a'), 0.0505);
    assert.equal(hashV2('foo', 'ab'), 0.2575);
  });

  it('is in [0, 1) with 4 decimals, and the bucket is its integer form', () => {
    for (const id of ids) {
      const b = hashV2Bucket('lh-ab-1', String(id));
      assert.ok(Number.isInteger(b) && b >= 0 && b < HASH_V2_BUCKETS);
      assert.equal(hashV2('lh-ab-1', String(id)), b / 10000);
    }
  });

  it('two seeds split independently: agreement of two 50/50 splits is 50% within 4 sigma', () => {
    const agree = ids.filter((id) => (hashV2('lh-ab-1', String(id)) < 0.5) === (hashV2('lh-ab-2', String(id)) < 0.5)).length;
    assert.ok(Math.abs(agree - N / 2) <= fourSigma(N, 0.5), `agreement ${agree} of ${N}`);
  });
});

describe('assignGroup', () => {
  for (const pct of [50, 30, 10, 90]) {
    it(`${pct}% treatment over 10,000 leads is within 4 sigma (${fourSigma(N, pct / 100).toFixed(0)})`, () => {
      const t = ids.filter((id) => assignGroup({ id: 7, trafficAllocationPct: pct }, id) === 'treatment').length;
      assert.ok(Math.abs(t - (N * pct) / 100) <= fourSigma(N, pct / 100), `treatment ${t} of ${N}`);
    });
  }

  it('is treatment exactly when hash < pct / 100, with the default seed lh-ab-<id>', () => {
    assert.equal(testSeed({ id: 42 }), 'lh-ab-42');
    assert.equal(testSeed({ id: 42, hashSeed: null }), 'lh-ab-42');
    for (const id of ids.slice(0, 2000)) {
      const h = hashV2('lh-ab-42', String(id));
      assert.equal(assignGroup({ id: 42, trafficAllocationPct: 30 }, id), h < 0.3 ? 'treatment' : 'control');
    }
  });

  it('uses the stored hash seed, so renaming or renumbering never reshuffles', () => {
    const a = ids.map((id) => assignGroup({ id: 1, hashSeed: 'kept-seed', trafficAllocationPct: 50 }, id));
    const b = ids.map((id) => assignGroup({ id: 99, hashSeed: 'kept-seed', trafficAllocationPct: 50 }, id));
    assert.deepEqual(a, b);
    const c = ids.map((id) => assignGroup({ id: 1, trafficAllocationPct: 50 }, id));
    assert.notDeepEqual(a, c);
  });

  it('is monotone in the allocation: raising it only moves control leads to treatment', () => {
    for (const id of ids.slice(0, 2000)) {
      if (assignGroup({ id: 3, trafficAllocationPct: 30 }, id) === 'treatment') {
        assert.equal(assignGroup({ id: 3, trafficAllocationPct: 60 }, id), 'treatment');
      }
    }
  });

  it('rejects an allocation outside [0, 100]', () => {
    assert.throws(() => assignGroup({ id: 1, trafficAllocationPct: 120 }, 1), /between 0 and 100/);
    assert.throws(() => assignGroup({ id: 1, trafficAllocationPct: Number.NaN }, 1), RangeError);
  });
});

describe('eligibility and exclusivity', () => {
  const start = new Date('2026-03-01T00:00:00Z');
  const test = (id: number, over: Partial<CandidateTest> = {}): CandidateTest =>
    ({ id, trafficAllocationPct: 50, status: 'running', startedAt: start, segment: null, ...over });

  it('needs a running test, creation at/after its start, and the segment', () => {
    const lead = { source: 'zillow', createdAt: start };
    assert.equal(isEligible(test(1), lead), true);
    assert.equal(isEligible(test(1), { ...lead, createdAt: new Date(start.getTime() - 1) }), false);
    assert.equal(isEligible(test(1, { status: 'completed' }), lead), false);
    assert.equal(isEligible(test(1, { segment: 'zillow' }), lead), true);
    assert.equal(isEligible(test(1, { segment: 'referral' }), lead), false);
    assert.equal(isEligible(test(1, { segment: 'referral' }), { ...lead, source: null }), false);
  });

  it('spreads leads evenly over k eligible tests, whatever order they are given in', () => {
    const tests = [test(9), test(2), test(5)];
    const counts = new Map<number, number>();
    for (const id of ids) {
      const chosen = chooseTest(tests, id);
      assert.equal(chosen?.id, chooseTest([...tests].reverse(), id)?.id);
      counts.set(chosen!.id, (counts.get(chosen!.id) ?? 0) + 1);
    }
    for (const t of tests) {
      const c = counts.get(t.id) ?? 0;
      assert.ok(Math.abs(c - N / 3) <= fourSigma(N, 1 / 3), `test ${t.id}: ${c}`);
    }
    assert.equal(chooseTest([], 1), null);
  });

  it('keeps the split inside a test 50/50 when two tests share the traffic', () => {
    const tests = [test(1), test(2)];
    const inFirst = ids.filter((id) => chooseTest(tests, id)?.id === 1);
    const t = inFirst.filter((id) => assignGroup(tests[0]!, id) === 'treatment').length;
    assert.ok(Math.abs(t - inFirst.length / 2) <= fourSigma(inFirst.length, 0.5), `treatment ${t} of ${inFirst.length}`);
    assert.equal(EXCLUSION_SEED, 'lh-ab-exclusion');
  });

  it('keeps an existing assignment (sticky), assigns otherwise, or says none', () => {
    const lead = { id: 17, source: 'zillow', createdAt: start, abTestId: null, abTestGroup: null };
    assert.deepEqual(assignLead({ ...lead, abTestId: 4, abTestGroup: 'control' }, [test(1)]), { kind: 'kept', testId: 4, group: 'control' });
    assert.deepEqual(assignLead({ ...lead, abTestGroup: 'treatment' }, [test(1)]), { kind: 'kept', testId: null, group: 'treatment' });
    assert.deepEqual(assignLead(lead, [test(1)]), { kind: 'assigned', testId: 1, group: assignGroup(test(1), 17) });
    assert.deepEqual(assignLead(lead, [test(1, { segment: 'referral' })]), { kind: 'none' });
  });
});
