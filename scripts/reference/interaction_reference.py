#!/usr/bin/env python3
"""Reference values for src/experiments/interaction.ts (statsmodels, SciPy, NumPy). Run:
    python3 scripts/reference/interaction_reference.py > test/unit/experiments/interaction-reference.json

Independent of the TypeScript method: no cell-by-cell contrast formula is used for the expected values.
Each hand table is expanded to one row per lead (A, B in {0, 1}; y the outcome) and every number comes
from a fitted model:
- difference scale: the A:B coefficient of the saturated linear model y ~ 1 + A + B + A:B (statsmodels
  OLS). For rates its HC0 sandwich SE is the unpooled sqrt(sum p(1-p)/n); for means HC2 is
  sqrt(sum s^2/n) (leverage 1/n per cell), the sample-variance form the module takes.
- Price-Bonett adjustment of rates (each cell x + 1/2 of n + 1): the same OLS on the DOUBLED adjusted table
  (2x + 1 of 2n + 2 leads, all integers) gives the adjusted coefficient, and its HC0 SE times sqrt(2) is the
  adjusted SE (doubling every count halves each cell's p(1-p)/n). The effect of A within one B group is the
  A coefficient of y ~ 1 + A on that group's adjusted table (x + 1 of n + 2, Agresti-Caffo). The script's
  own closed-form Price-Bonett contrast is checked against the example published with R statpsych
  ci.lc.prop.bs (asserted below) and against the fitted values.
- log-odds scale: the A:B coefficient and Wald SE of the saturated logistic regression (statsmodels Logit).
  With a 0/n or n/n cell the module adds 1/2 success and 1/2 failure to every cell; the reference fits the
  Logit to the doubled corrected table (2x + 1 of 2n + 2) and multiplies its SE by sqrt(2).
- means: unit-level data are synthesised with exactly the given mean and sample variance (seeded normal
  draws, standardised), so the fit sees only the sufficient statistics the module gets.
- z = adjusted / SE, p = 2 * scipy.stats.norm.sf(|z|), interval adjusted +/- norm.ppf(0.975) * SE (rates:
  cut to [-2, 2] for the interaction, [-1, 1] for an effect), verdict "interaction" when p < alpha/comparisons.
- exact size: the probability that the verdict rule says "interaction" when there is none, by enumerating
  every 2x2 table of binomial counts (scipy.stats.binom.pmf), for the adjusted rule and the plain Wald.
The minimum cell size rule (insufficient-data below minPerCell) is restated from the brief, not derived.
Deterministic (fixed numpy seed).
"""
import json
import math
import sys

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
import statsmodels.api as sm

GROUPS = ("control", "treatment")
ZC = float(st.norm.ppf(0.975))  # the interval's critical value; set per case below


# --- closed-form Price-Bonett, only to check against the published example and the fits --------------
def price_bonett(f, n, v, alpha=0.05):
    m = sum(1 for c in v if c != 0)
    pt = [(fi + 2 / m) / (ni + 4 / m) for fi, ni in zip(f, n)]
    est = sum(c * p for c, p in zip(v, pt))
    se = math.sqrt(sum(c * c * p * (1 - p) / (ni + 4 / m) for c, p, ni in zip(v, pt, n)))
    z = est / se
    zc = st.norm.ppf(1 - alpha / 2)
    return {"estimate": est, "se": se, "z": z, "p": 2 * st.norm.sf(abs(z)), "ll": est - zc * se, "ul": est + zc * se}


PUBLISHED = {"f": [26, 24, 38], "n": [60, 60, 60], "v": [-0.5, -0.5, 1],
             "expected": {"estimate": 0.2119565, "se": 0.07602892, "z": 2.787841, "p": 0.005306059,
                          "ll": 0.06294259, "ul": 0.3609705}}
pb = price_bonett(PUBLISHED["f"], PUBLISHED["n"], PUBLISHED["v"])
for k, want in PUBLISHED["expected"].items():
    assert abs(pb[k] - want) <= 5e-7 * max(1, abs(want)), (k, pb[k], want)


