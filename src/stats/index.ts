/** Public API of the statistics module (runtime-neutral: Node and Deno). */
export * from './result.ts';
export {
  normalCdf, normalSf, normalQuantile, normalTwoSidedP, zForConfidence,
  studentTCdf, studentTTwoSidedP, studentTQuantile, chiSquareCdf, chiSquareSf, clampProbability,
} from './distributions.ts';
export { twoProportionTest, relativeLift, type ProportionGroup, type RelativeLift, type TwoProportionResult } from './proportions.ts';
export { welchTest, welchDf, logScaleWelch, type MeanSummary, type WelchResult, type LogScaleWelchResult } from './welch.ts';
export { mannWhitneyFromRanks, mannWhitneyZ, type RankSumSummary, type MannWhitneyResult } from './mannWhitney.ts';
export { sampleRatioMismatch, DEFAULT_SRM_THRESHOLD, MIN_SRM_UNITS_PER_GROUP, type SrmResult } from './srm.ts';
export { holmAdjust, benjaminiHochbergAdjust, type AdjustedPValues } from './multiplicity.ts';
export {
  sampleSizeTwoProportions, powerTwoProportions, powerOfSeedRule, sampleSizeForSeedRule,
  type SeedRuleOptions, type ClassicSampleSize,
} from './power.ts';
export {
  sampleSizeTwoMeans, powerTwoMeans, powerOfSeedRuleDuration, sampleSizeForSeedRuleDuration,
  type DurationScenario,
} from './powerDuration.ts';
export { keepEventProbability, smallestSampleSize, type KeepEventSpec, type SampleSizeSearch } from './seedRuleCore.ts';
export {
  confidenceSequence, sequentialProportions, sequentialMeans, mixtureTuningConstant,
  type SequentialOptions, type SequentialResult,
} from './sequential.ts';
export {
  alphaSpent, efficacyBoundaries, crossingProbabilities, driftForPower,
  type SpendingFunction, type GroupSequentialBoundaries, type CrossingProbabilities,
} from './group-sequential.ts';
export { wilsonInterval, newcombeDifferenceInterval, agrestiCaffoInterval } from './small-sample-intervals.ts';
export { bayesProportions, bayesMeans, CREDIBLE_LEVEL, type BayesianView, type BayesOptions } from './bayes.ts';
