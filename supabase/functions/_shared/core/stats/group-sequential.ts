// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Group-sequential efficacy boundaries by Lan–DeMets alpha spending, and boundary-crossing
 * probabilities, for a test that looks at the data K times (e.g. weekly) instead of once.
 *
 * Why. Looking at a fixed-horizon z-test every week and stopping at the first p < α inflates the
 * false-positive rate (5 looks at α = 0.025 give ≈ 0.071). Alpha spending (Lan & DeMets, "Discrete
 * sequential boundaries for clinical trials", Biometrika 70(3), 1983) fixes the cumulative type-I
 * error that may be used by information fraction t, α(t), and picks each look's boundary so that
 * exactly the increment α(t_k) − α(t_{k−1}) is spent there. The looks need not be planned in advance:
 * only the fractions actually reached enter the computation.
 *
 * Model (the "canonical joint distribution", Jennison & Turnbull, "Group Sequential Methods with
 * Applications to Clinical Trials", Chapman & Hall/CRC 2000, §3.1): with score S_k = Z_k·√t_k, the
 * increments S_k − S_{k−1} are independent N(θ·(t_k − t_{k−1}), t_k − t_{k−1}); θ is E[Z] at full
 * information (t = 1), so E[Z_k] = θ√t_k and Corr(Z_i, Z_j) = √(t_i/t_j) for i < j.
 *
 * Method. The recursive numerical integration of Armitage, McPherson & Rowe ("Repeated significance
 * tests on accumulating data", J. R. Statist. Soc. A 132(2), 1969) in the form of Jennison & Turnbull
 * (2000) chapter 19: the sub-density of Z_k on the continuation region is carried from look to look on
 * a grid of 6r − 1 points around the mean (spacing 3/(2r) within ±3 of it, logarithmic out to ±(3 + 4 ln r)),
 * cut at the boundaries and doubled with midpoints for Simpson's rule. This is also what R's gsDesign
 * does (C routines gridpts / h1 / hupdate, default r = 18): the boundaries agree with the published
 * gsDesign and rpact values to ≤ 2e-7 and with exact multivariate-normal root-finding to ≤ 1.3e-6 (the
 * r = 18 grid's own error, shared by gsDesign); exit probabilities are within ~1e-7 of exact ones (the
 * grid's Simpson weights integrate φ to 1 + 2.2e-7). r = 18 is used unless two looks are so close that the
 * one-step transition density (sd √(Δt/t)) would be narrower than the grid resolves (Δt/t < ~1 %); then r
 * grows to ceil(1.8/sd), at most 120 (looks closer than that lose accuracy gracefully, never validity).
 *
 * Cost: one look convolves two grids of ≤ 12r + 1 = 217 points; in the grid's uniform centre the Gaussian
 * kernel is advanced by a two-multiplication recurrence instead of exp(). 30 looks take ~4 ms once the
 * JIT is warm (~30–60 ms for the very first call in a fresh process).
 */
import { normalCdf, normalQuantile, normalSf } from './distributions.ts';
import {
  insufficient, invalid, isFiniteNumber, isOpenProbability, type StatsFailure,
} from './result.ts';

/** Alpha-spending function: cumulative one-sided type-I error spent by information fraction t ∈ [0,1]. */
export type SpendingFunction =
  | { readonly kind: 'obrien-fleming' }               // Lan–DeMets O'Brien–Fleming type: α(t) = 2·(1 − Φ(z_{1−α/2} / √t))  (gsDesign sfLDOF, rpact "asOF")
  | { readonly kind: 'pocock' }                       // Lan–DeMets Pocock type: α(t) = α·ln(1 + (e − 1)·t)            (gsDesign sfLDPocock, rpact "asP")
  | { readonly kind: 'power'; readonly rho: number }; // α·t^ρ (Kim–DeMets; gsDesign sfPower; Spotify confidence uses ρ = 2)

export interface GroupSequentialBoundaries {
  readonly kind: 'ok';
  /** As given. */
  readonly fractions: readonly number[];
  /** One-sided upper z boundaries, one per look (reject H0 at look k when Z_k ≥ efficacyZ[k]). */
  readonly efficacyZ: readonly number[];
  /** α(t_k) spent up to look k (= the spending function at t_k). */
  readonly cumulativeAlpha: readonly number[];
}

export interface CrossingProbabilities {
  readonly kind: 'ok';
  /** P(first exit at look k through the upper boundary). */
  readonly upper: readonly number[];
  /** P(first exit at look k through the lower boundary). */
  readonly lower: readonly number[];
  /** Σ upper (e.g. power). */
  readonly totalUpper: number;
  readonly totalLower: number;
  /** E[information fraction at stopping] (stopping at the last look if never crossing). */
  readonly expectedFraction: number;
}

/** Grid parameter of Jennison & Turnbull (2000) §19.2; gsDesign's default. */
const R_DEFAULT = 18;
/** Upper limit for the adaptive r (grid of 12r + 1 points at most). */
const R_MAX = 120;
/** Largest boundary returned: P(Z ≥ 8) = 6.2e-16, so a larger boundary would change nothing measurable. */
const Z_CAP = 8;
/** More looks than this is a bug in the caller, not a design. */
const MAX_LOOKS = 1000;
/** Standardized distance beyond which a normal density term is < 1e-17 of its peak and skipped. */
const SKIP_D2 = 80;
/** Normal tails beyond 8.5 sd (Φ(−8.5) ≈ 9.5e-18) are taken as exactly 0 or 1. */
const TAIL_CUT = 8.5;
/** Longest stretch of the kernel recurrence before exp() is called again. */
const RUN_ANCHOR = 32;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function isValidSpending(spending: SpendingFunction): boolean {
  if (spending === null || typeof spending !== 'object') return false;
  switch (spending.kind) {
    case 'obrien-fleming':
    case 'pocock':
      return true;
    case 'power':
      return isFiniteNumber(spending.rho) && spending.rho > 0;
    default:
      return false;
  }
}

/**
 * Cumulative one-sided α spent by information fraction t (t clamped to [0, 1]; α(0) = 0, α(1) = α).
 * The O'Brien–Fleming type spends almost nothing early (α = 0.025: α(0.2) ≈ 5.4e-7, α(0.5) ≈ 0.0015),
 * the Pocock type spends nearly linearly (α(0.5) ≈ 0.0155), the power family α·t^ρ lies between
 * (ρ = 1 linear, ρ = 2: α(0.5) = α/4; ρ ≈ 3 resembles O'Brien–Fleming). Formulas: Lan & DeMets (1983);
 * Kim & DeMets, "Design and analysis of group sequential tests based on the type I error spending rate
 * function", Biometrika 74(1), 1987. Not a validator: t = NaN counts as 0, and alpha ∉ (0, 0.5) or
 * ρ ≤ 0 give 0 (efficacyBoundaries reports those as invalid input).
 * Example: alphaSpent({ kind: 'pocock' }, 0.025, 0.5) ≈ 0.015502.
 */
export function alphaSpent(spending: SpendingFunction, alpha: number, t: number): number {
  if (!isValidSpending(spending) || !isFiniteNumber(alpha) || alpha <= 0 || alpha >= 0.5) return 0;
  if (!(t > 0)) return 0; // also NaN
  if (t >= 1) return alpha;
  switch (spending.kind) {
    case 'obrien-fleming':
      return Math.min(alpha, 2 * normalSf(normalQuantile(1 - alpha / 2) / Math.sqrt(t)));
    case 'pocock':
      return alpha * Math.log(1 + (Math.E - 1) * t);
    case 'power':
      return alpha * t ** spending.rho;
  }
}

function checkFractions(fractions: readonly number[]): StatsFailure | null {
  if (!Array.isArray(fractions) || fractions.length === 0) {
    return invalid('fractions must be a non-empty array of information fractions in (0, 1]');
  }
  if (fractions.length > MAX_LOOKS) return invalid(`at most ${MAX_LOOKS} looks are supported (got ${fractions.length})`);
  let previous = 0;
  for (let k = 0; k < fractions.length; k++) {
    const t = fractions[k];
    if (!isFiniteNumber(t) || t <= 0 || t > 1) {
      return invalid(`fractions[${k}] = ${String(t)} must be a finite information fraction in (0, 1]`);
    }
    if (t <= previous) {
      return invalid(`fractions must be strictly increasing: fractions[${k}] = ${t} ≤ fractions[${k - 1}] = ${previous}`);
    }
    previous = t;
  }
  return null;
}

/**
 * Grid parameter for these looks: r = 18 unless the narrowest one-step transition density (sd √(Δt/t_k)
 * on the z scale) needs a finer grid for Simpson's rule (central spacing 3/(2r) ≤ sd/1.2).
 */
function gridParameter(fractions: readonly number[]): number {
  let r = R_DEFAULT;
  for (let k = 1; k < fractions.length; k++) {
    const t = fractions[k] as number;
    const sd = Math.sqrt((t - (fractions[k - 1] as number)) / t);
    r = Math.max(r, Math.ceil(1.8 / sd));
  }
  return Math.min(r, R_MAX);
}

/**
 * Integration grid of Jennison & Turnbull (2000) §19.2.1 for a density centred near `mu`, restricted
 * to [a, b]: the 6r − 1 points mu ± (3 + 4 ln(r/i)) (tails) and mu − 3 + 3(i − r)/(2r) (centre) that
 * fall strictly inside, plus the end points max(a, first) and min(b, last); midpoints are inserted and
 * Simpson weights written to `w`. Returns the number of points (odd, ≥ 3), or 0 when [a, b] misses the
 * grid's span (the mass there is < Φ(−14.5) ≈ 1e-47).
 */
function buildGrid(mu: number, a: number, b: number, r: number, z: Float64Array, w: Float64Array): number {
  const span = 3 + 4 * Math.log(r);
  const lo = Math.max(a, mu - span);
  const hi = Math.min(b, mu + span);
  if (!(hi > lo)) return 0;
  let m = 0;
  z[0] = lo;
  m = 1;
  const n = 6 * r - 1;
  for (let i = 1; i <= n; i++) {
    const x = i < r
      ? mu - 3 - 4 * Math.log(r / i)
      : i <= 5 * r
        ? mu - 3 + (3 * (i - r)) / (2 * r)
        : mu + 3 + 4 * Math.log(r / (6 * r - i));
    if (x > lo && x < hi) z[2 * m++] = x;
  }
  z[2 * m++] = hi;
  const size = 2 * m - 1;
  for (let j = 1; j < size; j += 2) z[j] = ((z[j - 1] as number) + (z[j + 1] as number)) / 2;
  w[0] = ((z[2] as number) - (z[0] as number)) / 6;
  w[size - 1] = ((z[size - 1] as number) - (z[size - 3] as number)) / 6;
  for (let j = 1; j < size - 1; j++) {
    w[j] = j % 2 === 1
      ? (4 * ((z[j + 1] as number) - (z[j - 1] as number))) / 6
      : ((z[j + 2] as number) - (z[j - 2] as number)) / 6;
  }
  return size;
}

/** Writes run[j] = last k ≥ j with z[j..k] spaced h apart (to 1e-12), for the kernel recurrence. */
function markRuns(z: Float64Array, size: number, h: number, run: Int32Array): void {
  run[size - 1] = size - 1;
  for (let j = size - 2; j >= 0; j--) {
    run[j] = Math.abs((z[j + 1] as number) - (z[j] as number) - h) < 1e-12 ? (run[j + 1] as number) : j;
  }
}

/**
 * The numerical state between looks: the continuation sub-density of Z_k times the Simpson weights,
 * g[j] = w_j·h_k(z_j), on the grid z[0..m). Two of these are ping-ponged so no look allocates.
 */
class Recursion {
  private z: Float64Array;
  private g: Float64Array;
  private zNext: Float64Array;
  private wNext: Float64Array;
  private gNext: Float64Array;
  /** Scratch: shifted previous-look scores zo·√t_{k−1} + θΔ. */
  private shifted: Float64Array;
  /** run[j] = last index k ≥ j such that z[j..k] are equally spaced (the grid's central part). */
  private run: Int32Array;
  private runNext: Int32Array;
  private m = 0;
  /** False before look 1 is absorbed. */
  private started = false;
  private empty = false;
  private tPrev = 0;

  private readonly r: number;
  private readonly drift: number;

  constructor(r: number, drift: number) {
    this.r = r;
    this.drift = drift;
    const size = 12 * r + 1;
    this.z = new Float64Array(size);
    this.g = new Float64Array(size);
    this.zNext = new Float64Array(size);
    this.wNext = new Float64Array(size);
    this.gNext = new Float64Array(size);
    this.shifted = new Float64Array(size);
    this.run = new Int32Array(size);
    this.runNext = new Int32Array(size);
  }

  /** Nothing continues (every path has stopped): later looks have probability 0. */
  get isEmpty(): boolean {
    return this.started && this.empty;
  }

  /** Set by `upperTail`: d/dc of the returned probability (≤ 0), minus the sub-density of Z_t at c. */
  slope = 0;

  /**
   * P(still running before the look at fraction t, and Z_t ≥ c) (before the first look: the plain
   * normal tail with mean θ√t); also sets `slope`. Terms more than 8.5 sd from c are 0 or g_j exactly
   * to double precision, so only the few grid points near c cost a normalSf call.
   */
  upperTail(t: number, c: number): number {
    if (c === Infinity) {
      this.slope = 0;
      return 0;
    }
    if (!this.started) {
      const x = c - this.drift * Math.sqrt(t);
      this.slope = -INV_SQRT_2PI * Math.exp(-0.5 * x * x);
      return normalSf(x);
    }
    this.slope = 0;
    if (this.empty) return 0;
    if (c === -Infinity) return this.mass();
    const { sd, s1 } = this.prepare(t);
    const inv = 1 / sd;
    const cs = c * s1;
    let sum = 0;
    let dens = 0;
    for (let j = 0; j < this.m; j++) {
      const x = (cs - (this.shifted[j] as number)) * inv;
      const gj = this.g[j] as number;
      if (x < -TAIL_CUT) sum += gj;
      else if (x <= TAIL_CUT) {
        sum += gj * normalSf(x);
        dens += gj * Math.exp(-0.5 * x * x);
      }
    }
    this.slope = (-dens * INV_SQRT_2PI * s1) * inv;
    return sum;
  }

  /** P(still running before the look at fraction t, and Z_t < c). */
  lowerTail(t: number, c: number): number {
    if (c === -Infinity) return 0;
    if (!this.started) return normalCdf(c - this.drift * Math.sqrt(t));
    if (this.empty) return 0;
    if (c === Infinity) return this.mass();
    const { sd, s1 } = this.prepare(t);
    const inv = 1 / sd;
    const cs = c * s1;
    let sum = 0;
    for (let j = 0; j < this.m; j++) {
      const x = (cs - (this.shifted[j] as number)) * inv;
      if (x > TAIL_CUT) sum += this.g[j] as number;
      else if (x >= -TAIL_CUT) sum += (this.g[j] as number) * normalCdf(x);
    }
    return sum;
  }

  /** Probability mass still running (before the next look). */
  private mass(): number {
    if (!this.started) return 1;
    if (this.empty) return 0;
    let s = 0;
    for (let j = 0; j < this.m; j++) s += this.g[j] as number;
    return s;
  }

  private preparedFor = Number.NaN;
  private preparedSd = 1;
  private preparedS1 = 1;

  /** Fills `shifted` for the step tPrev → t (cached per t). */
  private prepare(t: number): { sd: number; s1: number } {
    if (t !== this.preparedFor) {
      const delta = t - this.tPrev;
      const s0 = Math.sqrt(this.tPrev);
      const shift = this.drift * delta;
      for (let j = 0; j < this.m; j++) this.shifted[j] = (this.z[j] as number) * s0 + shift;
      this.preparedFor = t;
      this.preparedSd = Math.sqrt(delta);
      this.preparedS1 = Math.sqrt(t);
    }
    return { sd: this.preparedSd, s1: this.preparedS1 };
  }

  /** Moves the state past the look at fraction t with continuation region [a, b). */
  advance(t: number, a: number, b: number): void {
    if (this.started && this.empty) {
      this.tPrev = t;
      return;
    }
    const mu = this.drift * Math.sqrt(t);
    const size = buildGrid(mu, a, b, this.r, this.zNext, this.wNext);
    if (size === 0) {
      this.started = true;
      this.empty = true;
      this.tPrev = t;
      return;
    }
    const zn = this.zNext;
    const wn = this.wNext;
    const gn = this.gNext;
    if (!this.started) {
      for (let i = 0; i < size; i++) {
        const x = (zn[i] as number) - mu;
        gn[i] = (wn[i] as number) * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
      }
    } else {
      const { sd, s1 } = this.prepare(t);
      const inv = 1 / sd;
      const scale = (INV_SQRT_2PI * s1) / sd;
      const m = this.m;
      const g = this.g;
      const shifted = this.shifted;
      // shifted[] and zn[] increase, so the kernel's support (|d| < √SKIP_D2) is a sliding window.
      // Where the old grid is uniform (spacing 3/(4r) in z), consecutive kernel values follow
      // e_{j+1} = e_j·q_j, q_{j+1} = q_j·exp(−ε²) with ε the spacing in kernel sd units, so exp() is
      // needed only at the start of each run (re-anchored every RUN_ANCHOR steps to bound rounding).
      const reach = Math.sqrt(SKIP_D2) * sd;
      const eps = ((3 / (4 * this.r)) * Math.sqrt(this.tPrev)) / sd;
      const halfEps2 = 0.5 * eps * eps;
      const rho = Math.exp(-eps * eps);
      const run = this.run;
      let first = 0;
      let end = 0; // first j with shifted[j] > x + reach
      for (let i = 0; i < size; i++) {
        const x = (zn[i] as number) * s1;
        while (first < m && (shifted[first] as number) < x - reach) first++;
        if (end < first) end = first;
        while (end < m && (shifted[end] as number) <= x + reach) end++;
        let sum = 0;
        let j = first;
        while (j < end) {
          const d = (x - (shifted[j] as number)) * inv;
          let e = Math.exp(-0.5 * d * d);
          sum += (g[j] as number) * e;
          const stop = Math.min(run[j] as number, end - 1, j + RUN_ANCHOR);
          if (stop > j) {
            let q = Math.exp(d * eps - halfEps2);
            for (let jj = j + 1; jj <= stop; jj++) {
              e *= q;
              q *= rho;
              sum += (g[jj] as number) * e;
            }
            j = stop + 1;
          } else {
            j++;
          }
        }
        gn[i] = (wn[i] as number) * scale * sum;
      }
    }
    markRuns(zn, size, 3 / (4 * this.r), this.runNext);
    // Swap buffers: the new grid becomes the current one.
    const zOld = this.z;
    const gOld = this.g;
    const runOld = this.run;
    this.z = zn;
    this.g = gn;
    this.run = this.runNext;
    this.zNext = zOld;
    this.gNext = gOld;
    this.runNext = runOld;
    this.m = size;
    this.started = true;
    this.empty = false;
    this.tPrev = t;
    this.preparedFor = Number.NaN;
  }
}

/**
 * Upper boundary c at fraction t with P(still running, Z_t ≥ c) = target under the recursion's drift,
 * by safeguarded Newton. The root is below the marginal quantile z_{1−target} (the joint event is a
 * subset of Z_t ≥ c), which starts the iteration. Targets ≤ P(Z ≥ 8) give the cap 8.
 */
function solveBoundary(rec: Recursion, t: number, target: number, guess: number): number {
  if (!(target > normalSf(Z_CAP))) return Z_CAP;
  const q = -normalQuantile(target); // = z_{1−target}, precise for tiny targets
  let hi = Math.min(Z_CAP, q + 0.5);
  let lo = -Z_CAP;
  if (rec.upperTail(t, hi) - target > 0) return Z_CAP; // only possible at the cap
  let c = guess > lo && guess < q ? guess : Math.min(q, hi);
  for (let iter = 0; iter < 100; iter++) {
    const f = rec.upperTail(t, c) - target;
    const slope = rec.slope;
    if (f > 0) lo = c;
    else hi = c;
    let next = slope < 0 ? c - f / slope : Number.NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - c) < 1e-12 || hi - lo < 1e-12) return next;
    c = next;
  }
  return c;
}

/**
 * One-sided efficacy boundaries for looks at information fractions 0 < t_1 < t_2 < … < t_K ≤ 1 such that
 * under H0 (Z_k ~ canonical joint distribution: Z_k = S_k/√t_k, independent Brownian increments)
 * P(Z_1 < c_1, …, Z_{k−1} < c_{k−1}, Z_k ≥ c_k) = α(t_k) − α(t_{k−1}). No lower (futility) boundary enters
 * the alpha computation (futility is non-binding: stopping for futility only lowers the type-I error).
 * A look whose increment is ≤ P(Z ≥ 8) ≈ 6.2e-16 (e.g. O'Brien–Fleming type at t < 0.08 for α = 0.025)
 * gets the boundary 8 rather than +Infinity: no result reaches it, and the unspent α is < 1e-15. The last
 * fraction may be < 1 (an early final look): boundaries use only the given fractions, so the total α
 * spent is α(t_K) < α — re-plan with t_K = 1 to spend it all. The first boundary is exact:
 * z_{1−α(t_1)}; one look at t = 1 gives z_{1−α} (1.959964 at α = 0.025).
 * Example: 5 equal looks, α = 0.025, O'Brien–Fleming type → 4.8769, 3.3570, 2.6803, 2.2898, 2.0310
 * (gsDesign: gsDesign(k = 5, test.type = 1, sfu = sfLDOF)$upper$bound).
 */
export function efficacyBoundaries(
  fractions: readonly number[],
  alpha: number,
  spending: SpendingFunction,
): GroupSequentialBoundaries | StatsFailure {
  const bad = checkFractions(fractions);
  if (bad) return bad;
  if (!isFiniteNumber(alpha) || alpha <= 0 || alpha >= 0.5) {
    return invalid(`alpha = ${String(alpha)} must be a one-sided level in (0, 0.5), e.g. 0.025`);
  }
  if (!isValidSpending(spending)) {
    return invalid("spending must be { kind: 'obrien-fleming' }, { kind: 'pocock' } or { kind: 'power', rho } with finite rho > 0");
  }
  const rec = new Recursion(gridParameter(fractions), 0);
  const efficacyZ: number[] = [];
  const cumulativeAlpha: number[] = [];
  let spentBefore = 0;
  for (let k = 0; k < fractions.length; k++) {
    const t = fractions[k] as number;
    const cumulative = alphaSpent(spending, alpha, t);
    // The previous boundary is a good Newton start (boundaries change slowly from look to look).
    const c = solveBoundary(rec, t, cumulative - spentBefore, efficacyZ[k - 1] ?? Number.NaN);
    efficacyZ.push(c);
    cumulativeAlpha.push(cumulative);
    spentBefore = cumulative;
    if (k < fractions.length - 1) rec.advance(t, -Infinity, c);
  }
  return { kind: 'ok', fractions: [...fractions], efficacyZ, cumulativeAlpha };
}

function checkBounds(name: string, values: readonly number[], length: number, forbidden: number): StatsFailure | null {
  if (!Array.isArray(values) || values.length !== length) {
    return invalid(`${name} must have one entry per look (${length}), got ${Array.isArray(values) ? values.length : typeof values}`);
  }
  for (let k = 0; k < length; k++) {
    const v = values[k];
    if (typeof v !== 'number' || Number.isNaN(v) || v === forbidden) {
      const hint = name === 'lower' ? 'use -Infinity for "no lower boundary"' : 'use +Infinity for "no efficacy stop"';
      return invalid(`${name}[${k}] = ${String(v)} is not a usable z boundary (${hint})`);
    }
  }
  return null;
}

/**
 * Exit probabilities when E[Z_k] = drift·√t_k (drift θ = δ·√I_max, the z-statistic's mean at full information),
 * with upper boundaries `upper` and lower boundaries `lower` (use -Infinity for "no lower boundary at this look";
 * lower[k] ≥ upper[k] means the look always stops: count it as lower). Same lengths as `fractions`.
 * At look k a path still running stops through the lower boundary when Z_k < lower[k] and through the
 * upper one when Z_k ≥ max(upper[k], lower[k]): results in the overlap [upper, lower) count as lower,
 * and lower[k] = upper[k] (gsDesign's usual final look) splits the look at that value, as gsProbability does.
 * upper[k] = +Infinity means no efficacy stop at that look. Paths that never cross stop at the last look
 * (for expectedFraction). Example: one look at t = 1, upper 1.96, drift 2.8 → totalUpper ≈ 0.80.
 */
export function crossingProbabilities(
  fractions: readonly number[],
  upper: readonly number[],
  lower: readonly number[],
  drift: number,
): CrossingProbabilities | StatsFailure {
  const bad = checkFractions(fractions)
    ?? checkBounds('upper', upper, fractions.length, -Infinity)
    ?? checkBounds('lower', lower, fractions.length, Infinity);
  if (bad) return bad;
  if (!isFiniteNumber(drift)) return invalid(`drift = ${String(drift)} must be a finite number (E[Z] at full information)`);
  const rec = new Recursion(gridParameter(fractions), drift);
  const up: number[] = [];
  const lo: number[] = [];
  let totalUpper = 0;
  let totalLower = 0;
  let shortfall = 0;
  const last = fractions.length - 1;
  for (let k = 0; k <= last; k++) {
    const t = fractions[k] as number;
    const l = lower[k] as number;
    const u = Math.max(upper[k] as number, l);
    let pu = 0;
    let pl = 0;
    if (!rec.isEmpty) {
      pu = Math.max(0, rec.upperTail(t, u));
      pl = Math.max(0, rec.lowerTail(t, l));
    }
    up.push(pu);
    lo.push(pl);
    totalUpper += pu;
    totalLower += pl;
    if (k < last) {
      shortfall += ((fractions[last] as number) - t) * (pu + pl);
      rec.advance(t, l, u);
    }
  }
  // E[t_stop] = t_K − Σ_{k<K} (t_K − t_k)·P(stop at k), as gsDesign's en: the integration's total mass may
  // exceed 1 by ~1e-7 (the r = 18 grid's Simpson weights integrate φ to 1 + 2.2e-7), and this form keeps
  // that error second-order instead of clamping.
  const tFirst = fractions[0] as number;
  const tLast = fractions[last] as number;
  const expectedFraction = Math.min(tLast, Math.max(tFirst, tLast - shortfall));
  return { kind: 'ok', upper: up, lower: lo, totalUpper, totalLower, expectedFraction };
}

/**
 * The drift θ (E[Z] at full information) for which totalUpper = power, given fractions, efficacy boundaries
 * and a lower-boundary function of θ (lower may depend on θ, e.g. a futility rule "upper CI bound below the
 * design effect": l_k = θ√t_k − z). Bisection on θ in (0, 20].
 * The search keeps bisection's bracket [0, 20] but takes Illinois false-position steps (Dowell & Jarratt,
 * BIT 11, 1971), so it needs ~10 evaluations instead of ~40; it stops when the bracket is < 1e-10 wide
 * or the power matches to 1e-13. Fails (as a value) when the power at θ = 0 is already ≥ `power`
 * (invalid: ask for more power than the type-I error) or when θ = 20 does not reach it (insufficient).
 * Examples: one look at t = 1 with upper z_{0.975} and no lower boundary, power 0.8 → θ = 1.959964 +
 * 0.841621 = 2.801585; (θ/2.801585)² is the sample-size inflation factor of the sequential design.
 */
export function driftForPower(
  fractions: readonly number[],
  upper: readonly number[],
  lowerFor: (drift: number) => readonly number[],
  power: number,
): number | StatsFailure {
  if (!isOpenProbability(power)) return invalid(`power = ${String(power)} must be in (0, 1), e.g. 0.8`);
  if (typeof lowerFor !== 'function') return invalid('lowerFor must be a function from drift to lower boundaries');
  const gap = (theta: number): number | StatsFailure => {
    const r = crossingProbabilities(fractions, upper, lowerFor(theta), theta);
    return r.kind === 'ok' ? r.totalUpper - power : r;
  };
  let a = 0;
  let b = 20;
  const fa0 = gap(a);
  if (typeof fa0 !== 'number') return fa0;
  if (fa0 >= 0) {
    return invalid(`power ${power} is not above the rejection probability at drift 0 (${(fa0 + power).toPrecision(4)}); ask for more power`);
  }
  const fb0 = gap(b);
  if (typeof fb0 !== 'number') return fb0;
  if (fb0 < 0) {
    return insufficient(`power ${power} is not reached even at drift 20 (reached ${(fb0 + power).toPrecision(4)}): the boundaries or the futility rule stop too many paths`);
  }
  let fa = fa0;
  let fb = fb0;
  let side = 0;
  for (let iter = 0; iter < 200 && b - a > 1e-10; iter++) {
    let c = b - (fb * (b - a)) / (fb - fa);
    if (!(c > a && c < b)) c = (a + b) / 2;
    const fc = gap(c);
    if (typeof fc !== 'number') return fc;
    if (Math.abs(fc) < 1e-13) return c;
    if (fc < 0) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return (a + b) / 2;
}
