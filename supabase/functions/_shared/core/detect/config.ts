// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Detection configuration: the seed's fixed thresholds (docs/design.md §3 step 2) are the defaults, plus the
 * windows, minimum volumes and significance levels of the baseline-drop tests. One defaults object,
 * validated user overrides merged over it by `parseDetectionConfig` (config-schema.ts).
 */

/** Levels of "lost outcomes per week" (rates), duration ratio and F1 points that map to a severity. */
export interface SeverityCutoffs {
  /** Rate metrics: outcomes lost per week = weekly volume × (reference − current). */
  readonly lostPerWeek: { readonly medium: number; readonly high: number };
  /** Duration metrics: current / reference. */
  readonly durationRatio: { readonly medium: number; readonly high: number };
  /** F1: reference − current, in F1 units. */
  readonly f1Points: { readonly medium: number; readonly high: number };
}

/** Which baseline test a type runs: the sequential one, the window one, or both. */
export type DropTest = 'cusum' | 'window' | 'both';

export interface DetectionConfig {
  /** Days in the recent window, ending on the metric day D (D−6..D by default). */
  readonly recentDays: number;
  /** Days in the trailing baseline window just before the recent one (D−34..D−7 by default). */
  readonly baselineDays: number;
  /** One-sided significance level of every baseline-drop test (after Benjamini–Hochberg for sources). */
  readonly alpha: number;
  /**
   * A fixed threshold fires only when the recent value is past the line with this one-sided confidence
   * (0.9: the line lies outside the 80 % two-sided interval). 0.5 reproduces the seed's plain comparison.
   */
  readonly thresholdConfidence: number;
  /** Minimum events (the rule's denominator) in each window before a rule may fire. */
  readonly minEvents: number;
  /** Cohorts are judged only once their outcome had time to happen (research: matured cohorts). */
  readonly maturity: {
    /** A lead created ≥ this many days ago counts as "not contacted" if it has no contact by then. */
    readonly contactDays: number;
    /** A contacted lead counts as "not qualified" if it did not qualify within this many days. */
    readonly qualifyDays: number;
    /** A lead counts as converted for its source if it qualified or closed within this many days. */
    readonly sourceDays: number;
  };
  readonly lowResponseRate: {
    readonly maxAvgResponseHours: number;
    readonly minContactRate: number;
    readonly targetResponseHours: number;
    readonly targetContactRate: number;
    /** Speed-to-lead share: contacted within this many hours of creation (reported as evidence). */
    readonly fastResponseHours: number;
    /** Minimum effect of a response-time rise: ratio of geometric means recent / baseline. */
    readonly minResponseRatio: number;
    /** Minimum effect of a contact-rate drop, relative to the baseline rate. */
    readonly minRelativeDrop: number;
  };
  readonly poorQualification: {
    readonly minQualificationRate: number;
    readonly targetQualificationRate: number;
    readonly minRelativeDrop: number;
  };
  readonly validationAccuracy: {
    readonly minF1: number;
    readonly targetF1: number;
    /** Minimum effect of an F1 drop, in F1 units. */
    readonly minF1Drop: number;
  };
  readonly slowFollowUp: {
    readonly maxAvgDaysToQualify: number;
    readonly targetDaysToQualify: number;
    /** Minimum effect: ratio of geometric means of days-to-qualify, recent / baseline. */
    readonly minDelayRatio: number;
  };
  readonly weakLeadSource: {
    /** A source converting below this… */
    readonly weakBelow: number;
    /** …while another converts at least this. */
    readonly strongAtLeast: number;
    /** Trailing cohort window (days) of the source-conversion threshold rule. */
    readonly windowDays: number;
    /** One-sided level of the weak-vs-strong comparison (Benjamini–Hochberg across weak sources). */
    readonly pairAlpha: number;
    readonly targetRate: number;
    readonly minRelativeDrop: number;
  };
  /**
   * Attribution of a funnel-wide qualification drop to the sources that explain it (src/detect/attribution.ts):
   * the sources must differ (rates: Cochran's Q; or the mix: chi-square) at level `alpha`, and at most
   * `maxSourceShare` of the sources must explain at least `minExplainedShare` of the drop; a source takes part
   * in the tests with at least `minUnits` units in each window.
   */
  readonly attribution: {
    readonly alpha: number;
    readonly minExplainedShare: number;
    readonly maxSourceShare: number;
    readonly minUnits: number;
  };
  /**
   * Sequential detectors (src/detect/cusum-checks.ts): one-sided CUSUMs over the last `days` days against the
   * baselineDays before them. Each is designed for a shift (the alternative of its likelihood ratio) and fires
   * when its statistic ends above its threshold h (nats), tuned on the seeded simulation to the false-alarm
   * budget (src/detect/README.md).
   */
  readonly cusum: {
    /**
     * Which drop test each of qualification, response times, days to qualify and F1 uses against its baseline:
     * the CUSUM ('cusum'), the window test ('window', the previous method), or both. Contact rate and sources keep
     * their window tests. Defaults from the seeded simulation (src/detect/README.md, bench/README.md): response
     * times use the CUSUM (median delay 1 day for 2 h → 8 h, against 2); qualification keeps the window test
     * because its CUSUM (5 days for 60 % → 40 %, against 11) fires before the matured per-source cohorts can
     * attribute the drop, and spawned the lead-scorer for one source's drop in 20 of 30 series (13 with the
     * window test); F1 (7 days against 6) and days to qualify (10 against 6) gain nothing from theirs.
     */
    readonly dropTest: { readonly qualification: DropTest; readonly response: DropTest; readonly delay: DropTest; readonly f1: DropTest };
    readonly days: number;
    /** Design drop of the qualify share, relative to the baseline. */
    readonly qualificationDrop: number;
    /** Design ratio of geometric means of response times. */
    readonly responseRatio: number;
    /**
     * Days to qualify: the CUSUM watches the share of a contact day's qualifications that came within
     * `delayLagDays` local days (of those qualified by its age), designed for a relative drop `delayDrop`.
     */
    readonly delayLagDays: number;
    readonly delayDrop: number;
    /** Design F1 drop (F1 units). */
    readonly f1Drop: number;
    readonly qualificationH: number;
    readonly responseH: number;
    readonly delayH: number;
    readonly f1H: number;
  };
  readonly severity: SeverityCutoffs;
}

