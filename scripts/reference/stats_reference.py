#!/usr/bin/env python3
"""Reference values for test/unit/stats (SciPy). Run:
    python3 scripts/reference/stats_reference.py > test/unit/stats/reference-values.json
Deterministic (fixed numpy seeds). Each block names the SciPy function that produced it."""
import json
import math
import sys

import numpy as np
import scipy
import scipy.stats as st
from scipy.stats.contingency import relative_risk

out = {"generator": f"scripts/reference/stats_reference.py, SciPy {scipy.__version__}, NumPy {np.__version__}"}

# --- distributions -------------------------------------------------------------------------
out["normal"] = [{"x": x, "cdf": st.norm.cdf(x), "sf": st.norm.sf(x)} for x in [-6.5, -3.2, -1.0, 0.0, 0.5, 1.96, 4.0, 8.0]]
out["normalQuantile"] = [{"p": p, "q": st.norm.ppf(p)} for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999]]
out["studentT"] = [{"x": x, "df": df, "cdf": st.t.cdf(x, df), "twoSidedP": 2 * st.t.sf(abs(x), df)}
                   for x, df in [(-2.5, 3), (0.3, 1), (1.0, 4.5), (2.0, 10), (2.228, 17.776), (6.0, 120.3), (-0.7, 1000)]]
out["studentTQuantile"] = [{"p": p, "df": df, "q": st.t.ppf(p, df)}
                           for p, df in [(0.975, 1), (0.975, 2.5), (0.975, 17.776), (0.995, 30), (0.025, 8.2), (0.9, 200)]]
out["chiSquare"] = [{"x": x, "df": df, "cdf": st.chi2.cdf(x, df), "sf": st.chi2.sf(x, df)}
                    for x, df in [(0.5, 1), (3.841458820694124, 1), (10.83, 1), (30.0, 1), (2.0, 2), (7.8147, 3), (15.0, 5)]]

# --- two proportions: chi2_contingency(correction=False) == pooled z-test; relative_risk CI ----------
props = []
for x1, n1, x2, n2 in [(300, 1000, 360, 1000), (30, 100, 33, 100), (12, 50, 25, 60), (500, 5000, 560, 5100),
                       (45, 150, 30, 150), (1, 40, 6, 40)]:
    chi2, p, _, _ = st.chi2_contingency([[x2, n2 - x2], [x1, n1 - x1]], correction=False)
    p1, p2 = x1 / n1, x2 / n2
    z975 = st.norm.ppf(0.975)
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    rr = relative_risk(x2, n2, x1, n1)
    ci = rr.confidence_interval(confidence_level=0.95)
    props.append({"control": {"successes": x1, "n": n1}, "treatment": {"successes": x2, "n": n2},
                  "chi2": chi2, "pValue": p,
                  "waldCi": [p2 - p1 - z975 * se, p2 - p1 + z975 * se],
                  "liftPct": (rr.relative_risk - 1) * 100,
                  "liftCiPct": [(ci.low - 1) * 100, (ci.high - 1) * 100]})
out["twoProportion"] = {"source": "scipy.stats.chi2_contingency(correction=False) (chi2 = z^2, p); "
                        "scipy.stats.contingency.relative_risk(...).confidence_interval(0.95) (lift CI); "
                        "Wald CI from scipy.stats.norm.ppf", "cases": props}

# --- Welch from raw samples (the TS side gets only n/mean/variance) --------------------------
rng = np.random.default_rng(20240601)
welch = []
for nc, nt, mc, mt, sc, stt in [(40, 35, 10.0, 12.0, 3.0, 5.0), (12, 200, 48.0, 44.0, 36.0, 20.0), (500, 480, 1.0, 1.05, 0.8, 0.8)]:
    c = rng.normal(mc, sc, nc)
    t = rng.normal(mt, stt, nt)
    r = st.ttest_ind(t, c, equal_var=False)
    ci = r.confidence_interval(0.95)
    welch.append({"control": {"n": nc, "mean": c.mean(), "variance": c.var(ddof=1)},
                  "treatment": {"n": nt, "mean": t.mean(), "variance": t.var(ddof=1)},
                  "t": r.statistic, "df": r.df, "pValue": r.pvalue, "ci": [ci.low, ci.high]})
