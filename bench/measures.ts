/**
 * The measurements, each against a database already holding a generated dataset.
 */
import { fixedClock } from '../src/clock.ts';
import type { Database, Queryable } from '../src/db/port.ts';
import { runAnalysisJob } from '../src/jobs/analyze.ts';
import { runDailyJob } from '../src/jobs/daily.ts';
import type { JobDeps } from '../src/jobs/deps.ts';
import { silentLogger } from '../src/logger.ts';
import { bareAnalysis, bareDaily, DAILY_METRIC_QUERIES, DAILY_QUERIES, dayBounds, outcomeSql, SRM_SQL } from './bare-sql.ts';
import { profiled, type StatementTime } from './profile.ts';
import { BENCH_DAY, BENCH_NOW } from './config.ts';
import { ratio, round, time, type Timing } from './timing.ts';

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

/** Time `fn` inside a transaction that is then rolled back (the dataset stays as generated). */
async function timedRolledBack(db: Database, setup: (tx: Queryable) => Promise<unknown>, fn: (tx: Queryable) => Promise<unknown>): Promise<number> {
  let ms = 0;
  await db.transaction(async (tx) => {
    await setup(tx);
    const t0 = performance.now();
    await fn(tx);
    ms = performance.now() - t0;
    throw new Rollback();
  }).catch((e: unknown) => { if (!(e instanceof Rollback)) throw e; });
  return ms;
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

/**
 * Inserts with the assignment trigger off and on (20 running tests), alternating (ABBA), rolled back: one
 * 20,000-row INSERT … SELECT, and 1,000 single-row INSERTs as ingestion does them (inside one
 * transaction, so without the per-row commit that would make the trigger's share smaller still).
 */
export async function measureTrigger(db: Database, repeat: number): Promise<TriggerCost> {
  const batchRows = 20_000;
  const singleRows = 1_000;
  const at = `${BENCH_DAY}T12:00:00Z`;
  const enable = (on: boolean) => (tx: Queryable) => tx.query(on ? 'select public.lh_enable_assignment_trigger()' : 'select public.lh_disable_assignment_trigger()');
  const batch = (tx: Queryable) => tx.query(`insert into public.lh_lead_status (source, status, created_at)
    select (array['zillow', 'referral', 'direct_mail', 'cold_call'])[1 + i % 4], 'new', $1::timestamptz + i * interval '1 second'
    from generate_series(1, ${batchRows}) i`, [at]);
  const single = async (tx: Queryable) => {
    for (let i = 0; i < singleRows; i++) {
      await tx.query("insert into public.lh_lead_status (source, status, created_at) values ($1, 'new', $2)", [i % 2 ? 'zillow' : 'referral', at]);
    }
  };
  // the same rows carrying an assignment given by the inserting service (trigger off): what storing an
  // assignment costs by itself (the foreign key check on ab_test_id, the index entry), whoever computes it
  const explicit = async (tx: Queryable) => {
    for (let i = 0; i < singleRows; i++) {
      await tx.query("insert into public.lh_lead_status (source, status, created_at, ab_test_id, ab_test_group) values ($1, 'new', $2, $3, $4)",
        [i % 2 ? 'zillow' : 'referral', at, tests[i % tests.length], i % 3 ? 'control' : 'treatment']);
    }
  };
  const tests = (await db.query<{ id: number }>("select id from public.lh_ab_tests where status = 'running' and segment is null order by id")).map((r) => r.id);
  const e: number[] = [];
  const b: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const s: Record<'on' | 'off', number[]> = { on: [], off: [] };
  // single-row timings move by ±10 % between runs: three times the usual repetitions, medians
  for (let r = 0; r <= 3 * repeat; r++) {
    for (const mode of r % 2 === 0 ? ['off', 'on'] as const : ['on', 'off'] as const) {
      const bm = await timedRolledBack(db, enable(mode === 'on'), batch);
      const sm = await timedRolledBack(db, enable(mode === 'on'), single);
      if (r > 0) { b[mode].push(bm); s[mode].push(sm); } // r = 0 warms up
    }
    const em = await timedRolledBack(db, enable(false), explicit);
    if (r > 0) e.push(em);
  }
  const committed = await measureCommittedInserts(db, repeat, tests);
  let assignedWithTrigger = 0;
  await timedRolledBack(db, enable(true), async (tx) => {
    await batch(tx);
    // generated leads carry ab_assigned_at = created_at (January); the trigger stamps now()
    const [row] = await tx.query<{ n: number }>('select count(*)::int as n from public.lh_lead_status where ab_assigned_at > $1', [BENCH_NOW.toISOString()]);
    assignedWithTrigger = row?.n ?? 0;
  });
  const pct = (on: number, off: number) => round((on / off - 1) * 100, 1);
  const micros = (on: number, off: number, rows: number) => round(((on - off) * 1000) / rows, 1);
  return {
    batchRows, batchOffMs: round(median(b.off)), batchOnMs: round(median(b.on)), batchOverheadPct: pct(median(b.on), median(b.off)),
    singleRows, singleOffMs: round(median(s.off)), singleOnMs: round(median(s.on)), singleOverheadPct: pct(median(s.on), median(s.off)),
    singleExplicitMs: round(median(e)), singleOverExplicitPct: pct(median(s.on), median(e)),
    ...committed, assignedWithTrigger,
    addedMicrosPerRow: {
      batch: micros(median(b.on), median(b.off), batchRows),
      single: micros(median(s.on), median(s.off), singleRows),
      committed: micros(committed.committedOnMs, committed.committedOffMs, committed.committedRows),
    },
  };
}

/**
 * Single-row INSERTs each committed on its own (autocommit, as the ingestion API's): trigger off, trigger
 * off with the assignment given explicitly by the inserting service, and trigger on. Commit latency (WAL
 * flush) varies far more than the trigger costs, so the modes take turns in short blocks of 100, in a
 * rotating order, and the median block of each mode is reported (scaled to 500 rows); each block starts
 * with 8 untimed inserts (the pool's sessions replan after the toggle) and the first round is not
 * counted. The rows are deleted afterwards.
 */
async function measureCommittedInserts(db: Database, repeat: number, tests: readonly number[]) {
  const blockRows = 100;
  const committedRows = 500;
  const marker = '2030-01-01T00:00:00Z'; // after every test's start: eligible; deleted by this timestamp
  const modes = ['off', 'explicit', 'on'] as const;
  const times: Record<(typeof modes)[number], number[]> = { off: [], explicit: [], on: [] };
  try {
    const rounds = 1 + 4 * repeat;
    for (let r = 0; r < rounds; r++) {
      for (let m = 0; m < modes.length; m++) {
        const mode = modes[(r + m) % modes.length]!;
        await db.query(mode === 'on' ? 'select public.lh_enable_assignment_trigger()' : 'select public.lh_disable_assignment_trigger()');
        // toggling is DDL: every pooled session replans its INSERT afterwards; that is not the trigger's cost
        const warm = 8;
        let t0 = performance.now();
        for (let i = -warm; i < blockRows; i++) {
          if (i === 0) t0 = performance.now();
          if (mode === 'explicit') {
            await db.query("insert into public.lh_lead_status (source, status, created_at, ab_test_id, ab_test_group) values ($1, 'new', $2, $3, $4)",
              [i % 2 ? 'zillow' : 'referral', marker, tests[(i + warm) % tests.length], i % 3 ? 'control' : 'treatment']);
          } else {
            await db.query("insert into public.lh_lead_status (source, status, created_at) values ($1, 'new', $2)", [i % 2 ? 'zillow' : 'referral', marker]);
          }
        }
        if (r > 0) times[mode].push(((performance.now() - t0) * committedRows) / blockRows);
      }
      await db.query('delete from public.lh_lead_status where created_at = $1', [marker]);
    }
  } finally {
    await db.query('select public.lh_disable_assignment_trigger()');
    await db.query('delete from public.lh_lead_status where created_at = $1', [marker]);
  }
  const off = median(times.off);
  const on = median(times.on);
  const explicit = median(times.explicit);
  return {
    committedRows, committedOffMs: round(off), committedOnMs: round(on), committedOverheadPct: round((on / off - 1) * 100, 1),
    committedExplicitMs: round(explicit), committedOverExplicitPct: round((on / explicit - 1) * 100, 1),
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
