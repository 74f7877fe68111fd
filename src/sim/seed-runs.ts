/**
 * Runs one simulation per seed, each on its own fresh database (a seed must not see another's leads or
 * skills), one after another, and sums them up with aggregateSeeds (seed-report.ts).
 */
import type { Database } from '../db/port.ts';
import type { Progress } from '../jobs/deps.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_SIMULATION, runSimulation, type SimulationJobs } from './run.ts';
import { scenarioByName, type ScenarioName } from './scenarios.ts';
import { aggregateSeeds, type EffectRow, type SkillOutcome } from './seed-report.ts';

export interface SeedRunsOptions {
  readonly jobs: SimulationJobs;
  /** A migrated, empty database; closed by the runner after its seed. */
  readonly openFresh: () => Promise<Database>;
  readonly scenario?: ScenarioName;
  readonly days?: number;
  /** Seeds firstSeed .. firstSeed + seeds − 1. */
  readonly firstSeed?: number;
  readonly seeds: number;
  readonly leadsPerDay?: number;
  readonly warmupDays?: number;
  readonly startDate?: string;
  readonly logger?: Logger;
  /** Simulated days over all seeds; the label names the seed. */
  readonly progress?: Progress;
}

/** One seed's skills as the report keeps them (JSON: enough to recount any row by hand). */
export interface SeedRunSummary {
  readonly seed: number;
  readonly right: number;
  readonly wrong: number;
  readonly acceptable: number;
  readonly undecided: number;
  readonly skills: readonly (SkillOutcome & { readonly metric: string | null; readonly trueEffectPct: number | null;
    readonly liftPct: number | null })[];
}

export interface SeedReport {
  readonly scenario: ScenarioName;
  readonly description: string;
  readonly days: number;
  readonly leadsPerDay: number;
  readonly warmupDays: number;
  readonly startDate: string;
  readonly seeds: readonly number[];
  readonly rows: readonly EffectRow[];
  readonly runs: readonly SeedRunSummary[];
}

export async function runSeeds(options: SeedRunsOptions): Promise<SeedReport> {
  const name = options.scenario ?? DEFAULT_SIMULATION.scenario;
  const first = options.firstSeed ?? DEFAULT_SIMULATION.seed;
  const warmupDays = options.warmupDays ?? DEFAULT_SIMULATION.warmupDays;
  const scenario = scenarioByName(name, options.days);
  const days = options.days ?? scenario.days;
  const perSeed = warmupDays + days;
  const seeds = Array.from({ length: options.seeds }, (_, i) => first + i);
  const runs: SeedRunSummary[] = [];
  for (const [i, seed] of seeds.entries()) {
    const db = await options.openFresh();
    try {
      const r = await runSimulation(db, {
        jobs: options.jobs, scenario: name, days, seed, leadsPerDay: options.leadsPerDay, warmupDays,
        startDate: options.startDate, logger: options.logger,
        progress: (done, _total, label) => options.progress?.(i * perSeed + done, seeds.length * perSeed, `seed ${seed}, ${label}`),
      });
      const s = r.summary;
      runs.push({ seed, right: s.right, wrong: s.wrong, acceptable: s.acceptable, undecided: s.undecided,
        skills: s.skills.map((k) => ({ skillType: k.skillType, metric: k.metric, status: k.status, killReason: k.killReason,
          spawnedOn: k.spawnedOn, decidedOn: k.decidedOn, trueEffectPct: k.trueEffectPct, liftPct: k.liftPct })) });
    } finally {
      await db.close();
    }
  }
  return {
    scenario: name, description: scenario.description, days,
    leadsPerDay: options.leadsPerDay ?? DEFAULT_SIMULATION.leadsPerDay, warmupDays,
    startDate: options.startDate ?? DEFAULT_SIMULATION.startDate, seeds,
    rows: aggregateSeeds(runs, scenario.skills), runs,
  };
}
