/** Test helpers for src/stats: tolerance asserts, reference values, a seeded PRNG. */
import assert from 'node:assert/strict';
import ref from './reference-values.json' with { type: 'json' };

export const reference = ref;
/** Names the generator of reference-values.json (SciPy version included). */
export const SCIPY_SOURCE = ref.generator;

/** |actual − expected| ≤ rel·|expected| + abs. */
export function assertClose(actual: number, expected: number, rel: number, label: string, abs = 0): void {
  const ok = Number.isFinite(actual) && Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
  assert.ok(ok, `${label}: got ${actual}, expected ${expected} (rel ${rel}, abs ${abs})`);
}

/** Narrows a tagged result to kind 'ok' or fails the test with its reason. */
export function expectOk<T extends { kind: string }>(r: T | { kind: string; reason: string }): Extract<T, { kind: 'ok' }> {
  if (r.kind !== 'ok') assert.fail(`expected ok, got ${r.kind}: ${'reason' in r ? r.reason : ''}`);
  return r as Extract<T, { kind: 'ok' }>;
}

export { mulberry32 } from '../../support/rng.ts';

/** Binomial(n, p) draw as a sum of Bernoulli trials (exact, fine for n ≤ ~10⁴). */
export function binomial(rand: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rand() < p) k++;
  return k;
}

/** Standard normal draw (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Sample mean and unbiased variance. */
export function summarize(xs: readonly number[]): { n: number; mean: number; variance: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

/** R's `sleep` data set (extra hours of sleep), groups 1 and 2 — for R textbook examples. */
export const SLEEP_GROUP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
export const SLEEP_GROUP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
