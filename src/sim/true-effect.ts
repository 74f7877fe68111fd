/**
 * What a skill's truth does to the metric its test tracks, measured by drawing leads from the world with
 * and without the skill (life.ts, the pipeline's own draws), at full maturity. A scenario declares a
 * "+20%" skill; this is how that claim is checked, per metric, with the per-unit outcome the weekly
 * analysis uses (src/db/queries/test-outcomes.ts):
 * - qualification_rate: contacted leads, success = qualified;
 * - source_conversion_rate / conversion_rate: leads (of the segment), success = qualified;
 * - contact_rate: leads, success = contacted;
 * - avg_response_time_hours: contacted leads, value = hours to the first contact;
 * - avg_days_to_qualify: qualified leads, value = days contacted → qualified;
 * - f1_score: labelled validations, success = predicted equals the label (accuracy per unit).
 * The effect is the relative improvement in the metric's good direction, as the analysis reports its
 * lift: (t − c)/c for rates, (c − t)/c for durations.
 */
import { lowerIsBetter, type TrackedMetric } from '../metrics.ts';
import { drawLife, drawValidations, type NewLead } from './life.ts';
import { DEFAULT_CONFIG, LEAD_SOURCES, PATTERNS, type LeadSource, type PipelineConfig, type WorldState } from './params.ts';
import { createRng } from './rng.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Monday noon: leads are spread over a week from here so weekday effects average out. */
const T0 = Date.parse('2026-01-05T12:00:00Z');

/** The metric's mean per unit over `n` leads drawn from `world`, with the number of units it rests on. */
export interface MetricSample {
  readonly value: number;
  readonly units: number;
}

/**
 * Draw `n` leads from `world` and compute `metric` as the analysis does, all events matured. Lead i draws
 * from its own stream (seed, i), so two worlds measured with the same seed treat lead i alike wherever
 * their truths agree (common random numbers, lead by lead: one lead's diverging life does not shift the
 * draws of every later lead).
 */
export function measureMetric(
  seed: number, world: WorldState, metric: TrackedMetric, n: number,
  options: { segment?: LeadSource | null; config?: PipelineConfig } = {},
): MetricSample {
  const cfg = options.config ?? DEFAULT_CONFIG;
  const segment = options.segment ?? null;
  const shares = LEAD_SOURCES.map((s) => world.sources[s].share);
  let sum = 0;
  let units = 0;
  for (let i = 0; i < n; i++) {
    const rng = createRng((Math.imul(seed, 0x01000193) + i) | 0);
    const lead: NewLead = {
      id: i + 1, source: LEAD_SOURCES[rng.weightedIndex(shares)] ?? 'zillow',
      createdAt: T0 + (i % 7) * DAY + rng.uniform(-5, 5) * HOUR, agentId: 'agent-1',
    };
    const life = drawLife(rng, lead, world, cfg);
    const v = drawValidations(rng, lead, world, cfg, PATTERNS.map((_, k) => i * PATTERNS.length + k + 1));
    if (segment !== null && lead.source !== segment) continue;
    const at = (status: string) => life.events.find((e) => e.status === status)?.at;
    const contacted = at('contacted');
    const qualified = at('qualified');
    switch (metric) {
      case 'contact_rate': units++; sum += contacted === undefined ? 0 : 1; break;
      case 'conversion_rate':
      case 'source_conversion_rate': units++; sum += qualified === undefined ? 0 : 1; break;
      case 'qualification_rate':
        if (contacted !== undefined) { units++; sum += qualified === undefined ? 0 : 1; }
        break;
      case 'avg_response_time_hours':
        if (contacted !== undefined) { units++; sum += (contacted - lead.createdAt) / HOUR; }
        break;
      case 'avg_days_to_qualify':
        if (contacted !== undefined && qualified !== undefined) { units++; sum += (qualified - contacted) / DAY; }
        break;
      case 'f1_score':
        for (const f of v.feedback) {
          const row = v.validations.find((x) => x.id === f.validationId);
          if (row && f.actual !== null) { units++; sum += row.predicted === f.actual ? 1 : 0; }
        }
        break;
    }
  }
  return { value: units === 0 ? Number.NaN : sum / units, units };
}

/** A measured relative effect in %, positive = better, with both sides' samples. */
export interface MeasuredEffect {
  readonly effectPct: number;
  readonly control: MetricSample;
  readonly treatment: MetricSample;
}

/**
 * The relative improvement of `metric` when `apply` treats every lead of `world`: two samples of `n`
 * leads drawn from the same seed (common random numbers, see measureMetric), so the difference is mostly
 * the skill's and not sampling noise.
 */
export function measureEffect(
  world: WorldState, apply: (w: WorldState) => WorldState, metric: TrackedMetric, n: number, seed: number,
  options: { segment?: LeadSource | null; config?: PipelineConfig } = {},
): MeasuredEffect {
  const control = measureMetric(seed, world, metric, n, options);
  const treatment = measureMetric(seed, apply(world), metric, n, options);
  const c = control.value;
  const t = treatment.value;
  const effectPct = ((lowerIsBetter(metric) ? c - t : t - c) / Math.abs(c)) * 100;
  return { effectPct, control, treatment };
}
