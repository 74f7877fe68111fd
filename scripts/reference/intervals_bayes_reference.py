#!/usr/bin/env python3
"""Reference values for test/unit/stats/small-sample-intervals.test.ts and bayes.test.ts. Run:
    python3 scripts/reference/intervals_bayes_reference.py > test/unit/stats/intervals-bayes-reference.json
Deterministic (fixed numpy seed). Every number is computed here independently of the TypeScript code
(statsmodels is not needed: Newcombe and Agresti-Caffo are a few lines on top of scipy.stats.norm).
Published values are copied next to the computed ones, with where they were read.
Needs mpmath (a SymPy dependency) only for high-precision ln B(a, b): scipy.special.betaln(1e6, 2) is off
by 2.4e-10 (relative 9e-12), more than the TypeScript logBeta."""
import json
import math
import sys

import mpmath
import numpy as np
import scipy
import scipy.special as sp
import scipy.stats as st
from scipy.integrate import quad
from scipy.optimize import brentq

mpmath.mp.dps = 40
out = {"generator": f"scripts/reference/intervals_bayes_reference.py, SciPy {scipy.__version__}, NumPy {np.__version__}"}


# --- small-sample intervals -----------------------------------------------------------------
def wilson(x, n, conf=0.95):
    """Wilson (1927) score interval, closed form (Newcombe 1998a, method 3)."""
    z = st.norm.ppf(1 - (1 - conf) / 2)
    centre = (x + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(x * (n - x) / n + z * z / 4)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(xc, nc, xt, nt, conf=0.95):
    """Newcombe (1998b) method 10 for p_t - p_c: square-and-add of the Wilson limits."""
    pc, pt = xc / nc, xt / nt
    lc, uc = wilson(xc, nc, conf)
    lt, ut = wilson(xt, nt, conf)
    d = pt - pc
    return d - math.hypot(pt - lt, uc - pc), d + math.hypot(ut - pt, pc - lc)


def agresti_caffo(xc, nc, xt, nt, conf=0.95):
    """Agresti & Caffo (2000): one success and one failure added to each group, then Wald, cut to [-1, 1]."""
    z = st.norm.ppf(1 - (1 - conf) / 2)
    pc, pt = (xc + 1) / (nc + 2), (xt + 1) / (nt + 2)
    se = math.sqrt(pc * (1 - pc) / (nc + 2) + pt * (1 - pt) / (nt + 2))
    d = pt - pc
    return max(-1.0, d - z * se), min(1.0, d + z * se)


def wald(xc, nc, xt, nt, conf=0.95):
    z = st.norm.ppf(1 - (1 - conf) / 2)
    pc, pt = xc / nc, xt / nt
    se = math.sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / nt)
    return pt - pc - z * se, pt - pc + z * se


wilson_cases = []
for x, n, conf in [(81, 263, 0.95), (15, 148, 0.95), (0, 20, 0.95), (1, 29, 0.95), (0, 10, 0.95), (10, 10, 0.95),
                   (2, 2000, 0.95), (56, 70, 0.95), (48, 80, 0.9), (3, 7, 0.99), (500, 1000, 0.95)]:
    ci = st.binomtest(x, n).proportion_ci(confidence_level=conf, method="wilson")
    wilson_cases.append({"successes": x, "n": n, "confidence": conf, "formula": list(wilson(x, n, conf)),
                         "scipy": [ci.low, ci.high]})
out["wilson"] = {
    "source": "closed form with scipy.stats.norm.ppf, cross-checked with "
              "scipy.stats.binomtest(x, n).proportion_ci(method='wilson')",
    "published": {
        "source": "Newcombe (1998a) 'Two-sided confidence intervals for the single proportion: comparison of "
                  "seven methods', Stat Med 17:857-872, Table I, method 3, as asserted in "
                  "github.com/m-Py/propint tests/testthat/test_Single_Proportion_CI.R",
        "cases": [{"successes": 81, "n": 263, "ci": [0.2553, 0.3662]},
                  {"successes": 15, "n": 148, "ci": [0.0624, 0.1605]}],
    },
    "cases": wilson_cases,
}

