// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The sequential checks, one per type with a daily outcome (src/detect/cusum.ts): each a one-sided CUSUM over
 * the last `cusum.days` days of DetectionInput.daily, against the baseline estimated from the baselineDays
 * before them, firing when the statistic ends at or above its threshold h. Each is the likelihood ratio of
 * the baseline against a designed shift (config.cusum), so a day adds about (information per unit) × units.
 * - qualification: contacted leads by contact day, qualified within min(age, qualifyDays) local days; the
 *   baseline's share qualified by each lag is the null, (1 − qualificationDrop) × it the alternative. A contact
 *   day counts from its first day at the share its age allows (a 2-day-old contact day is compared with the
 *   baseline's share qualified within 2 days), so a drop shows days before the matured cohort can;
 * - response times: normal mean shift of ln(hours) by ln(responseRatio), σ² from the baseline (log-normal
 *   durations: a ratio of geometric means is a shift of the log mean);
 * - days to qualify: the early share of a contact day's qualifications (delayCusum);
 * - F1: the binomial share J = tp / (tp + fp + fn) per truth day (F1 = 2J / (1 + J)), the alternative the
 *   share of the baseline F1 minus f1Drop.
 */
import { f1FromShare, fig, fmt, pct, quiet, shareFromF1, type Check } from './checks.ts';
import type { DetectionConfig } from './config.ts';
import { whenCovered, type Dating, type PartialBias } from './coverage.ts';
import { bernoulliLlr, cusumEnd, normalMeanLlr, type CusumEnd } from './cusum.ts';
import { daysBefore, showRange, type DailyDurations, type DayRange, type DetectionInput } from './input.ts';
import { durationSeverity, f1Severity, rateSeverity } from './severity.ts';
import type { Evidence } from './types.ts';

type DropTestOf = keyof DetectionConfig['cusum']['dropTest'];
/** The type's window drop test runs unless the configuration chose the CUSUM alone. */
export const windowDropOn = (c: DetectionConfig, of: DropTestOf): boolean => c.cusum.dropTest[of] !== 'cusum';
/** The type's CUSUM runs unless the configuration chose the window test alone. */
export const cusumOn = (c: DetectionConfig, of: DropTestOf): boolean => c.cusum.dropTest[of] !== 'window';

/** The checks that are on: `[check()]` or nothing (an unused check is not even computed). */
export const onlyIf = (on: boolean, check: () => Check): Check[] => (on ? [check()] : []);

/** The baseline days and the CUSUM days of a per-day series, with their date ranges. */
export function splitDaily<T>(input: DetectionInput, series: readonly T[], c: DetectionConfig) {
  const from = input.daily.range.from;
  const b = c.baselineDays;
  const day = (i: number) => daysBefore(from, -i);
  return {
    baseline: series.slice(0, b), recent: series.slice(b),
    baselineRange: { from, to: day(b - 1) } as DayRange,
    recentRange: { from: day(b), to: input.daily.range.to } as DayRange,
    /** The local date of the i-th CUSUM day. */
    recentDay: (i: number) => day(b + i),
  };
}

/** The check on the coverage of both spans: the baseline must be established; the recent span as its data allow. */
function covered(name: string, input: DetectionInput, c: DetectionConfig, dating: Dating, recentBias: PartialBias, check: () => Check): Check {
  const s = splitDaily(input, input.daily.contacts, c);
  return whenCovered(name, input.historyStart, [
    { what: 'the CUSUM days', range: s.recentRange, dating, partial: recentBias },
    { what: "the CUSUM's baseline", range: s.baselineRange, dating, partial: 'creates-problem' },
  ], c, check);
}

function fired(name: string, end: CusumEnd, h: number, baselineValue: number, figures: Evidence['figures'], summary: string): Evidence {
  return {
    trigger: { kind: 'cusum', test: name, statistic: end.statistic, h, baselineValue },
    figures: { statistic: fig(end.statistic), h, ...figures },
    summary: `${summary}; CUSUM ${fmt(end.statistic, 2)} ≥ h = ${h}.`,
  };
}

const sinceText = (day: string) => `since ${day}`;
const notAbove = (name: string, end: CusumEnd, h: number) =>
  quiet(`${name}: CUSUM ${fmt(end.statistic, 2)} is below h = ${h}${end.max > end.statistic ? ` (highest ${fmt(end.max, 2)} in the last days)` : ''}`);

export const QUALIFICATION_CUSUM = 'qualification CUSUM (Bernoulli, by contact day)';

/** Bernoulli CUSUM of the qualify share by contact day, each day at the share its age allows. */
export function qualificationCusum(input: DetectionInput, c: DetectionConfig): Check {
  return covered(QUALIFICATION_CUSUM, input, c, 'contacted', 'creates-problem', () => {
    const K = c.maturity.qualifyDays;
    const s = splitDaily(input, input.daily.contacts, c);
    const n0 = s.baseline.reduce((a, d) => a + d.n, 0);
    if (n0 < c.minEvents) return quiet(`${QUALIFICATION_CUSUM}: ${n0} contacted leads in the baseline ${showRange(s.baselineRange)} (minimum ${c.minEvents})`);
    const q0 = (j: number) => s.baseline.reduce((a, d) => a + (d.qualifiedByLag[j] ?? 0), 0) / n0;
    const pFull = q0(K);
    const days = s.recent.map((d, i) => {
      const lag = Math.min(s.recent.length - 1 - i, K);
      return { n: d.n, k: d.qualifiedByLag[lag] ?? 0, p0: q0(lag) };
    });
    const inc = days.map((d) => (d.p0 > 0 && d.p0 < 1 ? bernoulliLlr(d.n, d.k, d.p0, d.p0 * (1 - c.cusum.qualificationDrop)) : 0));
    const end = cusumEnd(inc);
    const h = c.cusum.qualificationH;
    if (!(end.statistic >= h) || end.since === null) return notAbove(QUALIFICATION_CUSUM, end, h);
    const part = days.slice(end.since);
    const seen = part.reduce((a, d) => a + d.k, 0);
    const expected = part.reduce((a, d) => a + d.n * d.p0, 0);
    const units = part.reduce((a, d) => a + d.n, 0);
    // the observed share against what the baseline predicts for the same ages, scaled to the matured share
    const current = expected > 0 ? (pFull * seen) / expected : pFull;
    const lost = (units * 7 / part.length) * (pFull - current);
    const since = s.recentDay(end.since);
    return {
      kind: 'fired', current, reference: pFull, severity: rateSeverity(lost, c.severity),
      evidence: fired(QUALIFICATION_CUSUM, end, h, pFull, {
        baselineRate: fig(pFull), baselineN: n0, since, contacted: units, qualified: seen, expected: fig(expected),
        estimatedRate: fig(current), designDrop: c.cusum.qualificationDrop, windows: `${showRange(s.recentRange)} vs baseline ${showRange(s.baselineRange)}`,
      }, `share of contacted leads qualified within ${K} days: ${seen} of ${units} leads contacted ${sinceText(since)} qualified where the baseline ` +
        `(${pct(pFull)} within ${K} days) predicts ${fmt(expected, 1)} at their ages, about ${pct(current)}`),
    };
  });
}

/** Mean and sample variance of ln(duration) over per-day sums. */
function logMoments(days: readonly DailyDurations[]): { n: number; mean: number; variance: number } | null {
  const n = days.reduce((a, d) => a + d.n, 0);
  if (n < 2) return null;
  const sum = days.reduce((a, d) => a + d.logSum, 0);
  const sq = days.reduce((a, d) => a + d.logSq, 0);
  return { n, mean: sum / n, variance: Math.max(0, (sq - (sum * sum) / n) / (n - 1)) };
}

interface DurationCusumSpec {
  readonly name: string;
  readonly label: string;
  readonly unit: string;
  readonly dating: Dating;
  readonly days: readonly DailyDurations[];
  readonly ratio: number;
  readonly h: number;
}

/** Normal CUSUM of the daily mean of ln(duration), designed for a rise by ln(ratio). */
function durationCusum(input: DetectionInput, c: DetectionConfig, sp: DurationCusumSpec): Check {
  // the recent span, like the window tests' recent windows, can only look faster while partly covered
  return covered(sp.name, input, c, sp.dating, 'hides-problem', () => {
    const s = splitDaily(input, sp.days, c);
    const b = logMoments(s.baseline);
    if (b === null || b.n < c.minEvents || !(b.variance > 0)) {
      return quiet(`${sp.name}: ${b?.n ?? 0} durations in the baseline ${showRange(s.baselineRange)} (minimum ${c.minEvents})`);
    }
    const mu1 = b.mean + Math.log(sp.ratio);
    const end = cusumEnd(s.recent.map((d) => normalMeanLlr(d.n, d.logSum, b.mean, mu1, b.variance)));
    if (!(end.statistic >= sp.h) || end.since === null) return notAbove(sp.name, end, sp.h);
    const part = s.recent.slice(end.since);
    const r = logMoments(part);
    const n = part.reduce((a, d) => a + d.n, 0);
    const meanLog = n > 0 ? part.reduce((a, d) => a + d.logSum, 0) / n : b.mean;
    // log-normal means from the log moments (the baseline's spread for the recent days)
    const reference = Math.exp(b.mean + b.variance / 2);
    const current = Math.exp(meanLog + b.variance / 2);
    const ratio = Math.exp(meanLog - b.mean);
    const since = s.recentDay(end.since);
    return {
      kind: 'fired', current, reference, severity: durationSeverity(ratio, c.severity),
      evidence: fired(sp.name, end, sp.h, reference, {
        baselineGeometricMean: fig(Math.exp(b.mean)), baselineN: b.n, since, recentN: n,
        recentGeometricMean: fig(Math.exp(meanLog)), recentSdLog: fig(r ? Math.sqrt(r.variance) : null), geometricMeanRatio: fig(ratio),
        designRatio: sp.ratio, windows: `${showRange(s.recentRange)} vs baseline ${showRange(s.baselineRange)}`,
      }, `${sp.label}: geometric mean ${fmt(Math.exp(meanLog), 2)} ${sp.unit} over ${n} ${sinceText(since)} against ` +
        `${fmt(Math.exp(b.mean), 2)} ${sp.unit} in the baseline (×${fmt(ratio, 2)})`),
    };
  });
}

export const RESPONSE_CUSUM = 'response-time CUSUM (normal, ln hours, by contact day)';

/** Response times by contact day. */
export function responseCusum(input: DetectionInput, c: DetectionConfig): Check {
  const days = input.daily.contacts.map((d) => ({ n: d.responseN, logSum: d.responseLogSum, logSq: d.responseLogSq }));
  return durationCusum(input, c, { name: RESPONSE_CUSUM, label: 'response time', unit: 'h', dating: 'contacted', days,
    ratio: c.cusum.responseRatio, h: c.cusum.responseH });
}

export const DELAY_CUSUM = 'days-to-qualify CUSUM (Bernoulli on the early share of qualifications, by contact day)';

/**
 * Slower follow-up, by contact day: of a contact day's leads qualified by its age a (capped at qualifyDays),
 * the share that qualified within delayLagDays local days, against the baseline's q(L) / q(a). Conditioning on
 * the qualified makes it blind to the qualification rate (a drop of the rate scales q(L) and q(a) alike: that
 * is poor_qualification's), and the first days after contact already tell: a contact day counts from age L + 1.
 * The event-dated mean of ln(days) was slower (median 8 days for 2 → 5 days on the tuning seeds): the first
 * qualifications after a slowdown are still the earlier contacts'.
 */
export function delayCusum(input: DetectionInput, c: DetectionConfig): Check {
  return covered(DELAY_CUSUM, input, c, 'contacted', 'creates-problem', () => {
    const K = c.maturity.qualifyDays;
    const L = Math.min(c.cusum.delayLagDays, K - 1);
    const s = splitDaily(input, input.daily.contacts, c);
    const lagSum = (j: number) => s.baseline.reduce((a, d) => a + (d.qualifiedByLag[j] ?? 0), 0);
    const nK = lagSum(K);
    if (nK < c.minEvents) return quiet(`${DELAY_CUSUM}: ${nK} qualified leads in the baseline ${showRange(s.baselineRange)} (minimum ${c.minEvents})`);
    const days = s.recent.map((d, i) => {
      const age = Math.min(s.recent.length - 1 - i, K);
      return age <= L ? { n: 0, k: 0, p0: 0 } : { n: d.qualifiedByLag[age] ?? 0, k: d.qualifiedByLag[L] ?? 0, p0: lagSum(L) / lagSum(age) };
    });
    const inc = days.map((d) => (d.p0 > 0 && d.p0 < 1 ? bernoulliLlr(d.n, d.k, d.p0, d.p0 * (1 - c.cusum.delayDrop)) : 0));
    const end = cusumEnd(inc);
    const h = c.cusum.delayH;
    if (!(end.statistic >= h) || end.since === null) return notAbove(DELAY_CUSUM, end, h);
    const part = days.slice(end.since);
    const early = part.reduce((a, d) => a + d.k, 0);
    const qualified = part.reduce((a, d) => a + d.n, 0);
    const expected = part.reduce((a, d) => a + d.n * d.p0, 0);
    const { recent, baseline } = input.funnel;
    // the metric is the average days to qualify: the event-dated means of the window tests
    const reference = baseline.daysToQualify.mean ?? c.slowFollowUp.targetDaysToQualify;
    const current = recent.daysToQualify.mean ?? reference;
    const since = s.recentDay(end.since);
    return {
      kind: 'fired', current, reference, severity: durationSeverity(current / reference, c.severity),
      evidence: fired(DELAY_CUSUM, end, h, reference, {
        since, qualified, qualifiedEarly: early, expectedEarly: fig(expected), baselineEarlyShare: fig(lagSum(L) / nK),
        lagDays: L, recentMeanDays: fig(recent.daysToQualify.mean), baselineMeanDays: fig(baseline.daysToQualify.mean),
        designDrop: c.cusum.delayDrop, windows: `${showRange(s.recentRange)} vs baseline ${showRange(s.baselineRange)}`,
      }, `time from contact to qualified: of ${qualified} leads contacted ${sinceText(since)} and qualified so far, ${early} qualified ` +
        `within ${L} day${L === 1 ? '' : 's'} where the baseline predicts ${fmt(expected, 1)}`),
    };
  });
}

export const F1_CUSUM = 'F1 CUSUM (Bernoulli on tp / (tp + fp + fn), by truth day)';

/** Bernoulli CUSUM of F1's share J by truth day. */
export function f1Cusum(input: DetectionInput, c: DetectionConfig): Check {
  // labels are scored each on its own: a partial recent span is smaller, not biased
  return covered(F1_CUSUM, input, c, 'labels', 'none', () => {
    const s = splitDaily(input, input.daily.labels, c);
    const m0 = s.baseline.reduce((a, d) => a + d.m, 0);
    if (m0 < c.minEvents) return quiet(`${F1_CUSUM}: ${m0} scored labels in the baseline ${showRange(s.baselineRange)} (minimum ${c.minEvents})`);
    const j0 = s.baseline.reduce((a, d) => a + d.tp, 0) / m0;
    if (!(j0 > 0 && j0 < 1)) return quiet(`${F1_CUSUM}: the baseline share tp / (tp + fp + fn) is ${fmt(j0)}, nothing to drop from`);
    const f0 = f1FromShare(j0);
    const f1Alt = Math.max(0.01, f0 - c.cusum.f1Drop);
    const j1 = shareFromF1(f1Alt);
    const end = cusumEnd(s.recent.map((d) => bernoulliLlr(d.m, d.tp, j0, j1)));
    const h = c.cusum.f1H;
    if (!(end.statistic >= h) || end.since === null) return notAbove(F1_CUSUM, end, h);
    const part = s.recent.slice(end.since);
    const m = part.reduce((a, d) => a + d.m, 0);
    const j = m > 0 ? part.reduce((a, d) => a + d.tp, 0) / m : j0;
    const current = f1FromShare(j);
    const since = s.recentDay(end.since);
    return {
      kind: 'fired', current, reference: f0, severity: f1Severity(f0 - current, c.severity),
      evidence: fired(F1_CUSUM, end, h, f0, {
        baselineF1: fig(f0), baselineLabels: m0, since, recentF1: fig(current), recentLabels: m, designDrop: c.cusum.f1Drop,
        windows: `${showRange(s.recentRange)} vs baseline ${showRange(s.baselineRange)}`,
      }, `pooled F1 ${fmt(current)} over ${m} labels ${sinceText(since)} against ${fmt(f0)} (${m0} labels) in the baseline`),
    };
  });
}
