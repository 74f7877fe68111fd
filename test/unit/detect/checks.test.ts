/** The statistical checks against SciPy 1.17 reference values (commands in each comment). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationRise, fig, pAboveLine, pBelowLine, rateDropStats } from '../../../src/detect/checks.ts';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from '../../../src/detect/config.ts';
import { rankSums, summarise } from './fixtures.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const loose: DetectionConfig = { ...DEFAULT_DETECTION_CONFIG, minEvents: 5, alpha: 0.05 };

describe('threshold p-values', () => {
  it('rate below a line: one-sided z with the null variance', () => {
    // scipy.stats.norm.cdf(-2) for 40/100 against 0.5
    close(pBelowLine(40, 100, 0.5), 0.022750131948179195);
    assert.equal(pBelowLine(3, 10, 0), 1); // a line of 0 can never be undercut
  });
  it('mean above a line: one-sample t, df = n − 1', () => {
    // scipy.stats.t.sf(1 / sqrt(4 / 30), 29)
    close(pAboveLine({ n: 30, mean: 5, variance: 4 }, 4), 0.0052186947494336795);
    assert.equal(pAboveLine({ n: 30, mean: 5, variance: 0 }, 4), 0);
  });
});

describe('rate drop test', () => {
  it('equals half the Yates-corrected chi-square p (one-sided, continuity-corrected)', () => {
    // scipy.stats.chi2_contingency([[240,160],[40,60]], correction=True).pvalue / 2
    const st = rateDropStats('t', { successes: 40, n: 100 }, { successes: 240, n: 400 }, loose);
    assert.equal(st.kind, 'tested');
    if (st.kind === 'tested') close(st.pValue, 0.00024048867712769378, 1e-7);
    // chi2_contingency([[200,248],[40,72]], correction=True).pvalue / 2
    const st2 = rateDropStats('t', { successes: 40, n: 112 }, { successes: 200, n: 448 }, loose);
    if (st2.kind === 'tested') close(st2.pValue, 0.054678929960254814, 1e-7);
  });
  it('a rise is never a drop, and an empty window is quiet', () => {
    const st = rateDropStats('t', { successes: 70, n: 100 }, { successes: 240, n: 400 }, loose);
    assert.ok(st.kind === 'tested' && st.pValue > 0.5);
    assert.equal(rateDropStats('t', { successes: 0, n: 0 }, { successes: 240, n: 400 }, loose).kind, 'quiet');
    assert.equal(rateDropStats('t', { successes: 2, n: 4 }, { successes: 240, n: 400 }, loose).kind, 'quiet');
  });
});

describe('duration rise test', () => {
  const base = [1, 2, 3, 4, 5, 6, 7];
  const recent = [5, 6, 7, 8, 9, 10];
  it('Mann–Whitney from rank sums: scipy mannwhitneyu(recent, base, alternative="greater")', () => {
    const c = durationRise({ test: 't', label: 'x', unit: 'h', recent: summarise(recent), baseline: summarise(base),
      ranks: rankSums(recent, base), minRatio: 1.5, ranges: 'r' }, loose);
    assert.equal(c.kind, 'fired');
    if (c.kind === 'fired' && c.evidence.trigger.kind === 'baseline-drop') close(c.evidence.trigger.pValue, 0.010861059910256148, 1e-9);
  });
  it('Welch on ln(x): scipy ttest_ind(log y, log x, equal_var=False, alternative="greater")', () => {
    const x = [1, 2, 3, 4, 5];
    const y = [2, 4, 6, 8, 10, 12];
    const c = durationRise({ test: 't', label: 'x', unit: 'd', recent: summarise(y), baseline: summarise(x),
      ranks: null, minRatio: 1.5, ranges: 'r' }, loose);
    assert.equal(c.kind, 'fired');
    if (c.kind === 'fired' && c.evidence.trigger.kind === 'baseline-drop') close(c.evidence.trigger.pValue, 0.03186582259793364, 1e-8);
  });
  it('is quiet below the minimum ratio even when significant', () => {
    const c = durationRise({ test: 't', label: 'x', unit: 'h', recent: summarise(recent), baseline: summarise(base),
      ranks: rankSums(recent, base), minRatio: 5, ranges: 'r' }, loose);
    assert.equal(c.kind, 'quiet');
  });
});

describe('evidence figures', () => {
  it('never carry NaN or Infinity', () => {
    assert.equal(fig(Number.NaN), null);
    assert.equal(fig(Number.POSITIVE_INFINITY), null);
    assert.equal(fig(null), null);
    assert.equal(fig(2.941014560101597e-22), 2.94101e-22);
  });
});
