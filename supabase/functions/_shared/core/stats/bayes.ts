// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The Bayesian view reported beside every decision — informative, never deciding. As GrowthBook, Eppo
 * and Statsig report it: the chance that treatment beats control and the expected loss of each choice
 * ("how much do we give up, on average, if we pick this arm and it is the worse one").
 *
 * Rates use independent Beta(1 + x, 1 + n − x) posteriors (uniform prior) and are computed exactly by
 * 1-D numerical integration — adaptive Gauss–Kronrod (7, 15) over the bulk of the posteriors — not by
 * Monte Carlo, so the numbers are reproducible and cheap enough for simulations.
 * Means (durations) use the normal approximation with a flat prior, where everything is closed form.
 */
import { clampProbability, normalCdf, normalQuantile } from './distributions.ts';
import type { ProportionGroup } from './proportions.ts';
import {
  insufficient, invalid, isCount, isFiniteNumber,
  type Interval, type StatsFailure,
} from './result.ts';

export interface BayesianView {
  readonly kind: 'ok';
  /** P(treatment better than control | data); "better" = higher, unless lowerIsBetter. */
  readonly chanceToBeatControl: number;
  /** E[max(control − treatment, 0)] in the metric's units, good direction: the expected loss of shipping treatment. */
  readonly expectedLossTreatment: number;
  /** E[max(treatment − control, 0)], good direction: the expected loss of keeping control. */
  readonly expectedLossControl: number;
  /** 95 % equal-tailed credible interval of treatment − control (metric units; NOT direction-flipped). */
  readonly credibleInterval: Interval;
  readonly method: 'beta-binomial' | 'normal';
}

export interface BayesOptions {
  /** Set for metrics where smaller is better (durations, bounce rates): flips "better" and the losses. */
  lowerIsBetter?: boolean;
}

/** Level of `credibleInterval`. */
export const CREDIBLE_LEVEL = 0.95;

// --- special functions -------------------------------------------------------------------------

const LN_SQRT_2PI = 0.9189385332046728;

/**
 * Remainder of Stirling's series, lgamma(x) − [(x − ½)ln x − x + ln√(2π)], for x ≥ 10: eight terms
 * B₂ₖ/(2k(2k−1)x²ᵏ⁻¹) (DLMF 5.11.1); the first omitted term is < 2e-18 at x = 10.
 */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (1 / 12 + r * (-1 / 360 + r * (1 / 1260 + r * (-1 / 1680 + r * (1 / 1188
    + r * (-691 / 360360 + r * (1 / 156 + r * (-3617 / 122400)))))))) / x;
}

/** ln Γ(x) for x > 0: Stirling's series at x ≥ 10, shifted up by Γ(x) = Γ(x + k)/(x(x+1)…(x+k−1)) below. */
function logGamma(x: number): number {
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return logGamma(y) - Math.log(product);
}

/**
 * ln B(a, b) for a, b > 0. For large arguments the Stirling terms are combined before adding (as R's
 * lbeta does), because lgamma(a) + lgamma(b) − lgamma(a + b) cancels ~7 digits at a, b ~ 10⁶.
 * Reference: mpmath log(beta(a, b)) (scipy.special.betaln is itself ~1e-11 off at (10⁶, 2)).
 * Example: logBeta(31, 71) ≈ −63.2572.
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const s = p + q;
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(s);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / s) + q * Math.log1p(-p / s);
  }
  if (q >= 10) {
    const corr = stirlingCorrection(q) - stirlingCorrection(s);
    return logGamma(p) + corr + p - p * Math.log(s) + (q - 0.5) * Math.log1p(-p / s);
  }
  return logGamma(p) + logGamma(q) - logGamma(s);
}

/**
 * Loader's deviance term bd0(k, m) = k ln(k/m) + m − k ≥ 0, by its series in v = (k − m)/(k + m) when
 * k ≈ m, where the direct form cancels (C. Loader, "Fast and accurate computation of binomial
 * probabilities", 2000; R's dbinom).
 */
