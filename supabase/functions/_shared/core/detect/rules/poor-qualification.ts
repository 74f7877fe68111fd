// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * poor_qualification → lead-scorer. Fires on the seed's line (qualified / contacted < 0.3 over the
 * recent window, event-dated as in lh_daily_metrics) or on a significant drop of the matured cohort
 * rate "contacted leads qualified within maturity.qualifyDays" against the baseline cohort.
 */
import { rateBelowLine, rateDropCheck, rateDropStats } from '../checks.ts';
import type { DetectionConfig } from '../config.ts';
import { whenCovered, type WindowNeed } from '../coverage.ts';
import { cusumOn, onlyIf, qualificationCusum, windowDropOn } from '../cusum-checks.ts';
import { showRange, showRanges, type DetectionInput } from '../input.ts';
import { globalOutcome, type RuleOutcome } from '../rule.ts';

/**
 * The windows of the qualify cohort (by contact day): a partial cohort holds only the contacts of the first
 * leads, the fastest, so both must be covered. Read by the drop test and by attribution (src/detect/detect.ts).
 */
export function qualifyCohortNeeds(input: DetectionInput): WindowNeed[] {
  const qc = input.qualifyCohorts;
  return [
    { what: 'the qualify cohort', range: qc.recent.range, dating: 'contacted', partial: 'creates-problem' },
    { what: "the qualify cohort's baseline", range: qc.baseline.range, dating: 'contacted', partial: 'creates-problem' },
  ];
}

/** Qualification-rate checks of one day's input. */
export function poorQualification(input: DetectionInput, c: DetectionConfig): RuleOutcome {
  const cfg = c.poorQualification;
  const { recent } = input.funnel;
  const qc = input.qualifyCohorts;
  const h = input.historyStart;
  const rule = 'qualified / contacted below minQualificationRate';
  const test = 'qualification-rate drop';
  return globalOutcome('poor_qualification', [{
    metric: 'qualification_rate',
    target: cfg.targetQualificationRate,
    checks: [
      // event-dated qualifications: the qualifications of leads contacted (and created) before the window must
      // exist, else qualified / contacted reads low
      whenCovered(rule, h, [{ what: 'the recent window of qualifications', range: recent.range, dating: 'qualified', partial: 'creates-problem' }], c,
        () => rateBelowLine({ rule, label: 'qualification rate (qualified / contacted)',
          successes: recent.qualified, n: recent.contacted, line: cfg.minQualificationRate,
          target: cfg.targetQualificationRate, windowDays: c.recentDays, range: showRange(recent.range) }, c)),
      ...onlyIf(windowDropOn(c, 'qualification'), () => whenCovered(test, h, qualifyCohortNeeds(input), c, () => rateDropCheck({ test, label: `share of contacted leads qualified within ${c.maturity.qualifyDays} days`,
        minRelativeDrop: cfg.minRelativeDrop, windowDays: c.recentDays, ranges: showRanges(qc.recent.range, qc.baseline.range) },
      rateDropStats(test, qc.recent, qc.baseline, c), c))),
      ...onlyIf(cusumOn(c, 'qualification'), () => qualificationCusum(input, c)),
    ],
  }]);
}
