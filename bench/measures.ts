/**
 * The measurements, each against a database already holding a generated dataset.
 */
import { fixedClock } from '../src/clock.ts';
import type { Database, Queryable } from '../src/db/port.ts';
import { connectPostgres } from '../src/db/postgres.ts';
import { runAnalysisJob } from '../src/jobs/analyze.ts';
import { runDailyJob } from '../src/jobs/daily.ts';
import type { JobDeps } from '../src/jobs/deps.ts';
import { silentLogger } from '../src/logger.ts';
import { bareAnalysis, bareDaily, DAILY_METRIC_QUERIES, DAILY_QUERIES, dayBounds, outcomeSql, SRM_SQL } from './bare-sql.ts';
import { profiled, type StatementTime } from './profile.ts';
import { BENCH_DAY, BENCH_NOW } from './config.ts';
import { detectionStatementsForExplain } from '../src/db/queries/detection-input.ts';
import { statsSql } from '../src/db/queries/test-outcomes.ts';
import { DEFAULT_DETECTION_CONFIG } from '../src/detect/config.ts';
import { ratio, round, summarize, time, type Timing } from './timing.ts';

export interface Comparison {
  readonly job: Timing;
  readonly bareSql: Timing;
  readonly ratio: number;
}

const deps = (db: Database): JobDeps => ({ db, clock: fixedClock(BENCH_NOW), logger: silentLogger });

/** The daily job for BENCH_DAY against its bare aggregates. */
export async function measureDaily(db: Database, repeat: number): Promise<Comparison & { bareMetricsOnly: Timing; profile: StatementTime[] }> {
  const job = await time(repeat, () => runDailyJob(deps(db), { date: BENCH_DAY }));
  const bareSql = await time(repeat, () => bareDaily(db, BENCH_DAY));
  const bareMetricsOnly = await time(repeat, () => bareDaily(db, BENCH_DAY, DAILY_METRIC_QUERIES));
  const p = profiled(db);
  await runDailyJob(deps(p.db), { date: BENCH_DAY });
  return { job, bareSql, ratio: ratio(job, bareSql), bareMetricsOnly, profile: p.times() };
}

/** The weekly analysis of the 20 running tests against their bare aggregates. */
export async function measureAnalysis(db: Database, repeat: number): Promise<Comparison & { analyzed: number; profile: StatementTime[] }> {
  let analyzed = 0;
  const job = await time(repeat, async () => { analyzed = (await runAnalysisJob(deps(db))).counts.analyzed; });
  const bareSql = await time(repeat, () => bareAnalysis(db, BENCH_NOW));
  const p = profiled(db);
  await runAnalysisJob(deps(p.db));
  return { job, bareSql, ratio: ratio(job, bareSql), analyzed, profile: p.times() };
}

class Rollback extends Error {}

/** Time `fn` inside a transaction that is then rolled back (the dataset stays as generated); `after` runs untimed before the rollback. */
async function timedRolledBack(db: Database, setup: (tx: Queryable) => Promise<unknown>, fn: (tx: Queryable) => Promise<unknown>,
  after?: (tx: Queryable) => Promise<unknown>): Promise<number> {
  let ms = 0;
  await db.transaction(async (tx) => {
    await setup(tx);
    const t0 = performance.now();
    await fn(tx);
    ms = performance.now() - t0;
    await after?.(tx);
    throw new Rollback();
  }).catch((e: unknown) => { if (!(e instanceof Rollback)) throw e; });
  return ms;
}

/**
 * Set-based assignment against a bare INSERT … SELECT of the same rows (issue 11: ≤ 1.5×). Each run, in a
 * transaction rolled back afterwards, first inserts `batch` unassigned leads created after every test
 * started (untimed), then times either `lh_assign_pending_leads` (lock the candidates, write every
 * lead × eligible test row, copy the first into the lead's columns) or the bare statement: the same rows
 * by the same hash function, nothing locked, the lead's columns untouched. The two take turns; medians.
 */