function bd0(k: number, m: number): number {
  if (Math.abs(k - m) < 0.1 * (k + m)) {
    const v = (k - m) / (k + m);
    const v2 = v * v;
    let sum = (k - m) * v;
    let term = 2 * k * v;
    for (let j = 1; j < 1000; j++) {
      term *= v2;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return k * Math.log(k / m) + m - k;
}

/**
 * ln[x^a (1 − x)^b / B(a, b)] for 0 < x < 1. Summed term by term it loses ~a·1e-16 (1e-9 at a = 10⁷,
 * enough to stall the integrator); for a, b ≥ 10 it is rewritten with Stirling's series as
 * ½ ln(ab/(a+b)) − ln√(2π) − [bd0(a, (a+b)x) + bd0(b, (a+b)(1−x))] − corrections, which is exact to ~1e-15.
 */
function logBetaFront(x: number, a: number, b: number): number {
  if (Math.min(a, b) < 10) return a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  const s = a + b;
  const corr = stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(s);
  return 0.5 * Math.log((a / s) * b) - LN_SQRT_2PI - corr - bd0(a, s * x) - bd0(b, s * (1 - x));
}

/**
 * Continued fraction of I_x(a, b) (DLMF 8.17.22) by the modified Lentz method (Numerical Recipes,
 * 3rd ed., §6.4 and §5.2). Converges fast for x < (a + 1)/(a + b + 2), in O(√max(a, b)) steps at worst.
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const maxIterations = 300 + Math.ceil(30 * Math.sqrt(Math.max(a, b)));
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/**
 * Regularized incomplete beta function I_x(a, b) = P(Beta(a, b) ≤ x), a, b > 0, with the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) to stay on the fast side of the continued fraction.
 * Reference: scipy.special.betainc(a, b, x). Example: regularizedIncompleteBeta(0.3, 31, 71) ≈ 0.4769.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(x > 0)) return 0;
  if (!(x < 1)) return 1;
  const logFront = logBetaFront(x, a, b);
  if (x < (a + 1) / (a + b + 2)) return clampProbability((Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a);
  return clampProbability(1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b);
}

// --- a Beta posterior with a, b ≥ 1 (uniform prior) -----------------------------------------------

interface BetaPosterior {
  readonly a: number;
  readonly b: number;
  readonly logB: number;
  readonly mean: number;
  readonly variance: number;
  readonly mode: number;
  /** Where the density has fallen e^-46 ≈ 1e-20 below its peak: outside, the mass is negligible. */
  readonly lo: number;
  readonly hi: number;
}

const BULK_LOG_DROP = 46;

/** ln f(x) for a, b ≥ 1 (the x^0 factors are skipped so x = 0 or 1 gives a finite value or −∞, never NaN). */
function betaLogDensity(post: Pick<BetaPosterior, 'a' | 'b' | 'logB'>, x: number): number {
  if (x > 0 && x < 1 && post.a >= 10 && post.b >= 10) return logBetaFront(x, post.a, post.b) - Math.log(x) - Math.log1p(-x);
  const left = post.a === 1 ? 0 : (post.a - 1) * Math.log(x);
  const right = post.b === 1 ? 0 : (post.b - 1) * Math.log1p(-x);
  return left + right - post.logB;
}

function betaDensity(post: BetaPosterior, x: number): number {
  if (x < 0 || x > 1) return 0;
  return Math.exp(betaLogDensity(post, x));
}

function posterior(g: ProportionGroup): BetaPosterior {
  const a = 1 + g.successes;
  const b = 1 + g.n - g.successes;
  const logB = logBeta(a, b);
  const s = a + b;
  const mode = s > 2 ? (a - 1) / (s - 2) : 0.5;
  const base = { a, b, logB };
  const target = betaLogDensity(base, mode) - BULK_LOG_DROP;
  // The density is unimodal (a, b ≥ 1): bisect each side for the point where it crosses `target`.
  const cross = (inside: number, outside: number): number => {
    if (betaLogDensity(base, outside) >= target) return outside;
    let i = inside;
    let o = outside;
    for (let k = 0; k < 64; k++) {
      const mid = (i + o) / 2;
      if (betaLogDensity(base, mid) >= target) i = mid;
      else o = mid;
    }
    return o;
  };
  return {
    a, b, logB, mode, mean: a / s, variance: (a * b) / (s * s * (s + 1)),
    lo: cross(mode, 0), hi: cross(mode, 1),
  };
}

// --- adaptive Gauss–Kronrod (7, 15) ------------------------------------------------------------------

// Nodes and weights of QUADPACK's qk15 (Piessens et al. 1983): Kronrod nodes, odd indices are the Gauss nodes.
const XGK = [0.991455371120812639, 0.949107912342758525, 0.864864423359769073, 0.741531185599394440,
  0.586087235467691130, 0.405845151377397167, 0.207784955007898468, 0];
const WGK = [0.022935322010529225, 0.063092092629978553, 0.104790010322250184, 0.140653259715525919,
  0.169004726639267903, 0.190350578064785410, 0.204432940075298892, 0.209482141084727828];
const WG = [0.129484966168869693, 0.279705391489276668, 0.381830050505118945, 0.417959183673469388];

interface Segment { a: number; b: number; value: number; error: number }

function gaussKronrod(f: (x: number) => number, a: number, b: number): Segment {
  const c = (a + b) / 2;
  const h = (b - a) / 2;
  const fc = f(c);
  let kronrod = fc * (WGK[7] as number);
  let gauss = fc * (WG[3] as number);
  for (let j = 0; j < 7; j++) {
    const dx = h * (XGK[j] as number);
    const pair = f(c - dx) + f(c + dx);
    kronrod += (WGK[j] as number) * pair;
    if (j % 2 === 1) gauss += (WG[(j - 1) / 2] as number) * pair;
  }
  return { a, b, value: kronrod * h, error: Math.abs(kronrod - gauss) * h };
}

const ABS_TOLERANCE = 1e-13;
const REL_TOLERANCE = 1e-11;
const MAX_SEGMENTS = 500;

/**
 * ∫ f over [breaks[0], breaks[last]], starting from the given break points (where f changes shape) and
 * bisecting the segment with the largest |K15 − G7| until the summed estimate is below tolerance.
 */
function integrate(f: (x: number) => number, breaks: readonly number[]): number {
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < breaks.length; i++) {
    const a = breaks[i] as number;
    const b = breaks[i + 1] as number;
    if (b > a) segments.push(gaussKronrod(f, a, b));
  }
  let total = 0;
  for (;;) {
    total = 0;
    let error = 0;
    let worst = 0;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i] as Segment;
      total += s.value;
      error += s.error;
      if (s.error > (segments[worst] as Segment).error) worst = i;
    }
    if (segments.length === 0 || error <= Math.max(ABS_TOLERANCE, REL_TOLERANCE * Math.abs(total))
      || segments.length >= MAX_SEGMENTS) break;
    const s = segments[worst] as Segment;
    const mid = (s.a + s.b) / 2;
    if (!(mid > s.a && mid < s.b)) break; // cannot split further in floating point
    segments.splice(worst, 1, gaussKronrod(f, s.a, mid), gaussKronrod(f, mid, s.b));
  }
  return total;
}

