// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * slow_follow_up → follow-up-sequencer. Fires on the seed's line (contacted → qualified takes more
 * than 5 days on average, over leads qualified in the recent window) or on a significant rise of the
 * days-to-qualify against the baseline (one-sided Welch t on ln(days), minimum ratio of geometric means).
 * The metric is avg_days_to_qualify.
 */
import { durationRise, meanAboveLine } from '../checks.ts';
import type { DetectionConfig } from '../config.ts';
import { whenCovered, type WindowNeed } from '../coverage.ts';
import { cusumOn, delayCusum, onlyIf, windowDropOn } from '../cusum-checks.ts';
import { showRange, showRanges, type DetectionInput } from '../input.ts';
import { globalOutcome, type RuleOutcome } from '../rule.ts';

/** Days-to-qualify checks of one day's input. */
export function slowFollowUp(input: DetectionInput, c: DetectionConfig): RuleOutcome {
  const cfg = c.slowFollowUp;
  const { recent, baseline } = input.funnel;
  const h = input.historyStart;
  // delays of leads qualified in a window: without the history before it only the short delays are seen, which
  // can hide a slow follow-up in the recent window but would make a baseline look fast
  const recentNeed: WindowNeed = { what: 'the recent window of qualifications', range: recent.range, dating: 'qualified', partial: 'hides-problem' };
  const baselineNeed: WindowNeed = { what: 'the baseline window of qualifications', range: baseline.range, dating: 'qualified', partial: 'creates-problem' };
  const rule = 'average days to qualify above maxAvgDaysToQualify';
  const test = 'days-to-qualify rise';
  return globalOutcome('slow_follow_up', [{
    metric: 'avg_days_to_qualify',
    target: cfg.targetDaysToQualify,
    checks: [
      whenCovered(rule, h, [recentNeed], c, () => meanAboveLine({ rule, label: 'average time from contact to qualified',
        unit: 'days', summary: recent.daysToQualify, line: cfg.maxAvgDaysToQualify, target: cfg.targetDaysToQualify,
        range: showRange(recent.range) }, c)),
      ...onlyIf(windowDropOn(c, 'delay'), () => whenCovered(test, h, [recentNeed, baselineNeed], c, () => durationRise({ test, label: 'time from contact to qualified',
        unit: 'days', recent: recent.daysToQualify, baseline: baseline.daysToQualify, ranks: null, minRatio: cfg.minDelayRatio,
        ranges: showRanges(recent.range, baseline.range) }, c))),
      ...onlyIf(cusumOn(c, 'delay'), () => delayCusum(input, c)),
    ],
  }]);
}
