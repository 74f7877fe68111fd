#!/usr/bin/env python3
"""Reference values for src/detect/attribution.ts (SciPy, NumPy). Run:
    python3 scripts/reference/attribution_reference.py > test/unit/detect/attribution-reference.json

Written apart from the TypeScript module, from the definitions:
- Cochran's Q (the heterogeneity statistic of meta-analysis) on the per-source differences of proportions
  d = x_r/n_r - x_b/n_b, each weighted by 1/v with v = p(1-p)(1/n_r + 1/n_b), p = (x_r + x_b + 0.5)/(n_r + n_b + 1);
  Q = sum w (d - dbar)^2 with dbar the weighted mean; its p-value from scipy.stats.chi2.sf(Q, k - 1).
- the mix: Pearson's chi-square on the 2 x k table of units per window and source,
  scipy.stats.chi2_contingency(correction=False).
- contributions: own change at the mean share, w_bar (p_r - p_b); the mix to the sources whose share grew,
  dw (p_bar - p_from), p_from the mean rate of the units the shrinking sources gave up. Their sum is checked
  against the change of the pooled rate here too.
"""
import json

import numpy as np
import scipy
from scipy import stats

CASES = {
    # zillow alone falls from 60 % to 10 %; the other sources hold their rates and shares
    'one-source': [('cold_call', (60, 27), (240, 108)), ('direct_mail', (40, 18), (160, 72)),
                   ('referral', (60, 36), (240, 144)), ('zillow', (80, 8), (320, 192))],
    # every source falls alike (60 % -> 20 %)
    'alike': [('cold_call', (60, 12), (240, 144)), ('direct_mail', (40, 8), (160, 95)),
              ('referral', (60, 13), (240, 150)), ('zillow', (80, 15), (320, 190))],
    # no rate moves; the mix shifts towards cold_call (10 %), from 20 % of the units to 54 %
    'mix': [('cold_call', (150, 15), (120, 12)), ('direct_mail', (30, 15), (80, 40)),
            ('referral', (50, 30), (200, 120)), ('zillow', (50, 25), (200, 100))],
}


def heterogeneity(rows):
    d, w = [], []
    for _, (nr, xr), (nb, xb) in rows:
        p = (xr + xb + 0.5) / (nr + nb + 1)
        d.append(xr / nr - xb / nb)
        w.append(1 / (p * (1 - p) * (1 / nr + 1 / nb)))
    d, w = np.array(d), np.array(w)
    q = float((w * (d - (w * d).sum() / w.sum()) ** 2).sum())
    return q, float(stats.chi2.sf(q, len(rows) - 1))


def mix(rows):
    table = np.array([[r[1][0] for r in rows], [r[2][0] for r in rows]])
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return float(chi2), float(p)


def contributions(rows):
    nr = sum(r[1][0] for r in rows)
    nb = sum(r[2][0] for r in rows)
    change = sum(r[1][1] for r in rows) / nr - sum(r[2][1] for r in rows) / nb
    dw = {s: a / nr - b / nb for s, (a, _), (b, _) in rows}
    pbar = {s: (xa / a + xb / b) / 2 for s, (a, xa), (b, xb) in rows}
    shrink = [s for s in dw if dw[s] < 0]
    pfrom = sum(-dw[s] * pbar[s] for s in shrink) / sum(-dw[s] for s in shrink) if shrink else 0.0
    out = {}
    for s, (a, xa), (b, xb) in rows:
        own = (a / nr + b / nb) / 2 * (xa / a - xb / b)
        moved = dw[s] * (pbar[s] - pfrom) if dw[s] > 0 else 0.0
        out[s] = own + moved
    assert abs(sum(out.values()) - change) < 1e-12
    return change, out


result = {'generator': f'scripts/reference/attribution_reference.py, SciPy {scipy.__version__}, NumPy {np.__version__}', 'cases': {}}
for name, rows in CASES.items():
    q, p_het = heterogeneity(rows)
    chi2, p_mix = mix(rows)
    change, contrib = contributions(rows)
    result['cases'][name] = {
        'cohorts': [{'source': s, 'recent': list(r), 'baseline': list(b)} for s, r, b in rows],
        'cochranQ': q, 'heterogeneityP': p_het, 'mixChi2': chi2, 'mixP': p_mix,
        'change': change, 'contributions': contrib,
    }
print(json.dumps(result, indent=1))