/** Sorted break points: the bulk of the weighting density plus `inner` points that fall inside it. */
function breakPoints(lo: number, hi: number, inner: readonly number[]): number[] {
  const pts = [lo, hi, ...inner.filter((x) => x > lo && x < hi)];
  return [...new Set(pts)].sort((u, v) => u - v);
}

/** P(X > Y) = ∫ f_X(x) F_Y(x) dx over the bulk of X. */
function probabilityGreater(X: BetaPosterior, Y: BetaPosterior): number {
  const f = (x: number): number => betaDensity(X, x) * regularizedIncompleteBeta(x, Y.a, Y.b);
  return clampProbability(integrate(f, breakPoints(X.lo, X.hi, [X.mode, Y.lo, Y.mode, Y.hi])));
}

/**
 * E[max(Y − X, 0)] = ∫ f_Y(y) E[(y − X)⁺] dy, with E[(y − X)⁺] = y I_y(a, b) − m I_y(a + 1, b)
 * = (y − m) I_y(a, b) + y(1 − y) f_X(y)/(a + b) by DLMF 8.17.20 (one incomplete beta per node).
 */
function expectedShortfall(X: BetaPosterior, Y: BetaPosterior): number {
  const s = X.a + X.b;
  const f = (y: number): number => {
    const inner = (y - X.mean) * regularizedIncompleteBeta(y, X.a, X.b) + (y * (1 - y) * betaDensity(X, y)) / s;
    return betaDensity(Y, y) * Math.max(0, inner);
  };
  return Math.max(0, integrate(f, breakPoints(Y.lo, Y.hi, [Y.mode, X.lo, X.mode, X.hi])));
}

