import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { benjaminiHochbergAdjust, holmAdjust } from '../../../src/stats/multiplicity.ts';
import { assertClose, expectOk, reference, SCIPY_SOURCE } from './helpers.ts';

describe('holmAdjust / benjaminiHochbergAdjust', () => {
  it('R p.adjust worked example, hand-checked: p = (0.01, 0.04, 0.03, 0.005)', () => {
    // holm: sorted .005,.01,.03,.04 × 4,3,2,1 = .02,.03,.06,.04 → cummax .02,.03,.06,.06.
    // BH:   sorted × 4/1,4/2,4/3,4/4 = .02,.02,.04,.04 → cummin from the top, same.
    const p = [0.01, 0.04, 0.03, 0.005];
    expectOk(holmAdjust(p)).adjusted.forEach((a, i) => assertClose(a, [0.03, 0.06, 0.06, 0.02][i] ?? NaN, 1e-12, `holm ${i}`));
    expectOk(benjaminiHochbergAdjust(p)).adjusted.forEach((a, i) => assertClose(a, [0.02, 0.04, 0.04, 0.02][i] ?? NaN, 1e-12, `BH ${i}`));
  });

  it(`BH matches scipy.stats.false_discovery_control(method='bh'); Holm matches its definition (${SCIPY_SOURCE})`, () => {
    for (const c of reference.multiplicity.cases) {
      const bh = expectOk(benjaminiHochbergAdjust(c.p)).adjusted;
      const holm = expectOk(holmAdjust(c.p)).adjusted;
      c.bh.forEach((e, i) => assertClose(bh[i] ?? NaN, e, 1e-12, `BH ${c.p} [${i}]`));
      c.holm.forEach((e, i) => assertClose(holm[i] ?? NaN, e, 1e-12, `Holm ${c.p} [${i}]`));
    }
  });

  it('empty input → empty output; out-of-range p → invalid-input', () => {
    assert.deepEqual(expectOk(holmAdjust([])).adjusted, []);
    assert.equal(holmAdjust([0.5, 1.2]).kind, 'invalid-input');
    assert.equal(benjaminiHochbergAdjust([Number.NaN]).kind, 'invalid-input');
  });

  const pValues = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 });

  it('property: adjusted ≥ raw, ≤ 1, monotone in the rank of the raw p; Holm ≥ BH', () => {
    fc.assert(fc.property(pValues, (p) => {
      const holm = expectOk(holmAdjust(p)).adjusted;
      const bh = expectOk(benjaminiHochbergAdjust(p)).adjusted;
      for (const adj of [holm, bh]) {
        assert.equal(adj.length, p.length);
        p.forEach((raw, i) => {
          const a = adj[i] ?? NaN;
          assert.ok(a >= raw - 1e-15 && a <= 1, `adjusted ${a} vs raw ${raw}`);
          p.forEach((other, j) => {
            if (raw < other) assert.ok(a <= (adj[j] ?? NaN) + 1e-15, 'not monotone in rank');
          });
        });
      }
      holm.forEach((h, i) => assert.ok(h >= (bh[i] ?? NaN) - 1e-15, 'Holm < BH'));
    }));
  });

  it('property: input order is preserved (permuting the input permutes the output)', () => {
    fc.assert(fc.property(pValues, (p) => {
      const rev = [...p].reverse();
      assert.deepEqual(expectOk(holmAdjust(rev)).adjusted, [...expectOk(holmAdjust(p)).adjusted].reverse());
      assert.deepEqual(expectOk(benjaminiHochbergAdjust(rev)).adjusted, [...expectOk(benjaminiHochbergAdjust(p)).adjusted].reverse());
    }));
  });
});