/** The seed's thresholds and targets; statistical settings explained in src/detect/README.md. */
export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  recentDays: 7,
  baselineDays: 28,
  alpha: 0.005,
  thresholdConfidence: 0.9,
  minEvents: 30,
  maturity: { contactDays: 2, qualifyDays: 7, sourceDays: 14 },
  lowResponseRate: {
    maxAvgResponseHours: 4,
    minContactRate: 0.6,
    targetResponseHours: 2,
    targetContactRate: 0.8,
    fastResponseHours: 1,
    minResponseRatio: 1.5,
    minRelativeDrop: 0.15,
  },
  poorQualification: { minQualificationRate: 0.3, targetQualificationRate: 0.5, minRelativeDrop: 0.15 },
  validationAccuracy: { minF1: 0.8, targetF1: 0.87, minF1Drop: 0.05 },
  slowFollowUp: { maxAvgDaysToQualify: 5, targetDaysToQualify: 3, minDelayRatio: 1.3 },
  weakLeadSource: {
    weakBelow: 0.1,
    strongAtLeast: 0.3,
    windowDays: 30,
    pairAlpha: 0.05,
    targetRate: 0.2,
    minRelativeDrop: 0.25,
  },
  attribution: { alpha: 0.01, minExplainedShare: 0.75, maxSourceShare: 0.5, minUnits: 10 },
  cusum: {
    dropTest: { qualification: 'window', response: 'cusum', delay: 'window', f1: 'window' }, days: 14, qualificationDrop: 0.4, responseRatio: 2, delayLagDays: 1, delayDrop: 0.4, f1Drop: 0.1,
    qualificationH: 5.5, responseH: 7, delayH: 7, f1H: 7,
  },
  severity: {
    lostPerWeek: { medium: 3, high: 10 },
    durationRatio: { medium: 1.5, high: 3 },
    f1Points: { medium: 0.05, high: 0.1 },
  },
};

/** A user's override: any subset of the fields, at any depth. */
export type DetectionConfigOverride = {
  readonly [K in keyof DetectionConfig]?: DetectionConfig[K] extends object
    ? { readonly [J in keyof DetectionConfig[K]]?: DetectionConfig[K][J] extends object ? Partial<DetectionConfig[K][J]> : DetectionConfig[K][J] }
    : DetectionConfig[K];
};
