// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * low_response_rate → instant-responder. Fires on the seed's lines (average response > 4 h, or
 * contacted / new < 0.6 over the recent window) or on a significant deterioration against the baseline
 * (response times: one-sided Mann–Whitney; contact: share of matured leads contacted within
 * maturity.contactDays, one-sided two-proportion test). The metric is avg_response_time_hours when a
 * response-time check fired, else contact_rate.
 */
import { fig, meanAboveLine, rateBelowLine, rateDropCheck, rateDropStats, durationRise } from '../checks.ts';
import type { DetectionConfig } from '../config.ts';
import { whenCovered, type WindowNeed } from '../coverage.ts';
import { cusumOn, onlyIf, responseCusum, windowDropOn } from '../cusum-checks.ts';
import { showRange, showRanges, type DetectionInput } from '../input.ts';
import { globalOutcome, type MetricChecks, type RuleOutcome } from '../rule.ts';

/** Response-time and contact-rate checks of one day's input. */
export function lowResponseRate(input: DetectionInput, c: DetectionConfig): RuleOutcome {
  const cfg = c.lowResponseRate;
  const { recent, baseline } = input.funnel;
  const h = input.historyStart;
  // contacts (and their response times) are dated by the contact: they need the contact maturity behind them,
  // except where a partial window can only look faster (the slowest contacts of its leads are still missing)
  const recentResponses: WindowNeed = { what: 'the recent window of contacts', range: recent.range, dating: 'contacted', partial: 'hides-problem' };
  const baselineResponses: WindowNeed = { what: 'the baseline window of contacts', range: baseline.range, dating: 'contacted', partial: 'creates-problem' };
  // contacted / new over the same days: the contacts of the window's newest leads are still missing
  const recentContacts: WindowNeed = { ...recentResponses, partial: 'creates-problem' };
  const lineRule = 'average response time above maxAvgResponseHours';
  const riseTest = 'response-time rise';
  const response: MetricChecks = {
    metric: 'avg_response_time_hours',
    target: cfg.targetResponseHours,
    checks: [
      whenCovered(lineRule, h, [recentResponses], c, () => meanAboveLine({ rule: lineRule, label: 'average response time', unit: 'h',
        summary: recent.responseHours, line: cfg.maxAvgResponseHours, target: cfg.targetResponseHours,
        range: showRange(recent.range) }, c)),
      ...onlyIf(windowDropOn(c, 'response'), () => whenCovered(riseTest, h, [recentResponses, baselineResponses], c, () => durationRise({ test: riseTest, label: 'response time',
        unit: 'h', recent: recent.responseHours, baseline: baseline.responseHours, ranks: input.responseRanks,
        minRatio: cfg.minResponseRatio, ranges: showRanges(recent.range, baseline.range) }, c))),
      ...onlyIf(cusumOn(c, 'response'), () => responseCusum(input, c)),
    ],
  };
  const cc = input.contactCohorts;
  const share = (x: number, n: number) => (n > 0 ? fig(x / n) : null);
  const rateRule = 'contacted / new leads below minContactRate';
  const dropTest = 'contact-rate drop';
  const contact: MetricChecks = {
    metric: 'contact_rate',
    target: cfg.targetContactRate,
    checks: [
      whenCovered(rateRule, h, [recentContacts], c, () => rateBelowLine({ rule: rateRule,
        label: 'contact rate (contacted / new leads)', successes: recent.contacted, n: recent.newLeads, line: cfg.minContactRate,
        target: cfg.targetContactRate, windowDays: c.recentDays, range: showRange(recent.range) }, c)),
      whenCovered(dropTest, h, [
        // matured cohorts by creation day: a partial recent window is smaller, not biased; a baseline must be established
        { what: 'the contact cohort', range: cc.recent.range, dating: 'created', partial: 'none' },
        { what: "the contact cohort's baseline", range: cc.baseline.range, dating: 'created', partial: 'creates-problem' },
      ], c, () => rateDropCheck({ test: dropTest, label: `share of leads contacted within ${c.maturity.contactDays} days`,
        minRelativeDrop: cfg.minRelativeDrop, windowDays: c.recentDays, ranges: showRanges(cc.recent.range, cc.baseline.range),
        extra: { fastResponseHours: cfg.fastResponseHours, recentFastShare: share(cc.recent.fast, cc.recent.n),
          baselineFastShare: share(cc.baseline.fast, cc.baseline.n) } },
      rateDropStats(dropTest, cc.recent, cc.baseline, c), c)),
    ],
  };
  return globalOutcome('low_response_rate', [response, contact]);
}
