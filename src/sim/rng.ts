/**
 * A small seeded PRNG for the simulator: sfc32 (Chris Doty-Humphrey's "Small Fast Chaotic" generator,
 * PractRand-clean, 128-bit state) seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Hand-written on purpose: the simulator's output must be identical for a seed on every runtime and
 * version, so no library whose algorithm might change underneath us.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** true with probability p (p clamped to [0, 1]). */
  bernoulli(p: number): boolean;
  /** Standard normal (Box–Muller, one value per call). */
  normal(): number;
  /** Lognormal given its median and log-scale σ: median·exp(σ·Z). */
  lognormal(median: number, sigma: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
  /** Poisson count (Knuth for small λ, a rounded normal approximation above 60). */
  poisson(lambda: number): number;
  /** An index drawn with probability proportional to weights[i]. */
  weightedIndex(weights: readonly number[]): number;
  /** An independent child stream (e.g. one per run of a backtest), derived from this one. */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** The raw sfc32 generator: 32-bit outputs. Example: the first value for seed 42 is stable across runs. */
export function sfc32(seed: number): () => number {
  const init = splitmix32(seed);
  let a = init(), b = init(), c = init(), d = init();
  const step = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) step(); // discard the first outputs, as the reference implementation does
  return step;
}

/** A seeded Rng. Same seed → same sequence on every runtime (only 32-bit integer arithmetic). */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const raw = sfc32(seed);
  const next = (): number => raw() / 4294967296;
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    bernoulli: (p) => next() < p,
    normal() {
      const u1 = 1 - next(); // (0, 1]: log is finite
      const u2 = next();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    lognormal: (median, sigma) => median * Math.exp(sigma * rng.normal()),
    exponential: (mean) => -mean * Math.log(1 - next()),
    poisson(lambda) {
      if (!(lambda > 0)) return 0;
      if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    weightedIndex(weights) {
      const total = weights.reduce((s, w) => s + w, 0);
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    fork: () => createRng(raw() ^ 0x5bd1e995),
  };
  return rng;
}
