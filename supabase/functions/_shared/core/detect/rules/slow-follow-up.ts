// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * slow_follow_up → follow-up-sequencer. Fires on the seed's line (contacted → qualified takes more
 * than 5 days on average, over leads qualified in the recent window) or on a significant rise of the
 * days-to-qualify against the baseline (one-sided Welch t on ln(days), minimum ratio of geometric means).
 * The metric is avg_days_to_qualify.
 */
import { durationRise, meanAboveLine } from '../checks.ts';
import type { DetectionConfig } from '../config.ts';
import { showRange, showRanges, type DetectionInput } from '../input.ts';
import { globalOutcome, type RuleOutcome } from '../rule.ts';

/** Days-to-qualify checks of one day's input. */
export function slowFollowUp(input: DetectionInput, c: DetectionConfig): RuleOutcome {
  const cfg = c.slowFollowUp;
  const { recent, baseline } = input.funnel;
  return globalOutcome('slow_follow_up', [{
    metric: 'avg_days_to_qualify',
    target: cfg.targetDaysToQualify,
    checks: [
      meanAboveLine({ rule: 'average days to qualify above maxAvgDaysToQualify', label: 'average time from contact to qualified',
        unit: 'days', summary: recent.daysToQualify, line: cfg.maxAvgDaysToQualify, target: cfg.targetDaysToQualify,
        range: showRange(recent.range) }, c),
      durationRise({ test: 'days-to-qualify rise', label: 'time from contact to qualified', unit: 'days',
        recent: recent.daysToQualify, baseline: baseline.daysToQualify, ranks: null, minRatio: cfg.minDelayRatio,
        ranges: showRanges(recent.range, baseline.range) }, c),
    ],
  }]);
}