logw = []
for nc, nt, mu_c, mu_t, s in [(80, 90, 3.0, 2.8, 1.1), (300, 310, 1.5, 1.5, 0.6)]:
    c = rng.lognormal(mu_c, s, nc)
    t = rng.lognormal(mu_t, s, nt)
    lc, lt = np.log(c), np.log(t)
    r = st.ttest_ind(lt, lc, equal_var=False)
    ci = r.confidence_interval(0.95)
    gm_ratio = st.gmean(t) / st.gmean(c)
    logw.append({"controlLog": {"n": nc, "mean": lc.mean(), "variance": lc.var(ddof=1)},
                 "treatmentLog": {"n": nt, "mean": lt.mean(), "variance": lt.var(ddof=1)},
                 "t": r.statistic, "pValue": r.pvalue, "geometricMeanRatio": gm_ratio,
                 "ratioCi": [math.exp(ci.low), math.exp(ci.high)]})
out["welch"] = {"source": "scipy.stats.ttest_ind(treatment, control, equal_var=False) + .confidence_interval(0.95)", "cases": welch}
out["logScaleWelch"] = {"source": "scipy.stats.ttest_ind(log t, log c, equal_var=False); scipy.stats.gmean", "cases": logw}

# --- Mann-Whitney from rank sums --------------------------------------------------------------
mw = []
for n1, n2, lam1, lam2 in [(30, 25, 6.0, 8.0), (8, 12, 3.0, 3.0), (200, 180, 20.0, 21.0), (5, 5, 1.0, 1.0)]:
    x1 = rng.poisson(lam1, n1).astype(float)  # Poisson → many ties
    x2 = rng.poisson(lam2, n2).astype(float)
    ranks = st.rankdata(np.concatenate([x1, x2]))
    _, counts = np.unique(np.concatenate([x1, x2]), return_counts=True)
    row = {"input": {"n1": n1, "n2": n2, "rankSum1": float(ranks[:n1].sum()),
                     "tieTermSum": float((counts.astype(float) ** 3 - counts).sum())}}
    for alt in ["two-sided", "greater", "less"]:
        r = st.mannwhitneyu(x1, x2, alternative=alt, method="asymptotic", use_continuity=True)
        row["u1"] = r.statistic
        row[alt] = r.pvalue
    mw.append(row)
out["mannWhitney"] = {"source": "scipy.stats.mannwhitneyu(x1, x2, method='asymptotic', use_continuity=True); "
                      "ranks by scipy.stats.rankdata", "cases": mw}

# --- SRM --------------------------------------------------------------------------------------
srm = []
for obs, w in [([5000, 5200], [1, 1]), ([3000, 7000], [30, 70]), ([2900, 7300], [0.3, 0.7]), ([9500, 560], [95, 5]),
               ([100, 120, 95], [1, 1, 1]), ([50, 50], [1, 1])]:
    exp = np.array(w, dtype=float) / sum(w) * sum(obs)
    r = st.chisquare(obs, exp)
    srm.append({"observed": obs, "weights": w, "chiSquare": r.statistic, "pValue": r.pvalue})
out["srm"] = {"source": "scipy.stats.chisquare(f_obs, f_exp)", "cases": srm}

# --- multiplicity -------------------------------------------------------------------------------
def holm_bruteforce(p):
    """Holm straight from the definition: adj_(i) = max_{j<=i} min(1, (m-j+1) p_(j))."""
    m = len(p)
    order = sorted(range(m), key=lambda i: (p[i], i))
    adj = [0.0] * m
    for rank, idx in enumerate(order):
        adj[idx] = max(min(1.0, (m - j) * p[order[j]]) for j in range(rank + 1))
    return adj

mult = []
for p in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.001, 0.04, 0.04, 0.5, 0.9, 0.012], [0.5], [0.03, 0.03, 0.03]]:
    mult.append({"p": p, "bh": st.false_discovery_control(p, method="bh").tolist(), "holm": holm_bruteforce(p)})