# Newcombe (1998b) Table II, examples (a)-(h), method 10, written as p1 - p2 = treatment - control.
NEWCOMBE_TABLE_II = [
    ("a", 56, 70, 48, 80, [0.0524, 0.3339]),
    ("b", 9, 10, 3, 10, [0.1705, 0.8090]),
    ("c", 6, 7, 2, 7, [0.0582, 0.8062]),
    ("d", 5, 56, 0, 29, [-0.0381, 0.1926]),
    ("e", 0, 10, 0, 20, [-0.1611, 0.2775]),
    ("f", 0, 10, 0, 10, [-0.2775, 0.2775]),
    ("g", 10, 10, 0, 20, [0.6791, 1.0]),
    ("h", 10, 10, 0, 10, [0.6075, 1.0]),
]
# Agresti-Caffo on the same eight tables as asserted (7 significant digits) in
# github.com/capeconomics/mergeron-extra tests/test_proportions_tests.py.
AGRESTI_CAFFO_PUBLISHED = {
    "a": [0.05245293, 0.3357585], "b": [0.1600008, 0.8399992], "c": [0.03380627, 0.8550826],
    "d": [-0.02886585, 0.1712463], "e": [-0.1410901, 0.2168477], "f": [-0.2211503, 0.2211503],
    "g": [0.6922432, 1.0], "h": [0.612183, 1.0],
}
table = []
for label, x1, n1, x2, n2, published in NEWCOMBE_TABLE_II:
    table.append({"example": label, "treatment": {"successes": x1, "n": n1}, "control": {"successes": x2, "n": n2},
                  "newcombePublished": published, "newcombe": list(newcombe(x2, n2, x1, n1)),
                  "agrestiCaffoPublished": AGRESTI_CAFFO_PUBLISHED[label],
                  "agrestiCaffo": list(agresti_caffo(x2, n2, x1, n1))})
extra = []
for xc, nc, xt, nt, conf in [(2, 2000, 0, 20, 0.95), (30, 100, 45, 100, 0.95), (300, 1000, 330, 1000, 0.9),
                             (1, 12, 7, 9, 0.99), (0, 5, 5, 5, 0.95), (40, 40, 39, 41, 0.8)]:
    extra.append({"control": {"successes": xc, "n": nc}, "treatment": {"successes": xt, "n": nt}, "confidence": conf,
                  "newcombe": list(newcombe(xc, nc, xt, nt, conf)),
                  "agrestiCaffo": list(agresti_caffo(xc, nc, xt, nt, conf)),
                  "wald": list(wald(xc, nc, xt, nt, conf))})
out["difference"] = {
    "source": "Newcombe (1998b) 'Interval estimation for the difference between independent proportions: "
              "comparison of eleven methods', Stat Med 17:873-890, Table II, method 10, as asserted in "
              "github.com/PeteLaud/ratesci tests/testthat/test3.R (example d), github.com/m-Py/propint "
              "tests/testthat/test_Two_Independent_Props_CI.R (a, b) and github.com/capeconomics/mergeron-extra "
              "tests/test_proportions_tests.py (a-h, with Agresti-Caffo); computed values from the formulas above",
    "newcombeTableII": table,
    "extra": extra,
}


# Exact coverage of the three intervals by enumerating all (x_c, x_t) outcomes.
def exact_coverage(fn, nc, nt, pc, pt):
    total = 0.0
    for xc in range(nc + 1):
        for xt in range(nt + 1):
            lo, hi = fn(xc, nc, xt, nt)
            if lo <= pt - pc <= hi:
                total += st.binom.pmf(xc, nc, pc) * st.binom.pmf(xt, nt, pt)
    return total


coverage = []
for nc, nt, pc, pt in [(10, 10, 0.1, 0.1), (10, 10, 0.3, 0.3), (10, 10, 0.05, 0.2), (10, 10, 0.1, 0.3)]:
    coverage.append({"nControl": nc, "nTreatment": nt, "pControl": pc, "pTreatment": pt,
                     "newcombe": exact_coverage(newcombe, nc, nt, pc, pt),
                     "agrestiCaffo": exact_coverage(agresti_caffo, nc, nt, pc, pt),
                     "wald": exact_coverage(wald, nc, nt, pc, pt)})
out["coverage"] = {"source": "exact coverage by enumeration with scipy.stats.binom.pmf (95 % intervals)",
                   "cases": coverage}

# --- Bayesian view: Beta posteriors, uniform prior -------------------------------------------------