# --- unit-level fits ---------------------------------------------------------------------------------
def rate_rows(table):
    """table[(a, b)] = (successes, n) -> arrays A, B, y."""
    A, B, y = [], [], []
    for (a, b), (x, n) in table.items():
        A += [a] * n
        B += [b] * n
        y += [1.0] * x + [0.0] * (n - x)
    return np.array(A, float), np.array(B, float), np.array(y)


def ols_coef(A, B, y, cov):
    X = np.column_stack([np.ones_like(A), A, B, A * B])
    f = sm.OLS(y, X).fit(cov_type=cov)
    return float(f.params[3]), float(f.bse[3])


def ols_a(A, y, cov):
    f = sm.OLS(y, np.column_stack([np.ones_like(A), A])).fit(cov_type=cov)
    return float(f.params[1]), float(f.bse[1])


def logit_coef(table):
    A, B, y = rate_rows(table)
    X = np.column_stack([np.ones_like(A), A, B, A * B])
    f = sm.Logit(y, X).fit(disp=0, tol=1e-10, maxiter=100, method="newton")
    return float(f.params[3]), float(f.bse[3])


def test_stats(adj, se, lo=None, hi=None):
    z = adj / se
    lower, upper = adj - ZC * se, adj + ZC * se
    if lo is not None:
        lower, upper = max(lo, lower), min(hi, upper)
    return {"z": z, "pValue": float(2 * st.norm.sf(abs(z))), "ci": {"lower": lower, "upper": upper}}


def idx(a, b):
    return (GROUPS.index(a), GROUPS.index(b))


def rate_reference(cells, alpha_eff):
    raw = {idx(a, b): (cells[a][b]["successes"], cells[a][b]["n"]) for a in GROUPS for b in GROUPS}
    est, _ = ols_coef(*rate_rows(raw), "HC0")
    doubled = {k: (2 * x + 1, 2 * n + 2) for k, (x, n) in raw.items()}
    adj, se_half = ols_coef(*rate_rows(doubled), "HC0")
    se = se_half * math.sqrt(2)
    # closed-form cross-check of the fit
    order = [(1, 1), (0, 1), (1, 0), (0, 0)]
    cf = price_bonett([raw[k][0] for k in order], [raw[k][1] for k in order], [1, -1, -1, 1])
    assert abs(cf["estimate"] - adj) < 1e-12 and abs(cf["se"] - se) < 1e-12, (cf, adj, se)

    interaction = {"estimate": est, "adjustedEstimate": adj, "standardError": se, **test_stats(adj, se, -2, 2)}
    effects = {}
    for b, key in ((0, "inBControl"), (1, "inBTreatment")):
        sub = {k: v for k, v in raw.items() if k[1] == b}
        A, _, y = rate_rows(sub)
        e_raw, _ = ols_a(A, y, "HC0")
        A2, _, y2 = rate_rows({k: (x + 1, n + 2) for k, (x, n) in sub.items()})
        e_adj, e_se = ols_a(A2, y2, "HC0")
        effects[key] = {"estimate": e_raw, "adjustedEstimate": e_adj, "standardError": e_se,
                        **test_stats(e_adj, e_se, -1, 1)}

    corrected = any(x in (0, n) for x, n in raw.values())
    if corrected:
        lo, lo_half = logit_coef({k: (2 * x + 1, 2 * n + 2) for k, (x, n) in raw.items()})
        lo_se = lo_half * math.sqrt(2)
    else:
        lo, lo_se = logit_coef(raw)
    h = 0.5 if corrected else 0.0
    lg = lambda k: math.log((raw[k][0] + h) / (raw[k][1] - raw[k][0] + h))
    cf_lo = lg((1, 1)) - lg((0, 1)) - lg((1, 0)) + lg((0, 0))
    assert abs(cf_lo - lo) < 1e-8, (cf_lo, lo)
    log_odds = {"estimate": lo, "standardError": lo_se, **test_stats(lo, lo_se), "corrected": corrected}
    return interaction, effects, log_odds


def exact_sample(rng, n, mean, variance):
    z = rng.standard_normal(n)
    z = (z - z.mean()) / z.std(ddof=1)
    return mean + math.sqrt(variance) * z