out["multiplicity"] = {"source": "BH: scipy.stats.false_discovery_control(p, method='bh'); Holm: brute-force "
                       "definition (Holm 1979), no SciPy equivalent", "cases": mult}

# --- power ----------------------------------------------------------------------------------
def classic_n(p1, p2, alpha=0.05, power=0.8):
    pb = (p1 + p2) / 2
    a = st.norm.ppf(1 - alpha / 2) * math.sqrt(2 * pb * (1 - pb))
    b = st.norm.ppf(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return (a + b) ** 2 / (p2 - p1) ** 2

def keep_prob(mx, sx, my, sy, c, k):
    """P(Y-X > c and Y > kX) by scipy's bivariate normal CDF (Genz), independent of the TS integral."""
    mean = [-(my - mx), -(my - k * mx)]
    cov = [[sy**2 + sx**2, sy**2 + k * sx**2], [sy**2 + k * sx**2, sy**2 + k * k * sx**2]]
    return st.multivariate_normal(mean=mean, cov=cov, abseps=1e-10, releps=1e-10).cdf([-c, 0.0])

classic = [{"p1": a, "p2": b, "nExact": classic_n(a, b)} for a, b in [(0.3, 0.33), (0.2, 0.22), (0.1, 0.11), (0.5, 0.75)]]
seed = []
for p1, p2, n in [(0.3, 0.33, 3000), (0.3, 0.345, 1698), (0.3, 0.36, 500), (0.1, 0.13, 800), (0.3, 0.36, 20000)]:
    pb = (p1 + p2) / 2
    c = st.norm.ppf(0.975) * math.sqrt(2 * pb * (1 - pb) / n)
    seed.append({"p1": p1, "p2": p2, "n": n,
                 "power": keep_prob(p1, math.sqrt(p1 * (1 - p1) / n), p2, math.sqrt(p2 * (1 - p2) / n), c, 1.1)})
dur = []
for mean, sd, imp, n in [(48.0, 36.0, 20.0, 221), (48.0, 36.0, 12.0, 1803), (10.0, 4.0, 15.0, 100)]:
    a = sd**2 / n
    df = (2 * a) ** 2 / (2 * a * a / (n - 1))
    c = st.t.ppf(0.975, df) * math.sqrt(2 * a)
    dur.append({"baselineMean": mean, "baselineSd": sd, "improvementPct": imp, "n": n,
                "power": keep_prob(-mean, math.sqrt(a), -mean * (1 - imp / 100), math.sqrt(a), c, 0.9)})
out["power"] = {"source": "classic: closed form with scipy.stats.norm.ppf; seed rule: "
                "scipy.stats.multivariate_normal.cdf of the two linear KEEP conditions",
                "classic": classic, "seedRule": seed, "seedRuleDuration": dur}

# --- sequential: the paper's boundary in its raw form (Howard et al. 2021) ---------------------
seq = []
for est, se, N, S, alpha in [(0.05, 0.02, 2600, 2600, 0.05), (0.05, 0.02, 200, 2600, 0.05), (-8.0, 2.94, 600, 5000, 0.05),
                             (0.01, 0.004, 10000, 1000, 0.01)]:
    L = 2 * math.log(1 / alpha)
    sigma2 = N * se**2                      # per-unit variance on the total-N scale
    rho = sigma2 * S / (L + math.log(1 + L))
    V = sigma2 * N
    B = math.sqrt((V + rho) * math.log((V + rho) / (rho * alpha**2))) / N
    Ssum = N * est
    mixture = math.sqrt(rho / (V + rho)) * math.exp(Ssum**2 / (2 * (V + rho)))
    seq.append({"estimate": est, "se": se, "N": N, "S": S, "alpha": alpha, "halfWidth": B, "pValue": min(1.0, 1 / mixture)})
out["sequential"] = {"source": "Howard, Ramdas, McAuliffe & Sekhon (2021) normal-mixture boundary, raw form "
                     "B = sqrt((V+rho) ln((V+rho)/(rho alpha^2)))/N, p = 1/M_N", "cases": seq}

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
