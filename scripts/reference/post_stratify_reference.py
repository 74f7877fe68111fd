#!/usr/bin/env python3
"""Reference values for src/experiments/post-stratify.ts (NumPy). Run:
    python3 scripts/reference/post_stratify_reference.py > test/unit/experiments/post-stratify-reference.json

Independent of the TypeScript method: no stratum-by-stratum formula here. Each hand table is expanded to
one row per lead (y in {0, 1}, T in {0, 1}) and the post-stratified estimate is the coefficient of T in the
fully interacted least-squares regression
    y ~ 1 + T + D~_1..D~_{S-1} + T*D~_1..T*D~_{S-1},   D~_s = 1[stratum s] - (pooled share of s),
which equals sum_s w_s (ybar_t,s - ybar_c,s) with pooled weights w_s (Lin 2013, Ann. Appl. Stat. 7(1),
and Miratrix, Sekhon & Yu 2013, JRSS-B 75(2)). Its standard error is the HC0 (White) sandwich
    sqrt([(X'X)^-1 X' diag(e^2) X (X'X)^-1]_TT),
which for this saturated design is the plug-in conditional variance sum_s w_s^2 (p(1-p)/n_t,s + p(1-p)/n_c,s).
The unadjusted estimate is the same regression on [1, T] alone (HC0 = the unpooled p(1-p)/n per group).
Solved with numpy.linalg.lstsq; no randomness, so deterministic.

The merging of small sources is a rule, not a formula, and is restated here from the brief: a source with
fewer than min_per_cell units in either group joins "(other)"; if "(other)" still has a group below
min_per_cell it joins the largest source (most units, ties by name); fewer than 2 strata -> not applicable.
"""
import json
import sys

import numpy as np

OTHER = "(other)"


def merge(sources, min_per_cell):
    """sources: list of (name, xc, nc, xt, nt). Returns strata as dicts, or None when not applicable."""
    srcs = sorted(sources, key=lambda s: s[0])
    ok = lambda s: s["nc"] >= min_per_cell and s["nt"] >= min_per_cell
    cells = [{"name": n, "sources": [n], "xc": xc, "nc": nc, "xt": xt, "nt": nt} for n, xc, nc, xt, nt in srcs]
    keep = [c for c in cells if ok(c)]
    small = [c for c in cells if not ok(c)]
    if small:
        rest = {"name": OTHER, "sources": sorted(n for c in small for n in c["sources"]),
                "xc": sum(c["xc"] for c in small), "nc": sum(c["nc"] for c in small),
                "xt": sum(c["xt"] for c in small), "nt": sum(c["nt"] for c in small)}
        if ok(rest):
            keep.append(rest)
        elif keep:
            best = max(range(len(keep)), key=lambda i: (keep[i]["nc"] + keep[i]["nt"], -i))
            tgt = keep[best]
            for k in ("xc", "nc", "xt", "nt"):
                tgt[k] += rest[k]
            tgt["sources"] = sorted(tgt["sources"] + rest["sources"])
            tgt["name"] = f'{tgt["name"]} + {OTHER}'
        else:
            return None
    return keep if len(keep) >= 2 else None


def unit_rows(strata):
    """One row per lead: stratum index, T, y."""
    s_idx, t, y = [], [], []
    for i, s in enumerate(strata):
        for treated, x, n in ((0, s["xc"], s["nc"]), (1, s["xt"], s["nt"])):
            s_idx += [i] * n
            t += [treated] * n
            y += [1.0] * x + [0.0] * (n - x)
    return np.array(s_idx), np.array(t, dtype=float), np.array(y)


def ols_hc0(X, y, col):
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    meat = X.T @ (X * (e * e)[:, None])
    cov = bread @ meat @ bread
    return float(beta[col]), float(np.sqrt(max(cov[col, col], 0.0)))


def reference(strata):
    s_idx, t, y = unit_rows(strata)
    n_total = len(y)
    S = len(strata)
    shares = np.array([np.mean(s_idx == k) for k in range(S)])
    D = np.column_stack([(s_idx == k).astype(float) - shares[k] for k in range(S - 1)])
    X = np.column_stack([np.ones(n_total), t, D, t[:, None] * D])
    diff, se = ols_hc0(X, y, 1)
    udiff, use = ols_hc0(np.column_stack([np.ones(n_total), t]), y, 1)
    return {
        "kind": "ok",
        "difference": diff, "standardError": se,
        "unadjusted": {"difference": udiff, "standardError": use},
        "varianceRatio": (se * se) / (use * use) if use > 0 else 1.0,
        "strata": [{"name": s["name"], "weight": float(shares[k]), "controlN": s["nc"], "treatmentN": s["nt"],
                    "sources": s["sources"]} for k, s in enumerate(strata)],
    }


# (name, control successes, control n, treatment successes, treatment n)
TABLES = [
    {"name": "three sources, no merging", "minPerCell": 10, "sources": [
        ("web", 40, 200, 52, 210), ("referral", 60, 150, 75, 140), ("event", 45, 100, 50, 95)]},
    {"name": "two small sources pooled into (other)", "minPerCell": 10, "sources": [
        ("web", 30, 300, 41, 310), ("linkedin", 90, 300, 108, 290), ("partner", 2, 3, 1, 4), ("cold", 5, 8, 4, 12)]},
    {"name": "remainder still small, merged into the largest source", "minPerCell": 10, "sources": [
        ("web", 50, 400, 70, 420), ("referral", 40, 120, 50, 118), ("partner", 1, 3, 2, 5)]},
    {"name": "zero-variance strata (all 0 and all 1)", "minPerCell": 10, "sources": [
        ("web", 0, 50, 0, 60), ("referral", 20, 80, 30, 75), ("event", 40, 40, 45, 45)]},
    {"name": "minPerCell 20, unequal allocation, three small sources", "minPerCell": 20, "sources": [
        ("a", 10, 25, 12, 30), ("b", 3, 15, 5, 18), ("c", 70, 200, 60, 190), ("d", 8, 19, 9, 40), ("e", 1, 2, 0, 1)]},
    {"name": "one stratum left after merging: not applicable", "minPerCell": 10, "sources": [
        ("web", 30, 100, 40, 100), ("partner", 1, 3, 1, 2)]},
]

cases = []
for tab in TABLES:
    strata = merge(tab["sources"], tab["minPerCell"])
    cases.append({
        "name": tab["name"], "minPerCell": tab["minPerCell"],
        "sources": [{"name": n, "control": {"successes": xc, "n": nc}, "treatment": {"successes": xt, "n": nt}}
                    for n, xc, nc, xt, nt in tab["sources"]],
        "expected": {"kind": "not-applicable"} if strata is None else reference(strata),
    })

json.dump({
    "generator": f"scripts/reference/post_stratify_reference.py, NumPy {np.__version__} "
                 "(interacted OLS via numpy.linalg.lstsq, HC0 sandwich)",
    "cases": cases,
}, sys.stdout, indent=2)
sys.stdout.write("\n")
