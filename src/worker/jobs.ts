/**
 * The real jobs behind the worker, each reduced to the small summary kept in lh_job_runs.summary (the
 * full results are the jobs' own output; the ledger only says what a run did).
 */
import { runAnalysisJob } from '../jobs/analyze.ts';
import { runDailyJob } from '../jobs/daily.ts';
import { generateSkillActions } from '../db/queries/skill-actions.ts';
import type { WorkerJobs } from './worker.ts';

export const defaultWorkerJobs: WorkerJobs = {
  async daily(deps, range) {
    const r = await runDailyJob(deps, range);
    return {
      from: r.from, to: r.to, days: r.days.length,
      bottlenecks: r.days.reduce((n, d) => n + d.bottlenecks.length, 0),
      spawned: r.spawned.map((s) => s.skill.skillName), skipped: r.skipped.length,
    };
  },
  async analysis(deps) {
    const r = await runAnalysisJob(deps);
    return { asOf: r.asOf, tests: r.tests.length, ...r.counts };
  },
  async actions(deps) {
    const r = await generateSkillActions(deps.db, deps.clock.now());
    return { assigned: r.assigned, created: Object.values(r.created).reduce((a, b) => a + b, 0), cancelled: r.cancelled, expired: r.expired };
  },
};
