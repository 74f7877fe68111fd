#!/usr/bin/env python3
"""Reference values for src/detect/cusum.ts and src/detect/cusum-checks.ts (SciPy, NumPy). Run:
    python3 scripts/reference/cusum_reference.py > test/unit/detect/cusum-reference.json

Written apart from the TypeScript, from the definitions:
- Page's CUSUM: S_0 = 0, S_t = max(0, S_{t-1} + x_t), by an explicit loop over NumPy values;
- Bernoulli log-likelihood ratios as differences of scipy.stats.binom.logpmf (the binomial coefficient cancels);
- normal ones from the raw observations, sum of scipy.stats.norm.logpdf(x, mu1, sd) - logpdf(x, mu0, sd)
  (the TypeScript uses only the day's n and sum);
- the qualification CUSUM of a 42-day series: the baseline's share converted by each lag, each CUSUM day at the
  lag its age allows, the alternative (1 - drop) times it.
"""
import json

import numpy as np
from scipy import stats


def cusum(x):
    s, out = 0.0, []
    for v in x:
        s = max(0.0, s + v)
        out.append(s)
    return out


rng = np.random.default_rng(20261203)
increments = [float(v) for v in rng.normal(-0.3, 1.0, 25)]
path = cusum(increments)

bern = []
for n, k, p0, p1 in [(20, 5, 0.4, 0.28), (33, 20, 0.77, 0.6), (1, 0, 0.1, 0.05), (0, 0, 0.5, 0.3), (50, 50, 0.9, 0.8)]:
    bern.append({'n': n, 'k': k, 'p0': p0, 'p1': p1,
                 'llr': float(stats.binom.logpmf(k, n, p1) - stats.binom.logpmf(k, n, p0)) if n > 0 else 0.0})

normal = []
for size, mu0, mu1, sd in [(12, 0.0, 0.69, 1.2), (3, 1.0, 1.4, 0.8), (40, -0.5, -0.1, 1.1)]:
    x = rng.normal(mu0 + 0.3, sd, size)
    normal.append({'n': size, 'sum': float(x.sum()), 'mu0': mu0, 'mu1': mu1, 'variance': sd * sd,
                   'llr': float((stats.norm.logpdf(x, mu1, sd) - stats.norm.logpdf(x, mu0, sd)).sum())})

# the qualification CUSUM: 28 baseline days + 14 CUSUM days, lags 0..7
K, B, N, drop = 7, 28, 14, 0.4
days = []
for i in range(B + N):
    n = int(rng.integers(5, 30))
    p = 0.47 if i < B + 6 else 0.3
    final = int(rng.binomial(n, p))
    # each converted lead's lag in local days (geometric-ish), truncated at its age for the CUSUM days
    lags = np.minimum(rng.geometric(0.45, final) - 1, 20)
    age = (B + N - 1) - i
    by_lag = [int(((lags <= j) & (lags <= age)).sum()) for j in range(K + 1)]
    days.append({'n': n, 'qualifiedByLag': by_lag})
n0 = sum(d['n'] for d in days[:B])
q0 = [sum(d['qualifiedByLag'][j] for d in days[:B]) / n0 for j in range(K + 1)]
inc = []
for i, d in enumerate(days[B:]):
    lag = min(N - 1 - i, K)
    p0 = q0[lag]
    inc.append(float(stats.binom.logpmf(d['qualifiedByLag'][lag], d['n'], p0 * (1 - drop))
                     - stats.binom.logpmf(d['qualifiedByLag'][lag], d['n'], p0)))
qpath = cusum(inc)
last_zero = max([i for i, v in enumerate(qpath) if v == 0], default=-1)

print(json.dumps({
    'path': {'increments': increments, 'path': path},
    'bernoulli': bern,
    'normal': normal,
    'qualification': {'days': days, 'drop': drop, 'baselineShare': q0[K], 'statistic': qpath[-1], 'max': max(qpath),
                      'since': last_zero + 1 if qpath[-1] > 0 else None},
}, indent=1))
