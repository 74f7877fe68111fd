/**
 * The simulation loop: a synthetic pipeline written day by day into the real tables, driven through the
 * REAL jobs on a simulated clock — the daily job at 00:01 of every day (for the day that just ended) and
 * the weekly analysis every Monday at 00:05 — with the scenario's bottlenecks injected and each skill's
 * true effect applied to the leads it treats. Returns the timeline and the judgement of every skill.
 */
import { fixedClock } from '../clock.ts';
import type { Database, Queryable } from '../db/port.ts';
import type { Bottleneck } from '../detect/types.ts';
import type { DailyResult, Skipped } from '../jobs/daily-result.ts';
import type { JobDeps, Progress } from '../jobs/deps.ts';
import { noProgress } from '../jobs/deps.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { DEFAULT_CONFIG } from './params.ts';
import { DAY_MS, SyntheticPipeline } from './pipeline.ts';
import { createRng } from './rng.ts';
import { scenarioByName, worldOn, type ScenarioName } from './scenarios.ts';
import { summarise } from './summary.ts';
import type { DayStats, SimulationResult, TimelineEvent } from './timeline.ts';

/** The jobs the loop drives (the real ones by default: see jobs.ts); injectable for tests of the loop itself. */
export interface SimulationJobs {
  daily(deps: JobDeps, options: { from: string; to: string }): Promise<DailyResult>;
  analyze(deps: JobDeps): Promise<unknown>;
}

export interface SimulationOptions {
  readonly jobs: SimulationJobs;
  readonly scenario?: ScenarioName;
  readonly days?: number;
  readonly seed?: number;
  readonly leadsPerDay?: number;
  /** Simulated day 0 (UTC, YYYY-MM-DD). Default 2026-01-05, a Monday. */
  readonly startDate?: string;
  /**
   * Days of healthy history written before day 0 and backfilled by one daily-job run over the range,
   * so that the jobs start on a pipeline with a past (as a real deployment does) and not on a cold start
   * whose first cohorts have not matured yet. Default 42 (the 35-day detection windows, plus a week).
   */
  readonly warmupDays?: number;
  /** Warnings and errors of the jobs go here (their info lines are dropped: the timeline tells the story). */
  readonly logger?: Logger;
  readonly progress?: Progress;
  /** Called for each timeline event as it happens (the CLI prints the timeline live). */
  readonly onEvent?: (e: TimelineEvent) => void;
}

export const DEFAULT_SIMULATION = { scenario: 'default', days: 120, seed: 42, leadsPerDay: 50, startDate: '2026-01-05', warmupDays: 42 } as const;

