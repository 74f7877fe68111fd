// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * validation_accuracy_drop → pattern-optimizer, on micro-F1 pooled over the validations scored in the window
 * (lh_scored_truths, all patterns): F1 = 2tp / (2tp + fp + fn).
 * Given the m = tp + fp + fn labels F1 depends on, F1 = 2J / (1 + J) with J = tp / m, a strictly
 * increasing function of the binomial share J. So "F1 below the line" is the one-sided z-test of J
 * against J0 = F0 / (2 − F0), and "F1 dropped" is the one-sided pooled two-proportion test of J recent
 * vs baseline: exact equivalences, no bootstrap needed. Events (minimum volume) are the m labels.
 */
import { f1FromShare, fig, fmt, pBelowLine, quiet, rateDropStats, shareFromF1, type Check } from '../checks.ts';
import type { DetectionConfig } from '../config.ts';
import { whenCovered } from '../coverage.ts';
import { cusumOn, f1Cusum, onlyIf, windowDropOn } from '../cusum-checks.ts';
import { showRange, showRanges, type ConfusionTotals, type DetectionInput } from '../input.ts';
import { globalOutcome, type RuleOutcome } from '../rule.ts';
import { f1Severity } from '../severity.ts';

const RULE = 'pooled F1 below minF1';
const TEST = 'F1 drop (one-sided two-proportion test on tp / (tp + fp + fn))';

export { f1FromShare } from '../checks.ts';

function figures(t: ConfusionTotals) {
  const m = t.tp + t.fp + t.fn;
  return { f1: m > 0 ? (2 * t.tp) / (2 * t.tp + t.fp + t.fn) : null, m,
    precision: t.tp + t.fp > 0 ? t.tp / (t.tp + t.fp) : null, recall: t.tp + t.fn > 0 ? t.tp / (t.tp + t.fn) : null };
}

function belowLine(t: ConfusionTotals, c: DetectionConfig): Check {
  const cfg = c.validationAccuracy;
  const { f1, m, precision, recall } = figures(t);
  const range = showRange(t.range);
  if (f1 === null) return quiet(`${RULE}: no validation feedback in ${range}`);
  if (m < c.minEvents) return quiet(`${RULE}: only ${m} scored labels (tp + fp + fn) in ${range} (minimum ${c.minEvents})`);
  const line = cfg.minF1;
  const p = pBelowLine(t.tp, m, shareFromF1(line));
  const needP = 1 - c.thresholdConfidence;
  if (!(f1 < line)) return quiet(`${RULE}: F1 ${fmt(f1)} is not below ${line}`);
  if (!(p < needP)) return quiet(`${RULE}: F1 ${fmt(f1)} is below ${line} but not credibly (p = ${fmt(p, 4)} ≥ ${fmt(needP, 4)}, m = ${m})`);
  return {
    kind: 'fired', current: f1, reference: cfg.targetF1, severity: f1Severity(cfg.targetF1 - f1, c.severity),
    evidence: {
      trigger: { kind: 'threshold', rule: RULE, threshold: line },
      figures: { value: fig(f1), precision: fig(precision), recall: fig(recall), tp: t.tp, fp: t.fp, fn: t.fn, tn: t.tn,
        pValue: fig(p), confidence: c.thresholdConfidence, target: cfg.targetF1, window: range },
      summary: `pooled F1 ${fmt(f1)} (precision ${fmt(precision ?? 0)}, recall ${fmt(recall ?? 0)}, ${m} labels, ${range}) is below the line ${line} (one-sided p = ${fmt(p, 4)}).`,
    },
  };
}

function dropped(r: ConfusionTotals, b: ConfusionTotals, c: DetectionConfig): Check {
  const st = rateDropStats(TEST, { successes: r.tp, n: r.tp + r.fp + r.fn }, { successes: b.tp, n: b.tp + b.fp + b.fn }, c);
  if (st.kind === 'quiet') return st;
  const f1r = f1FromShare(st.recentRate);
  const f1b = f1FromShare(st.baselineRate);
  const drop = f1b - f1r;
  if (!(drop >= c.validationAccuracy.minF1Drop)) return quiet(`${TEST}: F1 ${fmt(f1b)} → ${fmt(f1r)} is less than the minimum drop ${c.validationAccuracy.minF1Drop}`);
  if (!(st.pValue < c.alpha)) return quiet(`${TEST}: F1 ${fmt(f1b)} → ${fmt(f1r)} is not significant (p = ${fmt(st.pValue, 4)} ≥ ${c.alpha})`);
  const fr = figures(r);
  const fb = figures(b);
  const ranges = showRanges(r.range, b.range);
  return {
    kind: 'fired', current: f1r, reference: f1b, severity: f1Severity(drop, c.severity),
    evidence: {
      trigger: { kind: 'baseline-drop', test: TEST, pValue: st.pValue, alpha: c.alpha, baselineValue: f1b },
      figures: { recentF1: fig(f1r), baselineF1: fig(f1b), recentPrecision: fig(fr.precision), recentRecall: fig(fr.recall),
        baselinePrecision: fig(fb.precision), baselineRecall: fig(fb.recall), recentLabels: fr.m, baselineLabels: fb.m,
        z: fig(st.z), pValue: fig(st.pValue), windows: ranges },
      summary: `pooled F1 fell from ${fmt(f1b)} (${fb.m} labels) to ${fmt(f1r)} (${fr.m} labels), ${ranges}; one-sided p = ${fmt(st.pValue, 5)} < ${c.alpha}.`,
    },
  };
}

/** Validation-accuracy checks of one day's input. */
export function validationAccuracyDrop(input: DetectionInput, c: DetectionConfig): RuleOutcome {
  const { recent, baseline } = input.accuracy;
  // each label is scored on its own: a partial window is a smaller sample, not a biased one; but a drop needs
  // the established baseline (src/detect/coverage.ts)
  const recentNeed = { what: 'the recent window of labels', range: recent.range, dating: 'labels', partial: 'none' } as const;
  const baselineNeed = { what: 'the baseline window of labels', range: baseline.range, dating: 'labels', partial: 'creates-problem' } as const;
  return globalOutcome('validation_accuracy_drop', [{
    metric: 'f1_score',
    target: c.validationAccuracy.targetF1,
    checks: [
      whenCovered(RULE, input.historyStart, [recentNeed], c, () => belowLine(recent, c)),
      ...onlyIf(windowDropOn(c, 'f1'), () => whenCovered(TEST, input.historyStart, [recentNeed, baselineNeed], c, () => dropped(recent, baseline, c))),
      ...onlyIf(cusumOn(c, 'f1'), () => f1Cusum(input, c)),
    ],
  }]);
}
