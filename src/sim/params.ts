/**
 * The simulated world's true parameters and their defaults, with the published figure each one rests
 * on (see also /shared research "Simulator defaults"). A `WorldState` is the truth on one day; scenarios
 * (scenarios.ts) bend it over time (episodes) and skills bend it for the leads they treat (effects.ts).
 */

export const LEAD_SOURCES = ['zillow', 'direct_mail', 'cold_call', 'referral'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const PATTERNS = ['business_detection', 'distress_detection'] as const;
export type PatternName = (typeof PATTERNS)[number];

export interface SourceTruth {
  /** Share of new leads that come from this source. */
  readonly share: number;
  /** P(qualified | contacted instantly): multiplied by the speed-to-lead factor of the actual delay. */
  readonly qualifyGivenContact: number;
}

/** The truth on one simulated day, for one group of leads (control, treatment, or everyone). */
export interface WorldState {
  /** Median hours from creation to the agent's first successful contact (lognormal). */
  readonly responseMedianHours: number;
  /** Log-scale σ of the response delay: response times are heavy-tailed. */
  readonly responseSigma: number;
  /** Share of leads an agent never responds to. */
  readonly neverRespondShare: number;
  /** Median days contacted → qualified (lognormal) and its log-scale σ. */
  readonly qualifyMedianDays: number;
  readonly qualifySigma: number;
  /** Validation accuracy (sensitivity = specificity) of the pattern detectors. */
  readonly validationAccuracy: number;
  readonly sources: Readonly<Record<LeadSource, SourceTruth>>;
}

/**
 * The healthy pipeline. Sources: portal leads (Zillow-type) close at 2–5% and referrals at 15–30%
 * (industry coaching material / NAR profiles: weak sources, used only for the ordering and the gap);
 * cold calls: 28% of dials answered (Baylor University Keller Center, 2011); direct mail responds at
 * 4.9%–9% (ANA/DMA response rate report 2018). Qualification rates are above close rates: a
 * qualified lead is one worth pursuing, not a sale.
 * Response: a team that runs this tool answers fast: median 1 h with a heavy tail (σ 1.2 → mean ≈ 2 h,
 * the seed's "2 h" healthy example); 5% never answered (the HBR audit found 23% never answered, which is
 * where the degraded episode goes).
 * Contacted → qualified: lognormal, median 2 days, 90th percentile 8 days (an assumption: no published
 * figure) → σ = ln(8/2)/z(0.90) = ln 4 / 1.2816 ≈ 1.082.
 * Validation: accuracy 0.90 gives the seed's healthy F1 ≈ 0.87 averaged over the two patterns.
 */
export const HEALTHY: WorldState = {
  responseMedianHours: 1,
  responseSigma: 1.2,
  neverRespondShare: 0.05,
  qualifyMedianDays: 2,
  qualifySigma: Math.log(4) / 1.2815515655446004,
  validationAccuracy: 0.9,
  sources: {
    zillow: { share: 0.35, qualifyGivenContact: 0.38 },
    direct_mail: { share: 0.25, qualifyGivenContact: 0.6 },
    cold_call: { share: 0.2, qualifyGivenContact: 0.55 },
    referral: { share: 0.2, qualifyGivenContact: 0.8 },
  },
};

/**
 * Speed to lead, reaching the lead: P(reached | first attempt after t hours) = 0.97·(1 + t/4)^−0.3
 * (0.97 at 5 min, 0.91 at 1 h, 0.79 at 4 h, 0.54 at 24 h). Oldroyd/InsideSales, Lead Response Management
 * Study (2007): 5 vs 30 min ≈ 100× odds of contact; HBR, "The Short Life of Online Sales Leads" (2011):
 * within 1 h vs 24 h+ > 60×. Deliberately damped: the studies' odds ratios come from cold web leads,
 * and undamped they would make every healthy day look like a bottleneck.
 */
export function reachProbability(hours: number): number {
  return 0.97 * Math.pow(1 + Math.max(0, hours) / 4, -0.3);
}

/**
 * Speed to lead, qualifying: a factor on P(qualified | contacted) = (1 + t)^−0.25 for a first contact
 * after t hours (0.98 at 5 min, 0.84 at 1 h, 0.67 at 4 h, 0.45 at 24 h). Same sources: within 1 h ~7× as
 * likely to qualify as an hour later (HBR 2011), ~21× at 5 vs 30 min (LRM 2007), damped as above.
 */
export function qualifySpeedFactor(hours: number): number {
  return Math.pow(1 + Math.max(0, hours), -0.25);
}

/**
 * Day of week (0 = Sunday, as Date.getUTCDay). Contact: LRM 2007 first-call contact relative to
 * Thursday (Mon 0.70, Tue 0.68, Wed 0.97, Thu 1.0, Fri 0.85), damped to a third of the gap; weekends
 * (no figure published) 0.9. Volume: portals and mailings bring more leads early in the week and fewer at
 * the weekend (an assumption), normalised so a week averages 1.
 */
const CONTACT_RAW = [0.9, 0.7, 0.68, 0.97, 1.0, 0.85, 0.9] as const;
export const WEEKDAY_CONTACT: readonly number[] = CONTACT_RAW.map((m) => 1 - (1 - m) / 3);
const VOLUME_RAW = [0.7, 1.15, 1.1, 1.05, 1.0, 0.95, 0.75] as const;
const VOLUME_MEAN = VOLUME_RAW.reduce((s, v) => s + v, 0) / VOLUME_RAW.length;
export const WEEKDAY_VOLUME: readonly number[] = VOLUME_RAW.map((v) => v / VOLUME_MEAN);

/** Knobs that do not change with episodes. */
export interface PipelineConfig {
  /** Mean new leads per day (a Poisson count × weekday volume). */
  readonly leadsPerDay: number;
  /** Leads arrive uniformly between these UTC hours. */
  readonly arrivalStartHour: number;
  readonly arrivalEndHour: number;
  /** P(closed | qualified) and the qualified → closed delay (lognormal median days, σ). */
  readonly closeGivenQualified: number;
  readonly closeMedianDays: number;
  readonly closeSigma: number;
  /** A lead not qualified within this many days of contact is lost; one never reached, this many after creation. */
  readonly qualifyCutoffDays: number;
  readonly unreachedLostDays: number;
  /** Prevalence of the true label per pattern (business owner: ~30%; distressed: ~50%). */
  readonly patternPrevalence: Readonly<Record<PatternName, number>>;
  /**
   * Share of validations an agent labels: 2 patterns × leads/day × 0.2 ≈ 20 labels a day at 50 leads/day
   * (the seed: 10–30 labels/day). Labels arrive 2–72 h after the validation.
   */
  readonly labelShare: number;
  /** Share of reached leads that get a lead-quality rating from the agent. */
  readonly qualityFeedbackShare: number;
}

export const DEFAULT_CONFIG: PipelineConfig = {
  leadsPerDay: 50,
  arrivalStartHour: 7,
  arrivalEndHour: 22,
  closeGivenQualified: 0.3,
  closeMedianDays: 10,
  closeSigma: 0.8,
  qualifyCutoffDays: 45,
  unreachedLostDays: 14,
  patternPrevalence: { business_detection: 0.3, distress_detection: 0.5 },
  labelShare: 0.2,
  qualityFeedbackShare: 0.1,
};