def mean_reference(cells, rng):
    A, B, y = [], [], []
    for a in GROUPS:
        for b in GROUPS:
            c = cells[a][b]
            A += [GROUPS.index(a)] * c["n"]
            B += [GROUPS.index(b)] * c["n"]
            y += list(exact_sample(rng, c["n"], c["mean"], c["variance"]))
    A, B, y = np.array(A, float), np.array(B, float), np.array(y)
    est, se = ols_coef(A, B, y, "HC2")
    cf = math.sqrt(sum(cells[a][b]["variance"] / cells[a][b]["n"] for a in GROUPS for b in GROUPS))
    assert abs(cf - se) < 1e-10, (cf, se)
    interaction = {"estimate": est, "adjustedEstimate": est, "standardError": se, **test_stats(est, se)}
    effects = {}
    for b, key in ((0, "inBControl"), (1, "inBTreatment")):
        mask = B == b
        e, e_se = ols_a(A[mask], y[mask], "HC2")
        effects[key] = {"estimate": e, "adjustedEstimate": e, "standardError": e_se, **test_stats(e, e_se)}
    return interaction, effects


def rate_cells(cc, ct, tc, tt):
    """(successes, n) per cell; first letter A's group, second B's."""
    cell = lambda x, n: {"kind": "rate", "n": n, "successes": x}
    return {"control": {"control": cell(*cc), "treatment": cell(*ct)},
            "treatment": {"control": cell(*tc), "treatment": cell(*tt)}}


def mean_cells(cc, ct, tc, tt):
    """(n, mean, variance) per cell."""
    cell = lambda n, m, v: {"kind": "mean", "n": n, "mean": m, "variance": v}
    return {"control": {"control": cell(*cc), "treatment": cell(*ct)},
            "treatment": {"control": cell(*tc), "treatment": cell(*tt)}}


CASES = [
    {"name": "rates, balanced, additive: no interaction", "options": {},
     "cells": rate_cells((50, 500), (75, 500), (65, 500), (90, 500))},
    {"name": "rates, balanced, A adds 13 points beside B's treatment, 3 without it", "options": {},
     "cells": rate_cells((50, 500), (75, 500), (65, 500), (140, 500))},
    {"name": "rates, unbalanced cells, A helps without B and hurts with it (reversal)", "options": {},
     "cells": rate_cells((40, 400), (33, 150), (58, 420), (5, 60))},
    {"name": "rates, unbalanced, same relative lift: difference-scale only", "options": {"alpha": 0.05},
     "cells": rate_cells((100, 2000), (300, 2000), (150, 2000), (450, 2000))},
    {"name": "rates, a 0/n cell and an n/n cell (log odds corrected)", "options": {"alpha": 0.05, "minPerCell": 20},
     "cells": rate_cells((0, 40), (3, 35), (2, 45), (30, 30))},
    {"name": "rates, one 0/n cell (log odds corrected), nothing detected", "options": {"alpha": 0.05, "minPerCell": 20},
     "cells": rate_cells((0, 40), (3, 35), (2, 45), (8, 30))},
    {"name": "rates, p between alpha/3 and alpha: interaction alone, not with comparisons 3",
     "options": {"alpha": 0.01, "comparisons": 3},
     "cells": rate_cells((120, 1000), (150, 1000), (150, 1000), (244, 1000))},
    {"name": "rates, same cells with comparisons 1", "options": {"alpha": 0.01},
     "cells": rate_cells((120, 1000), (150, 1000), (150, 1000), (244, 1000))},
    {"name": "means, balanced durations (hours), no interaction", "options": {},
     "cells": mean_cells((80, 30.0, 400.0), (80, 26.0, 380.0), (80, 27.0, 390.0), (80, 23.5, 350.0))},
    {"name": "means, unbalanced, true interaction", "options": {"alpha": 0.05, "confidence": 0.9},
     "cells": mean_cells((120, 30.0, 400.0), (45, 26.0, 300.0), (130, 24.0, 350.0), (40, 32.0, 500.0))},
    {"name": "a cell below minPerCell: insufficient data", "options": {},
     "cells": rate_cells((50, 500), (75, 500), (65, 500), (5, 29))},
    {"name": "a mean cell with zero variance: insufficient data", "options": {},
     "cells": mean_cells((80, 30.0, 400.0), (80, 26.0, 0.0), (80, 27.0, 390.0), (80, 23.5, 350.0))},
]

