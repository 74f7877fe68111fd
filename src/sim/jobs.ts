/** The real jobs the simulation drives: the daily job and the weekly analysis, exactly as the CLI runs them. */
import { runAnalysisJob } from '../jobs/analyze.ts';
import { runDailyJob } from '../jobs/daily.ts';
import type { SimulationJobs } from './run.ts';

export const REAL_JOBS: SimulationJobs = {
  daily: (deps, options) => runDailyJob(deps, options),
  analyze: (deps) => runAnalysisJob(deps),
};