export async function measureAssignPending(db: Database, repeat: number, batch = 100_000): Promise<Comparison & { batch: number; rows: number }> {
  const at = `${BENCH_DAY}T06:00:00Z`;
  const setup = (tx: Queryable) => tx.query(`insert into public.lh_lead_status (source, status, created_at)
    select (array['zillow', 'referral', 'direct_mail', 'cold_call'])[1 + i % 4], 'new', $1::timestamptz + i * interval '1 millisecond'
    from generate_series(1, ${batch}) i`, [at]);
  const bare = (tx: Queryable) => tx.query(`insert into public.lh_ab_assignments (lead_id, test_id, ab_group, assigned_at)
    select l.id, t.id,
      case when public.lh_hash_v2_bucket(coalesce(t.hash_seed, 'lh-ab-' || t.id::text), l.id::text)::double precision
                < t.traffic_allocation_pct::double precision * 100 then 'treatment' else 'control' end, $2::timestamptz
    from public.lh_lead_status l
    join public.lh_ab_tests t on t.status = 'running' and t.started_at <= l.created_at and (t.segment is null or t.segment = l.source)
    where l.ab_test_id is null and l.ab_test_group is null and l.created_at >= $1::timestamptz`, [at, BENCH_NOW.toISOString()]);
  const assign = (tx: Queryable) => tx.query('select public.lh_assign_pending_leads($1)', [BENCH_NOW.toISOString()]);
  // the rows one run wrote: those of the `batch` new leads, the highest ids
  let rows = 0;
  const countRows = async (tx: Queryable) => {
    const [r] = await tx.query<{ n: number }>(`select count(*)::int as n from public.lh_ab_assignments
      where lead_id > (select max(id) from public.lh_lead_status) - ${batch}`);
    rows = r?.n ?? 0;
  };
  const jobRuns: number[] = [];
  const bareRuns: number[] = [];
  for (let r = 0; r <= repeat; r++) {
    const first = r % 2 === 0;
    const a = first ? await timedRolledBack(db, setup, assign, countRows) : await timedRolledBack(db, setup, bare);
    const b = first ? await timedRolledBack(db, setup, bare) : await timedRolledBack(db, setup, assign, countRows);
    if (r === 0) continue; // warm-up
    jobRuns.push(first ? a : b);
    bareRuns.push(first ? b : a);
  }
  const job = summarize(jobRuns);
  const bareSql = summarize(bareRuns);
  return { job, bareSql, ratio: ratio(job, bareSql), batch, rows };
}

