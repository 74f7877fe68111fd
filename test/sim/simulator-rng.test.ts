/**
 * The simulator's PRNG: deterministic per seed, and its distributions have the moments they claim
 * (tolerances of ~5 standard errors over 200,000 draws, so a correct generator fails ~never).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/sim/rng.ts';

const N = 200_000;
const draws = (f: () => number, n = N): number[] => Array.from({ length: n }, f);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => { const m = mean(xs); return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1); };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('simulator rng', () => {
  it('gives the same sequence for the same seed and different ones for different seeds', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const sa = draws(() => a.next(), 100), sb = draws(() => b.next(), 100), sc = draws(() => c.next(), 100);
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa, sc);
    assert.ok(sa.every((x) => x >= 0 && x < 1));
  });

  it('forks independent, reproducible streams', () => {
    const f1 = createRng(5).fork(), f2 = createRng(5).fork();
    assert.deepEqual(draws(() => f1.next(), 20), draws(() => f2.next(), 20));
    const root = createRng(5);
    const x = root.fork(), y = root.fork();
    assert.notDeepEqual(draws(() => x.next(), 20), draws(() => y.next(), 20));
  });

  it('uniform has mean 1/2 and variance 1/12', () => {
    const rng = createRng(1);
    const xs = draws(() => rng.next());
    assert.ok(Math.abs(mean(xs) - 0.5) < 5 * Math.sqrt(1 / 12 / N));
    assert.ok(Math.abs(variance(xs) - 1 / 12) < 0.002);
  });

  it('normal has mean 0 and variance 1; lognormal has the given median', () => {
    const rng = createRng(2);
    const zs = draws(() => rng.normal());
    assert.ok(Math.abs(mean(zs)) < 5 / Math.sqrt(N));
    assert.ok(Math.abs(variance(zs) - 1) < 0.02);
    const ls = draws(() => rng.lognormal(2, 1.082));
    // the sample median of N draws has sd ≈ 1.2533·σ_log·median/√N on this scale: tolerance 5 sd
    assert.ok(Math.abs(median(ls) - 2) < 5 * 1.2533 * 1.082 * 2 / Math.sqrt(N));
  });

  it('poisson has mean and variance λ (small λ by Knuth, large by the normal approximation)', () => {
    const rng = createRng(3);
    for (const lambda of [4, 50, 120]) {
      const ks = draws(() => rng.poisson(lambda), 50_000);
      assert.ok(ks.every((k) => Number.isInteger(k) && k >= 0));
      assert.ok(Math.abs(mean(ks) - lambda) < 5 * Math.sqrt(lambda / 50_000), `mean at λ=${lambda}`);
      assert.ok(Math.abs(variance(ks) / lambda - 1) < 0.05, `variance at λ=${lambda}`);
    }
  });

  it('weightedIndex follows the weights; bernoulli its probability', () => {
    const rng = createRng(4);
    const counts = [0, 0, 0];
    for (let i = 0; i < N; i++) counts[rng.weightedIndex([1, 2, 7])]! += 1;
    [0.1, 0.2, 0.7].forEach((p, i) => assert.ok(Math.abs(counts[i]! / N - p) < 5 * Math.sqrt((p * (1 - p)) / N)));
    const hits = draws(() => (rng.bernoulli(0.3) ? 1 : 0));
    assert.ok(Math.abs(mean(hits) - 0.3) < 5 * Math.sqrt(0.21 / N));
  });

  it('rejects a non-integer seed', () => {
    assert.throws(() => createRng(1.5), RangeError);
  });
});