/** The simulation cannot run as asked (bad option, or a database that already holds real data). */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Run a whole simulation on a migrated, empty database. */
export async function runSimulation(db: Database, options: SimulationOptions): Promise<SimulationResult> {
  // each scenario has its own natural length (modest: 180 days, long enough for its slowest test)
  const days = options.days ?? scenarioByName(options.scenario ?? DEFAULT_SIMULATION.scenario).days;
  const seed = options.seed ?? DEFAULT_SIMULATION.seed;
  const leadsPerDay = options.leadsPerDay ?? DEFAULT_SIMULATION.leadsPerDay;
  const startDate = options.startDate ?? DEFAULT_SIMULATION.startDate;
  const warmup = options.warmupDays ?? DEFAULT_SIMULATION.warmupDays;
  const startMs = Date.parse(`${startDate}T00:00:00Z`);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new SimulationError(`days must be an integer in 1..3650, got ${days}`);
  if (!(leadsPerDay > 0 && leadsPerDay <= 100_000)) throw new SimulationError(`leads per day must be in (0, 100000], got ${leadsPerDay}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(startMs)) throw new SimulationError(`start date must be YYYY-MM-DD, got "${startDate}"`);
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > 365) throw new SimulationError(`warm-up days must be an integer in 0..365, got ${warmup}`);
  await assertEmpty(db);

  const scenario = scenarioByName(options.scenario ?? DEFAULT_SIMULATION.scenario, days);
  // pipeline days count from the first warm-up day; reported days from `startDate` (warm-up days < 0)
  const pipeline = new SyntheticPipeline(createRng(seed), { ...DEFAULT_CONFIG, leadsPerDay }, startMs - warmup * DAY_MS);
  const logger = options.logger ? warningsOnly(options.logger) : silentLogger;
  const progress = options.progress ?? noProgress;
  const timeline: TimelineEvent[] = [];
  const emit = (e: TimelineEvent) => { timeline.push(e); options.onEvent?.(e); };
  const daily: DayStats[] = [];
  const totals = { leads: 0, validations: 0, feedback: 0, dailyRuns: 0, analysisRuns: 0 };
  let open = new Set<string>();

  /** 00:01 of pipeline day `day`: the daily job over `fromDay`..day − 1, then on Mondays the analysis at 00:05. */
  const runJobs = async (day: number, fromDay: number): Promise<void> => {
    const date = isoDate(pipeline.dayStart(day - 1));
    const reported = day - 1 - warmup;
    const deps: JobDeps = { db, clock: fixedClock(new Date(pipeline.dayStart(day) + 60_000)), logger };
    const result = await options.jobs.daily(deps, { from: isoDate(pipeline.dayStart(fromDay)), to: date });
    totals.dailyRuns++;
    const bottlenecks = result.days[result.days.length - 1]?.bottlenecks ?? [];
    const fresh = reportDetections(bottlenecks, open, reported, date, emit);
    open = new Set(bottlenecks.map(keyOf));
    for (const k of result.skipped) {
      // a skip is news only on the day its bottleneck (re)appears; repeating it daily would drown the timeline
      if (!fresh.has(keyOf(k))) continue;
      emit({ kind: 'skipped', day: reported, date, bottleneck: k.type, skillType: k.skill, segment: k.segment, reason: skipText(k) });
    }
    for (const s of result.spawned) {
      emit({ kind: 'spawned', day: reported, date, skillId: s.skill.id, skillType: s.skill.skillType, testId: s.test.id,
        metric: s.test.metricTracked, segment: s.test.segment, baselineValue: s.skill.baselineValue,
        targetValue: s.skill.targetValue, minSampleSize: s.test.minSampleSize,
        policy: s.test.policy, designLiftPct: s.test.design?.liftPct ?? null, designNote: s.test.design?.note ?? null });
    }
    const stats = daily[reported];
    if (stats) daily[reported] = { ...stats, bottlenecks: bottlenecks.map((b) => b.type) };
    if (day > warmup && new Date(pipeline.dayStart(day)).getUTCDay() === 1) {
      const at = pipeline.dayStart(day) + 5 * 60_000;
      const running = await runningTests(db);
      await options.jobs.analyze({ db, clock: fixedClock(new Date(at)), logger });
      totals.analysisRuns++;
      for (const e of await looksAt(db, running, day - warmup, isoDate(at))) emit(e);
    }
  };

  const total = warmup + days;
  for (let day = 0; day < total; day++) {
    if (day === warmup && warmup > 0) await runJobs(day, 0); // one backfill over the warm-up history
    else if (day > warmup) await runJobs(day, day - 1);
    const reported = day - warmup;
    for (const e of scenario.episodes) {
      if (e.startDay === reported) emit({ kind: 'episode', day: reported, date: isoDate(pipeline.dayStart(day)), bottleneck: e.bottleneck, label: e.label });
    }
    const w = await pipeline.writeDay(db, day, { world: worldOn(scenario, Math.max(0, reported)), skills: scenario.skills });
    totals.leads += w.newLeads;
    totals.validations += w.validations;
    totals.feedback += w.feedback;
    if (reported >= 0) {
      daily.push({ day: reported, date: isoDate(pipeline.dayStart(day)), newLeads: w.newLeads, inTest: w.control + w.treatment, bottlenecks: [] });
    }
    progress(day + 1, total, isoDate(pipeline.dayStart(day)));
  }
  await runJobs(total, total - 1);

  return {
    scenario: scenario.name, description: scenario.description, seed, days, leadsPerDay, startDate,
    endDate: isoDate(pipeline.dayStart(total - 1)), warmupDays: warmup, totals, timeline, daily,
    summary: await summarise(db, scenario),
  };
}

/** Simulating into a database that holds real leads would mix synthetic rows into them: refuse. */
async function assertEmpty(db: Queryable): Promise<void> {
  const [row] = await db.query<{ leads: number; skills: number }>(
    `select (select count(*) from public.lh_lead_status)::int as leads, (select count(*) from public.lh_spawned_skills)::int as skills`);
  if ((row?.leads ?? 0) > 0 || (row?.skills ?? 0) > 0) {
    throw new SimulationError(`the database already holds ${row?.leads ?? 0} leads and ${row?.skills ?? 0} skills: ` +
      'simulate writes synthetic data, so run it on an empty database (the default for simulate is --memory)');
  }
}

const keyOf = (b: { type: string; segment: string | null }): string => `${b.type}:${b.segment ?? ''}`;

/** Emit a 'detected' event for each bottleneck (type + segment) not open the day before; returns their keys. */
function reportDetections(bs: readonly Bottleneck[], open: ReadonlySet<string>, day: number, date: string,
  emit: (e: TimelineEvent) => void): Set<string> {
  const fresh = new Set<string>();
  for (const b of bs) {
    const key = keyOf(b);
    if (open.has(key) || fresh.has(key)) continue;
    fresh.add(key);
    emit({ kind: 'detected', day, date, bottleneck: b.type, metric: b.metric, segment: b.segment, severity: b.severity,
      currentValue: b.currentValue, targetValue: b.targetValue, summary: b.evidence[0]?.summary ?? '',
      attribution: b.evidence.slice(1).find((x) => x.trigger.kind === 'attribution')?.summary ?? null });
  }
  return fresh;
}

/** Why the daily job did not spawn a skill, in words. */
function skipText(k: Skipped): string {
  switch (k.reason) {
    case 'already-testing': return `skill #${k.testingSkillId} (${k.skill}${k.segment ? ` for ${k.segment}` : ''}) is already being tested`;
    case 'killed-recently': return `a ${k.skill} was killed on ${k.killedAt.slice(0, 10)}: cooldown ${k.cooldownDays} days, ${k.daysRemaining} to go`;
    case 'kept-recently': return `a ${k.skill} was kept on ${k.keptAt.slice(0, 10)}: its rollout is still in the detection window, ${k.daysRemaining} day(s) to go`;
    case 'metric-has-running-test': return `test #${k.runningTestId} already runs on ${k.metric}`;
    case 'lost-race': return `another run spawned it first (${k.detail})`;
  }
}

