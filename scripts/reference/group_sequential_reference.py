#!/usr/bin/env python3
"""Independent reference values for src/stats/group-sequential.ts (SciPy). Run:
    python3 scripts/reference/group_sequential_reference.py > test/unit/stats/group-sequential-reference.json

Independent of the TypeScript method: no recursive numerical integration here. Every probability is a
rectangle probability of the joint normal law of (Z_1, ..., Z_k) with E[Z_i] = theta*sqrt(t_i) and
Corr(Z_i, Z_j) = sqrt(t_i/t_j) (i < j), the canonical joint distribution of Jennison & Turnbull (2000) §3.1,
from scipy.stats.multivariate_normal.cdf(..., lower_limit=...) (exact for 1-2 looks, Genz-type randomised
lattice QMC from 3 looks on). Efficacy boundaries come from root-finding (scipy.optimize.brentq) on
    P(Z_1 < c_1, ..., Z_{k-1} < c_{k-1}, Z_k >= c) = alpha(t_k) - alpha(t_{k-1}).
Deterministic: every QMC call uses the same seeded numpy Generator (common random numbers, which also
makes the root-finding see a smooth function of c). The QMC error bound asked for is relative to the
probability being matched (REL_EPS); each block records what it was computed with.
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import optimize
from scipy.stats import multivariate_normal, norm

SEED = 20240917
REL_EPS = 2e-7        # QMC error bound (3 standard errors) relative to the probability matched
MAX_POINTS = 4_000_000


def corr(t):
    t = np.asarray(t, dtype=float)
    return np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))


def rect(t, lo, hi, theta, scale):
    """P(lo_i <= Z_i < hi_i for all i) under drift theta; QMC error bound about REL_EPS * scale."""
    t = np.asarray(t, dtype=float)
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    mean = theta * np.sqrt(t)
    if len(t) == 1:
        return float(norm.cdf(hi[0] - mean[0]) - norm.cdf(lo[0] - mean[0]))
    return float(multivariate_normal.cdf(hi, mean=mean, cov=corr(t), lower_limit=lo,
                                         abseps=max(REL_EPS * scale, 1e-15), releps=0,
                                         maxpts=MAX_POINTS, rng=np.random.default_rng(SEED)))


def spend(kind, alpha, t, rho=None):
    if t <= 0:
        return 0.0
    if t >= 1:
        return alpha
    if kind == "obrien-fleming":
        return 2 * norm.sf(norm.isf(alpha / 2) / math.sqrt(t))
    if kind == "pocock":
        return alpha * math.log(1 + (math.e - 1) * t)
    if kind == "power":
        return alpha * t ** rho
    raise ValueError(kind)


def boundaries(fractions, alpha, kind, rho=None):
    c = []
    previous = 0.0
    for k, t in enumerate(fractions):
        cumulative = spend(kind, alpha, t, rho)
        inc = cumulative - previous
        previous = cumulative
        if k == 0:
            c.append(float(norm.isf(inc)))
            continue
        ts = fractions[:k + 1]

        def gap(x):
            return rect(ts, [-np.inf] * k + [x], c + [np.inf], 0.0, inc) - inc

        hi = float(norm.isf(inc)) + 0.05   # the joint event is inside {Z_k >= c}: root < z_{1-inc}
        lo = hi - 4.0
        c.append(optimize.brentq(gap, lo, hi, xtol=1e-11, rtol=1e-13))
    return c


def crossing(fractions, upper, lower, theta):
    """First-exit probabilities; at look k, Z_k >= max(upper_k, lower_k) is an upper exit, Z_k < lower_k lower."""
    ueff = [max(u, l) for u, l in zip(upper, lower)]
    up, dn = [], []
    for k in range(len(fractions)):
        ts = fractions[:k + 1]
        lo_prev = list(lower[:k])
        hi_prev = list(ueff[:k])
        up.append(rect(ts, lo_prev + [ueff[k]], hi_prev + [np.inf], theta, 1.0) if ueff[k] < np.inf else 0.0)
        dn.append(rect(ts, lo_prev + [-np.inf], hi_prev + [lower[k]], theta, 1.0) if lower[k] > -np.inf else 0.0)
    stopped_early = sum(up[:-1]) + sum(dn[:-1])
    expected = sum(t * (u + d) for t, u, d in zip(fractions[:-1], up[:-1], dn[:-1])) + fractions[-1] * (1 - stopped_early)
    return {"upper": up, "lower": dn, "totalUpper": sum(up), "totalLower": sum(dn), "expectedFraction": expected}


def drift_for_power(fractions, upper, power):
    """No lower boundary: power = 1 - P(Z_k < c_k for all k | theta)."""
    return optimize.brentq(lambda th: 1 - rect(fractions, [-np.inf] * len(fractions), upper, th, 1.0) - power,
                           0.5, 10.0, xtol=1e-11)


def inf_to_json(v):
    return "-Infinity" if v == -np.inf else ("Infinity" if v == np.inf else v)


out = {
    "generator": f"scripts/reference/group_sequential_reference.py, SciPy {scipy.__version__}, NumPy {np.__version__}",
    "method": "root-finding (scipy.optimize.brentq) on scipy.stats.multivariate_normal.cdf with Corr(Z_i, Z_j) = "
              f"sqrt(t_i/t_j); QMC abseps = {REL_EPS} x the probability matched (boundaries) or x 1 (probabilities), "
              f"maxpts {MAX_POINTS}, rng numpy default_rng({SEED}) per call",
}

designs = [
    ("obf-5-equal", [0.2, 0.4, 0.6, 0.8, 1.0], 0.025, "obrien-fleming", None),
    ("obf-4-unequal", [0.2, 0.45, 0.7, 1.0], 0.025, "obrien-fleming", None),
    ("pocock-3-unequal", [0.33, 0.67, 1.0], 0.025, "pocock", None),
    ("power2-4-unequal", [0.2, 0.45, 0.7, 1.0], 0.025, "power", 2.0),
    ("power3-early-final", [0.3, 0.6, 0.8], 0.05, "power", 3.0),
    ("obf-10-equal", [k / 10 for k in range(1, 11)], 0.025, "obrien-fleming", None),
    ("pocock-10-equal", [k / 10 for k in range(1, 11)], 0.025, "pocock", None),
    ("obf-close-looks", [0.5, 0.995, 1.0], 0.025, "obrien-fleming", None),
]
bounds = {}
design_out = []
for name, fr, alpha, kind, rho in designs:
    c = boundaries(fr, alpha, kind, rho)
    bounds[name] = (fr, c)
    spending = {"kind": kind} if rho is None else {"kind": kind, "rho": rho}
    design_out.append({"name": name, "fractions": fr, "alpha": alpha, "spending": spending, "efficacyZ": c,
                       "cumulativeAlpha": [spend(kind, alpha, t, rho) for t in fr]})
out["boundaries"] = {"source": "brentq on multivariate_normal.cdf rectangle probabilities (this script)", "cases": design_out}

cases = []
fr, c = bounds["obf-4-unequal"]
cases.append({"name": "obf-4-unequal, drift 3, no lower", "fractions": fr, "upperZ": c,
              "lowerZ": [-np.inf] * 4, "drift": 3.0})
cases.append({"name": "obf-4-unequal, drift 2.5, futility lower, final lower = upper", "fractions": fr, "upperZ": c,
              "lowerZ": [-0.5, 0.3, 1.2, c[3]], "drift": 2.5})
fr, c = bounds["pocock-3-unequal"]
cases.append({"name": "pocock-3-unequal, H0, lower at looks 1-2", "fractions": fr, "upperZ": c,
              "lowerZ": [0.0, 0.5, -np.inf], "drift": 0.0})
cases.append({"name": "pocock-3-unequal, negative drift, lower everywhere", "fractions": fr, "upperZ": c,
              "lowerZ": [-1.0, -0.2, 0.4], "drift": -0.7})
fr, c = bounds["obf-10-equal"]
cases.append({"name": "obf-10-equal, drift 3.2, no lower", "fractions": fr, "upperZ": c,
              "lowerZ": [-np.inf] * 10, "drift": 3.2})
fr, c = bounds["obf-close-looks"]
cases.append({"name": "obf-close-looks, drift 2.8, lower at look 1", "fractions": fr, "upperZ": c,
              "lowerZ": [0.0, -np.inf, -np.inf], "drift": 2.8})
for case in cases:
    case.update(crossing(case["fractions"], case["upperZ"], case["lowerZ"], case["drift"]))
    case["lowerZ"] = [inf_to_json(v) for v in case["lowerZ"]]
out["crossing"] = {"source": "sums of multivariate_normal.cdf rectangle probabilities (this script); "
                   "-Infinity / Infinity are written as strings", "cases": cases}

fr, c = bounds["obf-5-equal"]
z975 = float(norm.isf(0.025))
infl = []
for power in [0.8, 0.9]:
    theta = drift_for_power(fr, c, power)
    fixed = z975 + float(norm.ppf(power))
    infl.append({"power": power, "drift": theta, "fixedDrift": fixed, "inflationFactor": (theta / fixed) ** 2})
out["inflation"] = {"source": "brentq on 1 - multivariate_normal.cdf(c; mean theta*sqrt(t)) = power, "
                    "obf-5-equal boundaries of this script, alpha = 0.025 one-sided", "fractions": fr,
                    "upperZ": c, "cases": infl}


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