def prob_greater_closed_form(a_x, b_x, a_y, b_y):
    """P(X > Y), X ~ Beta(a_x, b_x), Y ~ Beta(a_y, b_y), a_x a positive integer (Evan Miller 2015,
    'Formulas for Bayesian A/B testing'): sum_{i=0}^{a_x-1} B(a_y+i, b_y+b_x) / ((b_x+i) B(1+i, b_x) B(a_y, b_y))."""
    i = np.arange(int(a_x), dtype=float)
    log_terms = sp.betaln(a_y + i, b_y + b_x) - np.log(b_x + i) - sp.betaln(1 + i, b_x) - sp.betaln(a_y, b_y)
    return float(np.exp(sp.logsumexp(log_terms)))


def bulk(dists):
    lo = max(0.0, min(d.mean() - 40 * d.std() for d in dists))
    hi = min(1.0, max(d.mean() + 40 * d.std() for d in dists))
    return lo, hi, sorted(d.mean() for d in dists)


def integrate(f, dists):
    lo, hi, pts = bulk(dists)
    val, _ = quad(f, lo, hi, points=[p for p in pts if lo < p < hi], limit=1000, epsabs=1e-15, epsrel=1e-13)
    return val


bayes = []
rng = np.random.default_rng(20260101)
MC_DRAWS = 2_000_000
for xc, nc, xt, nt in [(30, 100, 45, 100), (300, 1000, 330, 1000), (0, 10, 0, 10), (5, 50, 1, 50),
                       (1200, 4000, 1290, 4000), (0, 0, 0, 0), (0, 20, 20, 20), (3, 3, 0, 40),
                       (2, 2000, 0, 20), (300000, 1000000, 301000, 1000000),
                       (5000000, 10000000, 5001000, 10000000)]:
    ac, bc, at, bt = 1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt
    C, T = st.beta(ac, bc), st.beta(at, bt)
    p_closed = prob_greater_closed_form(at, bt, ac, bc)
    p_quad = integrate(lambda x: T.pdf(x) * C.cdf(x), [C, T])

    # E[max(C - T, 0)] = ∫ f_C(y) E[(y - T)+] dy, E[(y - T)+] = y F_T(y) - m_T F_{Beta(a_T+1, b_T)}(y).
    def shortfall(y, a, b):
        return y * st.beta.cdf(y, a, b) - a / (a + b) * st.beta.cdf(y, a + 1, b)

    loss_t_quad = integrate(lambda y: C.pdf(y) * shortfall(y, at, bt), [C, T])
    loss_c_quad = integrate(lambda y: T.pdf(y) * shortfall(y, ac, bc), [C, T])
    # Closed form (Stucchio 2014, 'Bayesian A/B testing at VWO'): E[max(C - T, 0)] = m_C P(C' > T) - m_T P(C > T'),
    # C' ~ Beta(a_C + 1, b_C), T' ~ Beta(a_T + 1, b_T); each P by the Evan Miller sum.
    mc_, mt_ = ac / (ac + bc), at / (at + bt)
    loss_t_closed = mc_ * prob_greater_closed_form(ac + 1, bc, at, bt) - mt_ * prob_greater_closed_form(ac, bc, at + 1, bt)
    loss_c_closed = mt_ * prob_greater_closed_form(at + 1, bt, ac, bc) - mc_ * prob_greater_closed_form(at, bt, ac + 1, bc)

    # 95 % equal-tailed interval of T - C: P(T - C <= d) = ∫ f_C(x) F_T(x + d) dx, solved with brentq.
    def cdf_diff(d):
        return integrate(lambda x: C.pdf(x) * T.cdf(x + d), [C, T])

    ci = [brentq(lambda d, q=q: cdf_diff(d) - q, -1.0, 1.0, xtol=1e-14, rtol=1e-14) for q in (0.025, 0.975)]

    def pdf_diff(d):
        # the integrand is 0 outside x in [max(0, -d), min(1, 1 - d)]: integrate over exactly that support
        lo, hi = max(0.0, -d), min(1.0, 1.0 - d)
        return quad(lambda x: C.pdf(x) * T.pdf(x + d), lo, hi, points=[C.mean()] if lo < C.mean() < hi else None,
                    limit=1000, epsabs=1e-15, epsrel=1e-13)[0]

    ds = rng.beta(at, bt, MC_DRAWS) - rng.beta(ac, bc, MC_DRAWS)
    mc = {"draws": MC_DRAWS, "chanceToBeatControl": float((ds > 0).mean()),
          "expectedLossTreatment": float(np.maximum(-ds, 0).mean()),
          "expectedLossControl": float(np.maximum(ds, 0).mean()),
          "credibleInterval": [float(v) for v in np.quantile(ds, [0.025, 0.975])],
          "seChance": float(math.sqrt(max(p_closed * (1 - p_closed), 1e-12) / MC_DRAWS)),
          "seLossTreatment": float(np.maximum(-ds, 0).std() / math.sqrt(MC_DRAWS)),
          "seLossControl": float(np.maximum(ds, 0).std() / math.sqrt(MC_DRAWS)),
          # sample-quantile standard error sqrt(q(1-q)/N) / density of T - C at the quantile
          "seCredibleInterval": [float(math.sqrt(q * (1 - q) / MC_DRAWS) / pdf_diff(v)) for q, v in zip((0.025, 0.975), ci)]}
    bayes.append({"control": {"successes": xc, "n": nc}, "treatment": {"successes": xt, "n": nt},
                  "chanceToBeatControl": p_closed, "chanceQuad": p_quad,
                  "expectedLossTreatment": loss_t_quad, "expectedLossControl": loss_c_quad,
                  "expectedLossTreatmentClosed": loss_t_closed, "expectedLossControlClosed": loss_c_closed,
                  "credibleInterval": ci, "monteCarlo": mc})