async function runningTests(db: Queryable): Promise<number[]> {
  const rows = await db.query<{ id: number }>(`select id from public.lh_ab_tests where status = 'running' order by id`);
  return rows.map((r) => Number(r.id));
}

/** What the analysis did to the tests that were running: a look (still running) or a decision (completed). */
async function looksAt(db: Queryable, ids: readonly number[], day: number, date: string): Promise<TimelineEvent[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<{ id: number; status: string; skill_id: number | null; skill_type: string | null;
    recommendation: string | null; control_n: number | null; treatment_n: number | null; lift_pct: number | null;
    p_value: number | null; reason: string | null }>(
    `select t.id, t.status, t.skill_id, s.skill_type, t.recommendation, t.control_sample_size as control_n,
       t.treatment_sample_size as treatment_n, t.lift_pct, t.p_value, t.decision_reason as reason
     from public.lh_ab_tests t left join public.lh_spawned_skills s on s.id = t.skill_id
     where t.id in (select (jsonb_array_elements_text($1::text::jsonb))::int8) order by t.id`, [JSON.stringify(ids)]);
  return rows.map((r) => ({
    kind: r.status === 'completed' ? 'decided' : 'analyzed', day, date, testId: Number(r.id),
    skillId: r.skill_id === null ? null : Number(r.skill_id), skillType: r.skill_type as never,
    recommendation: r.recommendation, controlN: r.control_n, treatmentN: r.treatment_n,
    liftPct: r.lift_pct, pValue: r.p_value, reason: r.reason,
  }));
}

function warningsOnly(logger: Logger): Logger {
  return { log: (level, message, fields) => { if (level === 'warn' || level === 'error') logger.log(level, message, fields); } };
}