/** P(T − C ≤ d) = ∫ f_C(x) F_T(x + d) dx. */
function differenceCdf(C: BetaPosterior, T: BetaPosterior, d: number): number {
  const f = (x: number): number => betaDensity(C, x) * regularizedIncompleteBeta(x + d, T.a, T.b);
  return clampProbability(integrate(f, breakPoints(C.lo, C.hi, [C.mode, T.lo - d, T.mode - d, T.hi - d])));
}

/** Density of T − C at d: ∫ f_C(x) f_T(x + d) dx (the Newton slope for the quantiles). */
function differenceDensity(C: BetaPosterior, T: BetaPosterior, d: number): number {
  const lo = Math.max(C.lo, T.lo - d);
  const hi = Math.min(C.hi, T.hi - d);
  if (!(hi > lo)) return 0;
  const f = (x: number): number => betaDensity(C, x) * betaDensity(T, x + d);
  return Math.max(0, integrate(f, breakPoints(lo, hi, [C.mode, T.mode - d])));
}

/** Quantile q of T − C: Newton on the exact CDF from the normal-approximation guess, safeguarded by bisection. */
function differenceQuantile(C: BetaPosterior, T: BetaPosterior, q: number): number {
  let lo = -1;
  let hi = 1;
  const guess = T.mean - C.mean + normalQuantile(q) * Math.sqrt(T.variance + C.variance);
  let d = Math.min(1 - 1e-9, Math.max(-1 + 1e-9, guess));
  for (let i = 0; i < 100; i++) {
    const excess = differenceCdf(C, T, d) - q;
    if (excess === 0) return d;
    if (excess > 0) hi = d;
    else lo = d;
    const slope = differenceDensity(C, T, d);
    let next = slope > 0 ? d - excess / slope : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - d) < 1e-13 || hi - lo < 1e-13) return next;
    d = next;
  }
  return d;
}

function checkCounts(g: ProportionGroup, label: string): StatsFailure | null {
  if (!isCount(g.successes) || !isCount(g.n)) {
    return invalid(`${label}: successes and n must be integers ≥ 0 (got ${g.successes}/${g.n})`);
  }
  if (g.successes > g.n) return invalid(`${label}: successes ${g.successes} > n ${g.n}`);
  return null;
}

