// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Validation of a user's (partial) detection config: unknown keys are rejected (a typo must not silently
 * fall back to a default), every number is range-checked, and cross-field rules are checked on the
 * merged result. Errors list every problem with its path, e.g. `weakLeadSource.weakBelow: must be < …`.
 */
import { z } from 'zod';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './config.ts';

/** The user's config could not be used; `issues` holds one line per problem. */
export class DetectionConfigError extends Error {
  override readonly name = 'DetectionConfigError';
  readonly issues: readonly string[];
  constructor(issues: readonly string[], options: { cause?: unknown } = {}) {
    super(`invalid detection config: ${issues.join('; ')}`, options);
    this.issues = issues;
  }
}

const days = z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(365, 'must be at most 365 days');
const probability = z.number().gt(0, 'must be > 0').lt(1, 'must be < 1');
const rate = z.number().min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
const positive = z.number().gt(0, 'must be > 0').finite('must be finite');
const ratio = z.number().gt(1, 'must be > 1 (a ratio of recent to baseline)').finite('must be finite');
const fraction = z.number().gt(0, 'must be > 0').lt(1, 'must be < 1');
const dropTest = z.enum(['cusum', 'window', 'both']);
const cutoffs = (v: z.ZodNumber) => z.strictObject({ medium: v, high: v }).partial();

const overrideSchema = z.strictObject({
  recentDays: days,
  baselineDays: days,
  alpha: probability,
  thresholdConfidence: z.number().min(0.5, 'must be ≥ 0.5 (0.5 = plain comparison with the line)').lt(1, 'must be < 1'),
  minEvents: z.number().int('must be a whole number').min(1, 'must be at least 1 (no bottleneck from zero events)').max(1_000_000, 'must be at most 1,000,000'),
  maturity: z.strictObject({ contactDays: days, qualifyDays: days, sourceDays: days }).partial(),
  lowResponseRate: z.strictObject({
    maxAvgResponseHours: positive, minContactRate: rate, targetResponseHours: positive,
    targetContactRate: rate, fastResponseHours: positive, minResponseRatio: ratio, minRelativeDrop: fraction,
  }).partial(),
  poorQualification: z.strictObject({
    minQualificationRate: rate, targetQualificationRate: rate, minRelativeDrop: fraction,
  }).partial(),
  validationAccuracy: z.strictObject({ minF1: rate, targetF1: rate, minF1Drop: fraction }).partial(),
  slowFollowUp: z.strictObject({
    maxAvgDaysToQualify: positive, targetDaysToQualify: positive, minDelayRatio: ratio,
  }).partial(),
  weakLeadSource: z.strictObject({
    weakBelow: rate, strongAtLeast: rate, windowDays: days, pairAlpha: probability,
    targetRate: rate, minRelativeDrop: fraction,
  }).partial(),
  attribution: z.strictObject({
    alpha: probability, minExplainedShare: fraction, maxSourceShare: fraction,
    minUnits: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000'),
  }).partial(),
  cusum: z.strictObject({
    dropTest: z.strictObject({ qualification: dropTest, response: dropTest, delay: dropTest, f1: dropTest }).partial(), days, qualificationDrop: fraction, responseRatio: ratio, delayLagDays: days, delayDrop: fraction, f1Drop: fraction,
    qualificationH: positive, responseH: positive, delayH: positive, f1H: positive,
  }).partial(),
  severity: z.strictObject({
    lostPerWeek: cutoffs(positive), durationRatio: cutoffs(ratio), f1Points: cutoffs(fraction),
  }).partial(),
}).partial();

type Override = z.infer<typeof overrideSchema>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; `undefined` in the override keeps the default. */
function merge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** Rules between fields, checked after merging with the defaults. */
function crossFieldIssues(c: DetectionConfig): string[] {
  const issues: string[] = [];
  const check = (ok: boolean, msg: string) => { if (!ok) issues.push(msg); };
  const w = c.weakLeadSource;
  check(w.weakBelow < w.strongAtLeast, `weakLeadSource.weakBelow (${w.weakBelow}) must be < weakLeadSource.strongAtLeast (${w.strongAtLeast})`);
  check(w.targetRate >= w.weakBelow, `weakLeadSource.targetRate (${w.targetRate}) must be ≥ weakBelow (${w.weakBelow})`);
  const r = c.lowResponseRate;
  check(r.targetResponseHours <= r.maxAvgResponseHours, `lowResponseRate.targetResponseHours (${r.targetResponseHours}) must be ≤ maxAvgResponseHours (${r.maxAvgResponseHours})`);
  check(r.targetContactRate >= r.minContactRate, `lowResponseRate.targetContactRate (${r.targetContactRate}) must be ≥ minContactRate (${r.minContactRate})`);
  const q = c.poorQualification;
  check(q.targetQualificationRate >= q.minQualificationRate, `poorQualification.targetQualificationRate (${q.targetQualificationRate}) must be ≥ minQualificationRate (${q.minQualificationRate})`);
  const v = c.validationAccuracy;
  check(v.targetF1 >= v.minF1, `validationAccuracy.targetF1 (${v.targetF1}) must be ≥ minF1 (${v.minF1})`);
  const s = c.slowFollowUp;
  check(s.targetDaysToQualify <= s.maxAvgDaysToQualify, `slowFollowUp.targetDaysToQualify (${s.targetDaysToQualify}) must be ≤ maxAvgDaysToQualify (${s.maxAvgDaysToQualify})`);
  for (const [name, cut] of Object.entries(c.severity)) {
    check(cut.medium <= cut.high, `severity.${name}.medium (${cut.medium}) must be ≤ severity.${name}.high (${cut.high})`);
  }
  return issues;
}

/**
 * Parses a user's partial detection config (e.g. from a JSON file or lh_settings) and merges it over
 * DEFAULT_DETECTION_CONFIG. `undefined`/`null` → the defaults. Throws DetectionConfigError listing
 * every problem (unknown key, out-of-range number, contradictory pair) with its path.
 */
export function parseDetectionConfig(raw: unknown): DetectionConfig {
  if (raw === undefined || raw === null) return DEFAULT_DETECTION_CONFIG;
  const parsed = overrideSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(config)'}: ${i.message}`);
    throw new DetectionConfigError(issues, { cause: parsed.error });
  }
  const merged = merge(DEFAULT_DETECTION_CONFIG, parsed.data satisfies Override) as DetectionConfig;
  const issues = crossFieldIssues(merged);
  if (issues.length > 0) throw new DetectionConfigError(issues);
  return merged;
}
