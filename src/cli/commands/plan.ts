/**
 * `lh-brain plan --baseline X --target Y [--daily-leads N] [--max-days D] [--metric NAME] [--allocation PCT] [--policy P]`:
 * what a test needs for 80 % power to end in KEEP under the policy that will decide it (default planned:
 * the group-sequential design the daily job stores; seed/sequential: a per-group size), how long that
 * takes at a daily volume, whether it fits in the maximum duration, and the smallest lift that would.
 * Needs no database.
 */
import type { Command } from 'commander';
import { planTest } from '../../experiments/plan-test.ts';
import type { Plan, PlanRequest } from '../../experiments/planner.ts';
import { isPolicyName, POLICY_NAMES } from '../../experiments/types.ts';
import { isTrackedMetric, METRIC_KIND, TRACKED_METRICS } from '../../metrics.ts';
import { makeContext } from '../context.ts';
import { UsageError } from '../errors.ts';

interface PlanCliOptions {
  baseline?: string;
  target?: string;
  dailyLeads?: string;
  metric?: string;
  allocation?: string;
  policy?: string;
  sd?: string;
  power?: string;
  maxDays?: string;
  testNumber?: string;
}

function number(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`${flag} must be a number, got "${v}"`);
  return x;
}

function maxDays(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 3650) throw new UsageError(`--max-days must be a whole number of days in 1..3650, got "${v}"`);
  return Number(v);
}

function testNumber(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 100) throw new UsageError(`--test-number must be a whole number in 1..100, got "${v}"`);
  return Number(v);
}

/** Flags → PlanRequest; UsageError (exit 2) for anything missing or malformed. */
export function parsePlanArgs(o: PlanCliOptions): PlanRequest {
  if (o.baseline === undefined || o.target === undefined) throw new UsageError('plan needs --baseline and --target');
  const metric = o.metric ?? 'conversion_rate';
  if (!isTrackedMetric(metric)) throw new UsageError(`--metric must be one of ${TRACKED_METRICS.join(', ')}; got "${metric}"`);
  if (o.policy !== undefined && !isPolicyName(o.policy)) {
    throw new UsageError(`--policy must be one of ${POLICY_NAMES.join(', ')}, got "${o.policy}"`);
  }
  const baseline = number('--baseline', o.baseline)!;
  const target = number('--target', o.target)!;
  if (METRIC_KIND[metric] !== 'duration' && (baseline >= 1 || target >= 1)) {
    throw new UsageError(`${metric} is a share: give --baseline and --target between 0 and 1 (e.g. 0.30, not 30)`);
  }
  return {
    metric, baseline, target,
    baselineSd: number('--sd', o.sd),
    policy: (o.policy ?? 'planned') as PlanRequest['policy'],
    maxDurationDays: maxDays(o.maxDays),
    power: number('--power', o.power),
    dailyUnits: number('--daily-leads', o.dailyLeads),
    allocationPct: number('--allocation', o.allocation),
    testNumber: testNumber(o.testNumber),
  };
}

/** Human rendering of a plan. */
export function renderPlan(p: Plan): string {
  const isRate = METRIC_KIND[p.metric] !== 'duration';
  const lines = [
    `plan for ${p.metric}: ${p.baseline} → ${p.target} (${isRate ? 'lift' : 'reduction'} ${p.targetLiftPct.toFixed(1)}%), ${p.policy} policy`,
    p.design === null
      ? `  per group:  ${p.perGroup} (min_sample_size; the rule needs ${p.requiredPerGroup}, floor 100)`
      : `  per group:  at most ${p.perGroup} (the design's maximum; weekly looks may stop it much earlier)`,
    `  power:      ${(p.powerAtPerGroup * 100).toFixed(1)}% chance of KEEP if the target is the truth (asked: ${(p.power * 100).toFixed(0)}%)`,
  ];
  if (p.days !== null) {
    lines.push(`  duration:   ${p.design === null ? '' : 'at most '}${p.days} days (${p.weeks} week${p.weeks === 1 ? '' : 's'}), maximum allowed ${p.maxDurationDays}`);
    lines.push(p.feasible
      ? `  feasible:   yes, it fits within ${p.maxDurationDays} days`
      : `  feasible:   NO: it needs ${p.days} days, more than the ${p.maxDurationDays} allowed; ` +
        (p.minDetectableLiftPct === null ? 'no lift is detectable in time at this volume'
          : `the smallest lift detectable in time is +${p.minDetectableLiftPct.toFixed(1)}%`));
  } else {
    lines.push('  duration:   give --daily-leads N for the expected duration and whether it fits');
  }
  lines.push(...p.assumptions.map((a) => `  assumes:    ${a}`));
  return lines.join('\n');
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('sample size per group and expected duration of an A/B test')
    .option('--baseline <x>', 'current value: a share in (0, 1) for rates (0.30), hours/days for durations')
    .option('--target <y>', 'the value the skill should reach (its lift must exceed the KEEP threshold, 10%)')
    .option('--daily-leads <n>', "units entering the test per day, both groups (leads; contacted leads for qualification_rate)")
    .option('--metric <name>', `metric tracked (${TRACKED_METRICS.join(', ')})`, 'conversion_rate')
    .option('--allocation <pct>', 'treatment share in % (traffic_allocation_pct)', '50')
    .option('--policy <name>', `decision policy: ${POLICY_NAMES.join(', ')} (default planned, what the daily job spawns)`)
    .option('--max-days <n>', 'the test\'s maximum duration in days (default 182): is the plan feasible within it?')
    .option('--sd <x>', 'durations: standard deviation of one duration (default: the baseline mean)')
    .option('--power <p>', 'wanted chance of KEEP when the target is true (default 0.8)')
    .option('--test-number <i>', 'planned: the skill\'s i-th test since its last KEEP, which gets that test\'s share of the skill\'s α (default 1)')
    .addHelpText('after', '\nExample: lh-brain plan --baseline 0.30 --target 0.36 --daily-leads 40\n' +
      'The size is planned for the decision rule itself (KEEP needs significance AND an observed lift > 10%).\n' +
      'With --json: feasible (true/false; null without --daily-leads) and minDetectableLiftPct at that volume and duration.')
    .action((opts: PlanCliOptions, cmd: Command) => {
      const request = parsePlanArgs(opts);
      const ctx = makeContext(cmd);
      const plan = planTest(request);
      if (plan.kind === 'invalid') throw new UsageError(plan.reason);
      if (plan.kind === 'unreachable') throw new Error(`cannot plan: ${plan.reason}`);
      ctx.output(plan, () => renderPlan(plan));
    });
}