/**
 * Rates: independent Beta(1 + x, 1 + n − x) posteriors (uniform prior), exact via numerical integration
 * (not Monte Carlo). n = 0 is allowed: the posterior is then the prior (0/0 vs 0/0 → chance 0.5, each
 * loss 1/6), which is the honest Bayesian answer and keeps the report total.
 * Chance = ∫ f_T F_C; losses = ∫ f_C(y) E[(y − T)⁺] dy and the mirror; the 95 % interval of
 * T − C inverts the exact CDF ∫ f_C(x) F_T(x + d) dx by Newton's method.
 * References: Evan Miller, "Formulas for Bayesian A/B testing" (2015) — the closed-form sum the tests
 * check against; Chris Stucchio, "Bayesian A/B testing at VWO" (2015) — expected loss.
 * Example: control 30/100, treatment 45/100 → chance ≈ 0.98548, loss of shipping ≈ 0.000348.
 */
export function bayesProportions(
  control: ProportionGroup,
  treatment: ProportionGroup,
  options: BayesOptions = {},
): BayesianView | StatsFailure {
  const bad = checkCounts(control, 'control') ?? checkCounts(treatment, 'treatment');
  if (bad) return bad;
  const C = posterior(control);
  const T = posterior(treatment);
  const lowerIsBetter = options.lowerIsBetter === true;
  const alpha = (1 - CREDIBLE_LEVEL) / 2;
  return {
    kind: 'ok',
    chanceToBeatControl: lowerIsBetter ? probabilityGreater(C, T) : probabilityGreater(T, C),
    expectedLossTreatment: lowerIsBetter ? expectedShortfall(C, T) : expectedShortfall(T, C),
    expectedLossControl: lowerIsBetter ? expectedShortfall(T, C) : expectedShortfall(C, T),
    credibleInterval: { lower: differenceQuantile(C, T, alpha), upper: differenceQuantile(C, T, 1 - alpha) },
    method: 'beta-binomial',
  };
}

/** Standard normal density φ(u). */
function normalPdf(u: number): number {
  return Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
}

/**
 * Means (durations): normal approximation, difference D = treatment − control ~ N(d, se²) with a flat
 * prior and se² = se_c² + se_t². Closed forms: P(D > 0) = Φ(d/se); E[max(−D, 0)] = se·φ(d/se) − d·Φ(−d/se)
 * and E[max(D, 0)] = that + d. The smaller of the two is computed directly (it is the one that
 * cancels) and the larger from it.
 * Example: control 48 h (se 2), treatment 44 h (se 2.5), lowerIsBetter → chance ≈ 0.8942.
 */
export function bayesMeans(
  controlMean: number,
  controlSe: number,
  treatmentMean: number,
  treatmentSe: number,
  options: BayesOptions = {},
): BayesianView | StatsFailure {
  if (![controlMean, controlSe, treatmentMean, treatmentSe].every(isFiniteNumber)) {
    return invalid('means and standard errors must be finite numbers');
  }
  if (controlSe < 0 || treatmentSe < 0) return invalid('standard errors must be ≥ 0');
  const se = Math.hypot(controlSe, treatmentSe);
  if (se === 0) return insufficient('both standard errors are 0: no uncertainty to describe');
  const d = treatmentMean - controlMean;
  if (!Number.isFinite(d) || !Number.isFinite(se)) return invalid('means or standard errors too large');
  const u = Math.abs(d) / se;
  const small = Math.max(0, se * (normalPdf(u) - u * normalCdf(-u)));
  const large = small + Math.abs(d);
  const gain = d >= 0 ? large : small; // E[max(D, 0)]
  const shortfall = d >= 0 ? small : large; // E[max(−D, 0)]
  const lowerIsBetter = options.lowerIsBetter === true;
  const zq = normalQuantile(1 - (1 - CREDIBLE_LEVEL) / 2);
  return {
    kind: 'ok',
    chanceToBeatControl: clampProbability(normalCdf(lowerIsBetter ? -d / se : d / se)),
    expectedLossTreatment: lowerIsBetter ? gain : shortfall,
    expectedLossControl: lowerIsBetter ? shortfall : gain,
    credibleInterval: { lower: d - zq * se, upper: d + zq * se },
    method: 'normal',
  };
}