export interface TriggerCost {
  readonly batchRows: number;
  readonly batchOffMs: number;
  readonly batchOnMs: number;
  readonly batchOverheadPct: number;
  readonly singleRows: number;
  readonly singleOffMs: number;
  readonly singleOnMs: number;
  readonly singleOverheadPct: number;
  /** The same single-row inserts with the assignment given explicitly (trigger off), and on vs that. */
  readonly singleExplicitMs: number;
  readonly singleOverExplicitPct: number;
  readonly committedExplicitMs: number;
  readonly committedOverExplicitPct: number;
  readonly committedRows: number;
  readonly committedOffMs: number;
  readonly committedOnMs: number;
  readonly committedOverheadPct: number;
  readonly assignedWithTrigger: number;
  /** What the trigger adds per inserted row, in microseconds (on − off) / rows, per pattern. */
  readonly addedMicrosPerRow: { readonly batch: number; readonly single: number; readonly committed: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type InsertMode = 'off' | 'explicit' | 'on';
const INSERT_MODES: readonly InsertMode[] = ['off', 'explicit', 'on'];

/**
 * The assignment trigger's cost (20 running tests, every inserted lead eligible), in steady state: the
 * trigger is switched by its own committed statement and warmed up before each measured section (switching
 * is DDL: in the same transaction, or right before, it would time the replanning, not the trigger). Three
 * modes: trigger off; off with the assignment given explicitly by the inserting service (what storing an
 * assignment costs by itself: the id check, the index entry); on. On one dedicated connection, as an
 * ingesting service's. Patterns: one 20,000-row INSERT … SELECT and 1,000 single-row INSERTs in a
 * transaction (both rolled back), and 1,000 single-row INSERTs each committed (deleted afterwards).
 * The modes take turns in a rotating order; medians; the first round warms up and is not counted.
 */
export async function measureTrigger(url: string, repeat: number): Promise<TriggerCost> {
  const conn = connectPostgres(url, { max: 1 });
  try {
    return await measureTriggerOn(conn, repeat);
  } finally {
    await conn.close();
  }
}

async function measureTriggerOn(db: Database, repeat: number): Promise<TriggerCost> {
  const batchRows = 20_000;
  const singleRows = 1_000;
  const committedRows = 1_000;
  const warm = 20;
  const at = `${BENCH_DAY}T12:00:00Z`;
  const marker = '2030-01-01T00:00:00Z'; // committed rows: after every test's start, deleted by this timestamp
  const tests = (await db.query<{ id: number }>("select id from public.lh_ab_tests where status = 'running' and segment is null order by id")).map((r) => r.id);
  const setMode = (mode: InsertMode) => db.query(mode === 'on' ? 'select public.lh_enable_assignment_trigger()' : 'select public.lh_disable_assignment_trigger()');
  const insertOne = (q: Queryable, mode: InsertMode, i: number, createdAt: string) => mode === 'explicit'
    ? q.query("insert into public.lh_lead_status (source, status, created_at, ab_test_id, ab_test_group) values ($1, 'new', $2, $3, $4)",
      [i % 2 ? 'zillow' : 'referral', createdAt, tests[i % tests.length], i % 3 ? 'control' : 'treatment'])
    : q.query("insert into public.lh_lead_status (source, status, created_at) values ($1, 'new', $2)", [i % 2 ? 'zillow' : 'referral', createdAt]);
  const singles = (mode: InsertMode, rows: number) => async (q: Queryable) => {
    for (let i = 0; i < rows; i++) await insertOne(q, mode, i, at);
  };
  const batch = (tx: Queryable) => tx.query(`insert into public.lh_lead_status (source, status, created_at)
    select (array['zillow', 'referral', 'direct_mail', 'cold_call'])[1 + i % 4], 'new', $1::timestamptz + i * interval '1 second'
    from generate_series(1, ${batchRows}) i`, [at]);

  const times = { batch: { off: [] as number[], on: [] as number[] }, single: { off: [] as number[], explicit: [] as number[], on: [] as number[] },
    committed: { off: [] as number[], explicit: [] as number[], on: [] as number[] } };
  let assignedWithTrigger = 0;
  try {
    for (let r = 0; r <= repeat; r++) {
      for (let m = 0; m < INSERT_MODES.length; m++) {
        const mode = INSERT_MODES[(r + m) % INSERT_MODES.length]!;
        await setMode(mode);
        await timedRolledBack(db, async () => undefined, singles(mode, warm));
        const single = await timedRolledBack(db, singles(mode, warm), singles(mode, singleRows));
        const batched = mode === 'explicit' ? 0 : await timedRolledBack(db, async () => undefined, batch);
        for (let i = 0; i < warm; i++) await insertOne(db, mode, i, marker);
        const t0 = performance.now();
        for (let i = 0; i < committedRows; i++) await insertOne(db, mode, i, marker);
        const committed = performance.now() - t0;
        await db.query('delete from public.lh_lead_status where created_at = $1', [marker]);
        if (r === 0) continue;
        times.single[mode].push(single);
        times.committed[mode].push(committed);
        if (mode !== 'explicit') times.batch[mode].push(batched);
      }
    }
    await setMode('on');
    await timedRolledBack(db, async () => undefined, async (tx) => {
      await batch(tx);
      // generated leads carry ab_assigned_at = created_at (January); the trigger stamps now()
      const [row] = await tx.query<{ n: number }>('select count(*)::int as n from public.lh_lead_status where ab_assigned_at > $1', [BENCH_NOW.toISOString()]);
      assignedWithTrigger = row?.n ?? 0;
    });
  } finally {
    await setMode('off');
    await db.query('delete from public.lh_lead_status where created_at = $1', [marker]);
  }
  const pct = (on: number, off: number) => round((on / off - 1) * 100, 1);
  const micros = (on: number, off: number, rows: number) => round(((on - off) * 1000) / rows, 1);
  const med = { batchOff: median(times.batch.off), batchOn: median(times.batch.on), singleOff: median(times.single.off),
    singleExplicit: median(times.single.explicit), singleOn: median(times.single.on), committedOff: median(times.committed.off),
    committedExplicit: median(times.committed.explicit), committedOn: median(times.committed.on) };
  return {
    batchRows, batchOffMs: round(med.batchOff), batchOnMs: round(med.batchOn), batchOverheadPct: pct(med.batchOn, med.batchOff),
    singleRows, singleOffMs: round(med.singleOff), singleOnMs: round(med.singleOn), singleOverheadPct: pct(med.singleOn, med.singleOff),
    singleExplicitMs: round(med.singleExplicit), singleOverExplicitPct: pct(med.singleOn, med.singleExplicit),
    committedRows, committedOffMs: round(med.committedOff), committedOnMs: round(med.committedOn), committedOverheadPct: pct(med.committedOn, med.committedOff),
    committedExplicitMs: round(med.committedExplicit), committedOverExplicitPct: pct(med.committedOn, med.committedExplicit),
    assignedWithTrigger,
    addedMicrosPerRow: {
      batch: micros(med.batchOn, med.batchOff, batchRows),
      single: micros(med.singleOn, med.singleOff, singleRows),
      committed: micros(med.committedOn, med.committedOff, committedRows),
    },
  };
}

export interface PlanSummary {
  readonly query: string;
  readonly indexes: readonly string[];
  readonly seqScans: readonly string[];
  readonly plan: string;
}

function walk(node: Record<string, unknown>, indexes: Set<string>, seq: Set<string>): void {
  if (typeof node['Index Name'] === 'string') indexes.add(node['Index Name']);
  if (node['Node Type'] === 'Seq Scan' && typeof node['Relation Name'] === 'string') seq.add(node['Relation Name']);
  for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child, indexes, seq);
}

/** EXPLAIN of the job-shaped queries: which indexes they use and whether anything scans a whole table. */
export async function explainPlans(db: Database): Promise<PlanSummary[]> {
  const day = dayBounds(BENCH_DAY);
  const asOf = BENCH_NOW.toISOString();
  const queries: Array<[string, string, unknown[]]> = [
    ...Object.entries(DAILY_QUERIES).map(([name, sql]) => [`daily ${name}`, sql, day] as [string, string, unknown[]]),
    ['analysis conversion_rate (test 6)', outcomeSql('conversion_rate'), [6, asOf, null]],
    ['analysis source_conversion_rate (test 7)', outcomeSql('source_conversion_rate'), [7, asOf, 'zillow']],
    ['analysis f1_score (test 4)', outcomeSql('f1_score'), [4, asOf]],
    ['analysis group sizes (test 6)', SRM_SQL, [6, asOf]],
    // the job's own statements, which read every lead through lh_lead_facts (migration 20261201000100)
    ...detectionStatementsForExplain(BENCH_DAY, 'UTC', DEFAULT_DETECTION_CONFIG).map(([n, q, p]) => [`job: ${n}`, q, p] as [string, string, unknown[]]),
    ['job: analysis conversion_rate (test 6)', statsSql('conversion_rate'), [6, asOf, null]],
    ['job: analysis avg_response_time_hours (test 1)', statsSql('avg_response_time_hours'), [1, asOf, null]],
  ];
  const out: PlanSummary[] = [];
  for (const [name, sql, params] of queries) {
    const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${sql}`, params);
    const raw = row!['QUERY PLAN'];
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: Record<string, unknown> }>;
    const indexes = new Set<string>();
    const seq = new Set<string>();
    walk(doc[0]!.Plan, indexes, seq);
    const text = await db.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, params);
    out.push({ query: name, indexes: [...indexes].sort(), seqScans: [...seq].sort(), plan: text.map((r) => r['QUERY PLAN']).join('\n') });
  }
  return out;
}
