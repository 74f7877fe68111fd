/**
 * Partitioning experiment (README "Scale beyond one machine"): a copy of lh_lead_status partitioned by
 * month of created_at, with the same indexes, in the benchmark database; the job-shaped bare queries timed
 * on both tables, and the partitions each plan touches counted. The copy is dropped afterwards; the
 * schema of the project is not changed.
 */
import type { Database } from '../src/db/port.ts';
import { DAILY_QUERIES, dayBounds, outcomeSql } from './bare-sql.ts';
import { BENCH_DAY, BENCH_NOW } from './config.ts';
import { time, type Timing } from './timing.ts';

export interface PartitionRow {
  readonly query: string;
  readonly plain: Timing;
  readonly partitioned: Timing;
  readonly partitionsInPlan: number;
  readonly partitionsTotal: number;
}

const COPY = 'bench_lead_status_part';

async function build(db: Database): Promise<number> {
  const [range] = await db.query<{ lo: string; hi: string }>(
    "select date_trunc('month', min(created_at))::date::text as lo, (date_trunc('month', max(created_at)) + interval '1 month')::date::text as hi from public.lh_lead_status");
  await db.script(`drop table if exists public.${COPY};
    create table public.${COPY} (like public.lh_lead_status including defaults) partition by range (created_at);`);
  let n = 0;
  for (let m = new Date(`${range!.lo}T00:00:00Z`); m.toISOString().slice(0, 10) < range!.hi; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    await db.script(`create table public.${COPY}_${n++} partition of public.${COPY}
      for values from ('${m.toISOString()}') to ('${next.toISOString()}')`);
  }
  await db.script(`insert into public.${COPY} select * from public.lh_lead_status;
    create index on public.${COPY} (created_at);
    create index on public.${COPY} (contacted_at) where contacted_at is not null;
    create index on public.${COPY} (qualified_at) where qualified_at is not null;
    create index on public.${COPY} (closed_at) where closed_at is not null;
    create index on public.${COPY} (ab_test_id, ab_test_group) where ab_test_id is not null;
    analyze public.${COPY};`);
  return n;
}

function partitionsIn(plan: string): number {
  // relations scanned (" on <partition> "), not index names or aliases; pruned ones are not listed
  return new Set([...plan.matchAll(new RegExp(` on ${COPY}_(\\d+) `, 'g'))].map((m) => m[1])).size;
}

/** Times each query on lh_lead_status and on its partitioned copy. */
export async function measurePartitioning(db: Database, repeat: number): Promise<PartitionRow[]> {
  const total = await build(db);
  const day = dayBounds(BENCH_DAY);
  const queries: Array<[string, string, unknown[]]> = [
    ['day funnel', DAILY_QUERIES.DAY_FUNNEL, day],
    ['source window (30 d)', DAILY_QUERIES.SOURCE_WINDOW, day],
    ['contact cohort (detection)', DAILY_QUERIES.CONTACT_COHORT, day],
    ['qualify cohort (detection)', DAILY_QUERIES.QUALIFY_COHORT, day],
    ['analysis, conversion_rate test', outcomeSql('conversion_rate'), [6, BENCH_NOW.toISOString(), null]],
  ];
  const out: PartitionRow[] = [];
  try {
    for (const [name, sql, params] of queries) {
      const onCopy = sql.replaceAll('public.lh_lead_status', `public.${COPY}`);
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`explain ${onCopy}`, params)).map((r) => r['QUERY PLAN']).join('\n');
      out.push({
        query: name,
        plain: await time(repeat, () => db.query(sql, params)),
        partitioned: await time(repeat, () => db.query(onCopy, params)),
        partitionsInPlan: partitionsIn(plan),
        partitionsTotal: total,
      });
    }
  } finally {
    await db.script(`drop table if exists public.${COPY}`);
  }
  return out;
}