rng = np.random.default_rng(20261203)
cases = []
for case in CASES:
    o = case["options"]
    alpha, comparisons = o.get("alpha", 0.01), o.get("comparisons", 1)
    min_per_cell, confidence = o.get("minPerCell", 30), o.get("confidence", 0.95)
    ZC = float(st.norm.ppf(1 - (1 - confidence) / 2))
    cells = case["cells"]
    flat = [cells[a][b] for a in GROUPS for b in GROUPS]
    if any(c["n"] < min_per_cell for c in flat) or any(c["kind"] == "mean" and c["variance"] == 0 for c in flat):
        expected = {"kind": "insufficient-data"}
    else:
        alpha_eff = alpha / comparisons
        if flat[0]["kind"] == "rate":
            interaction, effects, log_odds = rate_reference(cells, alpha_eff)
            extra = {"metric": "rate", "logOdds": log_odds}
        else:
            interaction, effects = mean_reference(cells, rng)
            extra = {"metric": "mean"}
        expected = {"kind": "ok", "verdict": "interaction" if interaction["pValue"] < alpha_eff else "no-interaction",
                    "interaction": interaction, "effectOfA": effects, "alpha": alpha_eff,
                    "comparisons": comparisons, "confidence": confidence, **extra}
    cases.append({"name": case["name"], "options": o, "cells": cells, "expected": expected})
ZC = float(st.norm.ppf(0.975))  # the interval's critical value; set per case below


# --- exact size of the verdict rule under no interaction ---------------------------------------------
def exact_size(n, ps, alpha, adjusted):
    """P(|z| > z_{1-alpha/2}) over all tables; ps = (cc, ct, tc, tt), first letter A's group."""
    zc = st.norm.ppf(1 - alpha / 2)
    x = np.arange(n + 1)
    a, b = (0.5, 1.0) if adjusted else (0.0, 0.0)
    p = (x + a) / (n + b)
    v = p * (1 - p) / (n + b)
    pmf = [st.binom.pmf(x, n, q) for q in ps]
    P = np.einsum("i,j,k,l->ijkl", *pmf)
    cc, ct, tc, tt = np.meshgrid(p, p, p, p, indexing="ij")
    vcc, vct, vtc, vtt = np.meshgrid(v, v, v, v, indexing="ij")
    d = tt - ct - tc + cc
    se = np.sqrt(vcc + vct + vtc + vtt)
    with np.errstate(divide="ignore", invalid="ignore"):
        reject = np.where(se > 0, np.abs(d) / np.where(se > 0, se, 1) > zc, False)
    return float((P * reject).sum())


size_cases = []
for n in (10, 30):
    for ps in ((0.5, 0.5, 0.5, 0.5), (0.1, 0.2, 0.3, 0.4), (0.2, 0.2, 0.2, 0.2), (0.05, 0.05, 0.05, 0.05)):
        for alpha in (0.05, 0.01):
            size_cases.append({"n": n, "p": dict(zip(("cc", "ct", "tc", "tt"), ps)), "alpha": alpha,
                               "adjusted": exact_size(n, ps, alpha, True), "plain": exact_size(n, ps, alpha, False)})

json.dump({
    "generator": f"scripts/reference/interaction_reference.py, statsmodels {statsmodels.__version__}, "
                 f"SciPy {scipy.__version__}, NumPy {np.__version__}",
    "method": "saturated OLS y ~ A + B + A:B on unit rows (HC0 for rates, HC2 for means); Price-Bonett adjusted "
              "values from the doubled adjusted table; saturated Logit for the log-odds term; see the script",
    "publishedCheck": {
        "source": "R statpsych ci.lc.prop.bs documentation example (Price & Bonett 2004 adjusted Wald for a "
                  "linear contrast of proportions); the script's closed form is asserted to reproduce it",
        **PUBLISHED, "computed": pb,
    },
    "cases": cases,
    "exactSize": {
        "source": "enumeration of all (n+1)^4 tables with scipy.stats.binom.pmf; 'adjusted' is the module's rule "
                  "(x + 1/2 of n + 1 per cell), 'plain' the unadjusted Wald (never rejects when SE = 0); "
                  "null: cc - ct - tc + tt = 0",
        "cases": size_cases,
    },
}, sys.stdout, indent=1)
sys.stdout.write("\n")