out["bayesProportions"] = {
    "source": "chance: Evan Miller (2015) closed-form sum with scipy.special.betaln (chanceQuad: scipy.integrate.quad "
              "of f_T F_C); losses: scipy.integrate.quad (…Closed: Stucchio's identity with the same sum); interval: "
              "quad + scipy.optimize.brentq on P(T - C <= d); monteCarlo: numpy default_rng(20260101) draws",
    "cases": bayes,
}

beta_fn = []
for a, b, x in [(1, 1, 0.3), (2, 5, 0.2), (31, 71, 0.3), (31, 71, 0.45), (0.5, 0.5, 0.9), (10, 3, 0.999),
                (301, 701, 0.31), (1291, 2711, 0.3), (300001, 700001, 0.2999), (300001, 700001, 0.3005),
                (5, 5, 1e-5), (1, 101, 0.05), (1e6, 2, 0.999999)]:
    beta_fn.append({"a": a, "b": b, "x": x, "betainc": float(sp.betainc(a, b, x)),
                    "betaln": float(mpmath.log(mpmath.beta(a, b))), "betalnScipy": float(sp.betaln(a, b))})
out["incompleteBeta"] = {"source": f"scipy.special.betainc; betaln: mpmath {mpmath.__version__} log(beta(a, b)) at "
                                   f"{mpmath.mp.dps} digits (betalnScipy: scipy.special.betaln, for comparison)",
                         "cases": beta_fn}

means = []
for mc_, sc, mt_, stt, lower in [(48.0, 2.0, 44.0, 2.5, True), (10.0, 0.5, 10.2, 0.4, False), (0.0, 1.0, 0.0, 1.0, False),
                                 (100.0, 3.0, 80.0, 0.0, True), (0.0, 0.1, 5.0, 0.1, False), (3.2, 0.05, 3.1, 0.07, False)]:
    d = mt_ - mc_
    se = math.hypot(sc, stt)
    z = d / se
    gain = se * st.norm.pdf(z) + d * st.norm.cdf(z)    # E[max(D, 0)]
    short = se * st.norm.pdf(z) - d * st.norm.cdf(-z)  # E[max(-D, 0)]
    means.append({"controlMean": mc_, "controlSe": sc, "treatmentMean": mt_, "treatmentSe": stt, "lowerIsBetter": lower,
                  "chanceToBeatControl": float(st.norm.cdf(-z) if lower else st.norm.cdf(z)),
                  "expectedLossTreatment": float(gain if lower else short),
                  "expectedLossControl": float(short if lower else gain),
                  "credibleInterval": [float(st.norm.ppf(0.025, d, se)), float(st.norm.ppf(0.975, d, se))]})
out["bayesMeans"] = {"source": "scipy.stats.norm closed forms: P = Phi(d/se); E[max(-D,0)] = se phi(d/se) - d Phi(-d/se)",
                     "cases": means}


def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, float)):
        return float(o)
    if isinstance(o, np.integer):
        return int(o)
    return o


json.dump(clean(out), sys.stdout, indent=1)
sys.stdout.write("\n")
