/**
 * The SQL that feeds bottleneck detection (docs/design.md §3 step 2): set-based queries, each returning a
 * handful of summary rows (never lead rows; the CUSUMs' per-day series one row per day), for a recent window and the trailing baseline before it,
 * with day boundaries in the business time zone. Cohort windows are shifted back by their maturity so
 * every lead had time to reach its outcome; outcomes after the end of D are ignored, so a run "as of" an
 * old date sees what was known then. Every lead is read through lh_lead_facts (the one definition of a
 * lead's facts, shared with lh_update_daily_metrics and the A/B outcomes): an invalid lead is kept out
 * of every average and cohort, and counted.
 */
import type { Queryable } from '../port.ts';
import { isConnectionLost, isStatementCancelled } from '../faults.ts';
import type { DetectionConfig } from '../../detect/config.ts';
import {
  dailyOffsets, dayRange, isIsoDate, windowOffsets,
  type Cohort, type DailyContacts, type DailyLabels, type DailySeries, type ConfusionTotals, type ContactCohort, type DetectionInput, type DurationSummary,
  type FunnelWindow, type ResponseRanks, type SourceCohorts, type SourceFigures, type WindowOffsets,
} from '../../detect/input.ts';

/** Loading the detection input failed; the message names the day, the zone and what to check. */
export class DetectionInputError extends Error {
  override readonly name = 'DetectionInputError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** Log floors: a zero duration (contact at the instant of creation) counts as one minute on the log scale. */
const LOG_FLOOR_HOURS = 1 / 60;
const LOG_FLOOR_DAYS = 1 / 1440;

type Which = 'recent' | 'baseline';

/**
 * Bounds as timestamptz: $1 = D, $2 = zone, $3..$6 = recent from/to and baseline from/to (days before D).
 * as_of is the last instant of D: every lead is read through lh_lead_facts as of then (migration
 * 20261201000100), so an event after D has not happened yet and validity is the daily metrics' own.
 */
const BOUNDS = `b as materialized (
  select ($1::date - $3::int)::timestamp at time zone $2::text as r_start,
         ($1::date - $4::int + 1)::timestamp at time zone $2::text as r_end,
         ($1::date - $5::int)::timestamp at time zone $2::text as b_start,
         ($1::date - $6::int + 1)::timestamp at time zone $2::text as b_end,
         ($1::date + 1)::timestamp at time zone $2::text - interval '1 microsecond' as as_of,
         public.lh_max_plausible_delay() as max_delay)`;
/**
 * The leads a query reads, with their facts (f); `where` filters on the raw, indexed columns of l. Each
 * query computes its per-lead columns in a MATERIALIZED CTE: lh_lead_facts is inlined, and PostgreSQL
 * would otherwise evaluate a fact's whole expression again inside every aggregate that reads it.
 */
const FACTS = 'public.lh_lead_status l cross join b cross join lateral public.lh_lead_facts(l, b.as_of, b.max_delay) f';
const win = (col: string) =>
  `case when ${col} >= b.r_start and ${col} < b.r_end then 'recent' when ${col} >= b.b_start and ${col} < b.b_end then 'baseline' end`;
const inAny = (col: string) => `(${col} >= b.b_start and ${col} < b.r_end)`;
const WINDOWS = `(values ('recent'), ('baseline')) as w(w)`;

const FUNNEL_SQL = `with ${BOUNDS},
ev as materialized (
  select ${win('f.created_at')} as w_new, ${win('f.contacted_at')} as w_contacted,
    ${win('f.qualified_at')} as w_qualified, ${win('f.closed_at')} as w_closed,
    f.has_problem, f.response_hours as resp_h, f.qualify_hours / 24 as qual_d
  from ${FACTS}
  where ${inAny('l.created_at')} or ${inAny('l.contacted_at')} or ${inAny('l.qualified_at')} or ${inAny('l.closed_at')}
),
-- logs only of valid durations: greatest() ignores nulls, so greatest(null, floor) would be the floor
e as (
  select ev.*, case when ev.resp_h is not null then ln(greatest(ev.resp_h, $7::float8)) end as resp_log,
    case when ev.qual_d is not null then ln(greatest(ev.qual_d, $8::float8)) end as qual_log
  from ev
)
select w.w,
  count(*) filter (where e.w_new = w.w)::int as new_leads,
  count(*) filter (where e.w_contacted = w.w)::int as contacted,
  count(*) filter (where e.w_qualified = w.w)::int as qualified,
  count(*) filter (where e.w_closed = w.w)::int as closed,
  count(e.resp_h) filter (where e.w_contacted = w.w)::int as resp_n,
  (avg(e.resp_h) filter (where e.w_contacted = w.w))::float8 as resp_mean,
  (var_samp(e.resp_h) filter (where e.w_contacted = w.w))::float8 as resp_var,
  (avg(e.resp_log) filter (where e.w_contacted = w.w))::float8 as resp_log_mean,
  (var_samp(e.resp_log) filter (where e.w_contacted = w.w))::float8 as resp_log_var,
  count(e.qual_d) filter (where e.w_qualified = w.w)::int as qual_n,
  (avg(e.qual_d) filter (where e.w_qualified = w.w))::float8 as qual_mean,
  (var_samp(e.qual_d) filter (where e.w_qualified = w.w))::float8 as qual_var,
  (avg(e.qual_log) filter (where e.w_qualified = w.w))::float8 as qual_log_mean,
  (var_samp(e.qual_log) filter (where e.w_qualified = w.w))::float8 as qual_log_var,
  count(*) filter (where e.has_problem and w.w in (e.w_new, e.w_contacted, e.w_qualified, e.w_closed))::int as invalid_rows
from ${WINDOWS} left join e on true
group by w.w`;

/** Average ranks over the pooled (valid) response times of both windows; Σ(t²−1) per row = Σ(t³−t) per tie group. */
const RANKS_SQL = `with ${BOUNDS},
r as (
  select (f.contacted_at >= b.r_start) as is_recent, f.response_hours as s
  from ${FACTS}
  where ${inAny('l.contacted_at')} and f.response_hours is not null
),
ranked as (
  select is_recent, rank() over (order by s) as rk, count(*) over (partition by s) as t from r
)
select count(*) filter (where is_recent)::int as n_recent,
  count(*) filter (where not is_recent)::int as n_baseline,
  coalesce(sum(rk + (t - 1) / 2.0) filter (where is_recent), 0)::float8 as rank_sum_recent,
  coalesce(sum(t * t - 1), 0)::float8 as tie_term_sum
from ranked`;

/**
 * Valid leads created in the shifted windows: contacted within $7 days (or contacted per its status, the
 * time missing), and within $8 hours.
 */
const CONTACT_SQL = `with ${BOUNDS},
c as (
  select ${win('f.created_at')} as w,
    coalesce(f.contacted_at < f.created_at + make_interval(hours => $7::int * 24), f.contacted) as ok,
    coalesce(f.contacted_at <= f.created_at + make_interval(secs => $8::float8 * 3600), false) as fast
  from ${FACTS}
  where ${inAny('l.created_at')} and f.is_valid
)
select w.w,
  count(*) filter (where c.w = w.w)::int as n,
  count(*) filter (where c.w = w.w and c.ok)::int as successes,
  count(*) filter (where c.w = w.w and c.fast)::int as fast
from ${WINDOWS} left join c on true
group by w.w`;

/**
 * Valid leads contacted in the shifted windows: qualified within $7 days of the contact, per window and
 * source (the funnel-wide cohort is their sum; the per-source rows let detection attribute a drop).
 */
const QUALIFY_SQL = `with ${BOUNDS},
q as (
  select ${win('f.contacted_at')} as w, f.source as src,
    coalesce(f.converted_at < f.contacted_at + make_interval(hours => $7::int * 24), f.converted) as ok
  from ${FACTS}
  where ${inAny('l.contacted_at')} and f.is_valid
)
select q.w, q.src, count(*)::int as n, count(*) filter (where q.ok)::int as successes
from q
where q.w is not null
group by q.w, q.src
order by q.src, q.w`;

/** Per source (valid leads): the threshold window ($7..$8 days before D) and the shifted recent/baseline cohorts. */
const SOURCES_SQL = `with ${BOUNDS},
bw as (select ($1::date - $7::int)::timestamp at time zone $2::text as w_start,
              ($1::date - $8::int + 1)::timestamp at time zone $2::text as w_end),
s as (
  select f.source as src, ${win('f.created_at')} as w,
    (f.created_at >= bw.w_start and f.created_at < bw.w_end) as in_window,
    coalesce(f.converted_at < f.created_at + make_interval(hours => $9::int * 24), f.converted) as ok
  from ${FACTS} cross join bw
  where (${inAny('l.created_at')} or (l.created_at >= bw.w_start and l.created_at < bw.w_end)) and f.is_valid
)
select src,
  count(*) filter (where in_window)::int as window_n,
  count(*) filter (where in_window and ok)::int as window_successes,
  count(*) filter (where w = 'recent')::int as recent_n,
  count(*) filter (where w = 'recent' and ok)::int as recent_successes,
  count(*) filter (where w = 'baseline')::int as baseline_n,
  count(*) filter (where w = 'baseline' and ok)::int as baseline_successes
from s
group by src
order by src`;

/**
 * Confusion counts of the F1 windows from the raw tables: validations scored against the truths that arrived
 * on each day (lh_scored_truths, the feedback analysis' own rule, migration 20261205000100), so a first run
 * sees the whole history of feedback, not only the days earlier runs recorded in lh_pattern_performance.
 * $1 = D, $2..$5 = recent from/to and baseline from/to (days before D), $6 = the zone.
 */
const ACCURACY_SQL = `with s as materialized (
  select st.truth_day, st.predicted, st.actual
  from public.lh_scored_truths($1::date - greatest($2::int, $4::int), $1::date - least($3::int, $5::int), $6::text) st
  where st.validation_id is not null and st.predicted is not null
)
select w.w, count(distinct s.truth_day)::int as days,
  count(s.*) filter (where s.predicted and s.actual)::int as tp,
  count(s.*) filter (where s.predicted and not s.actual)::int as fp,
  count(s.*) filter (where not s.predicted and s.actual)::int as fn,
  count(s.*) filter (where not s.predicted and not s.actual)::int as tn
from (values ('recent', $2::int, $3::int), ('baseline', $4::int, $5::int)) as w(w, f, t)
left join s on s.truth_day between $1::date - w.f and $1::date - w.t
group by w.w`;

/**
 * The first day of data: the local date of the earliest lead (min() over the created_at index); a
 * '-infinity' written before the finite-times constraint is not a day.
 */
const HISTORY_SQL = `select to_char((min(l.created_at) at time zone $1::text)::date, 'YYYY-MM-DD') as first_day
from public.lh_lead_status l where l.created_at > '-infinity'`;

/**
 * Per contact day over the CUSUM span (src/detect/cusum-checks.ts): valid leads contacted that local day, the Σ and
 * Σ² of ln(response hours) ($5 floor), and how many converted (qualified or closed, as the qualify cohort) by
 * local day contact day + j, j = 0..$4, as of D. $1 = D, $2 = zone, $3 = the span's first day (days before D).
 * One row per day with contacts; the loader fills the others with zeros.
 */
const DAILY_CONTACTS_SQL = `with b as materialized (
  select ($1::date - $3::int)::timestamp at time zone $2::text as d_start,
         ($1::date + 1)::timestamp at time zone $2::text as d_end,
         ($1::date + 1)::timestamp at time zone $2::text - interval '1 microsecond' as as_of,
         public.lh_max_plausible_delay() as max_delay),
c as materialized (
  select (f.contacted_at at time zone $2::text)::date as day,
    case when f.response_hours is not null then ln(greatest(f.response_hours, $5::float8)) end as resp_log,
    (f.converted_at at time zone $2::text)::date - (f.contacted_at at time zone $2::text)::date as lag
  from ${FACTS}
  where l.contacted_at >= b.d_start and l.contacted_at < b.d_end and f.is_valid and f.contacted_at is not null
),
per_lag as (
  select c.day, j.j, count(*) filter (where c.lag <= j.j)::int as q
  from c cross join generate_series(0, $4::int) as j(j)
  group by c.day, j.j
)
select to_char(c.day, 'YYYY-MM-DD') as day, count(*)::int as n, count(c.resp_log)::int as resp_n,
  coalesce(sum(c.resp_log), 0)::float8 as resp_log_sum, coalesce(sum(c.resp_log * c.resp_log), 0)::float8 as resp_log_sq,
  (select array_agg(p.q order by p.j) from per_lag p where p.day = c.day) as by_lag
from c
group by c.day
order by c.day`;

/** Per truth day over the CUSUM span: tp and m = tp + fp + fn of the scored validations (as ACCURACY_SQL). */
const DAILY_LABELS_SQL = `select to_char(st.truth_day, 'YYYY-MM-DD') as day,
  count(*) filter (where st.predicted and st.actual)::int as tp,
  count(*) filter (where st.predicted or st.actual)::int as m
from public.lh_scored_truths($1::date - $2::int, $1::date, $3::text) st
where st.validation_id is not null and st.predicted is not null
group by st.truth_day
order by st.truth_day`;

/** One statement with its parameters. */
interface Statement { readonly sql: string; readonly params: unknown[] }

/**
 * The four lead-reading statements of metric day `date` with their parameters: what loadDetectionInput
 * runs, and what the benchmark EXPLAINs (the callers of lh_lead_facts must still walk the event-time indexes).
 */
function leadStatements(date: string, timeZone: string, config: DetectionConfig) {
  const base = [date, timeZone];
  const funnel = offsetParams(windowOffsets(config));
  const contact = offsetParams(windowOffsets(config, config.maturity.contactDays));
  const qualify = offsetParams(windowOffsets(config, config.maturity.qualifyDays));
  return {
    funnel: { sql: FUNNEL_SQL, params: [...base, ...funnel, LOG_FLOOR_HOURS, LOG_FLOOR_DAYS] },
    ranks: { sql: RANKS_SQL, params: [...base, ...funnel] },
    contact: { sql: CONTACT_SQL, params: [...base, ...contact, config.maturity.contactDays, config.lowResponseRate.fastResponseHours] },
    qualify: { sql: QUALIFY_SQL, params: [...base, ...qualify, config.maturity.qualifyDays] },
    dailyContacts: { sql: DAILY_CONTACTS_SQL, params: [...base, dailyOffsets(config).fromBack, config.maturity.qualifyDays, LOG_FLOOR_HOURS] },
  } satisfies Record<string, Statement>;
}

/** leadStatements as [name, sql, params] rows, for EXPLAIN in bench/measures.ts. */
export function detectionStatementsForExplain(date: string, timeZone: string, config: DetectionConfig): Array<[string, string, unknown[]]> {
  const names = { funnel: 'detection funnel', ranks: 'detection response ranks', contact: 'detection contact cohorts',
    qualify: 'detection qualify cohorts', dailyContacts: 'detection daily contacts' } as const;
  return Object.entries(leadStatements(date, timeZone, config))
    .map(([k, st]) => [names[k as keyof typeof names], st.sql, st.params]);
}

type Num = number | null;
interface FunnelRow { w: Which; new_leads: number; contacted: number; qualified: number; closed: number;
  resp_n: number; resp_mean: Num; resp_var: Num; resp_log_mean: Num; resp_log_var: Num;
  qual_n: number; qual_mean: Num; qual_var: Num; qual_log_mean: Num; qual_log_var: Num; invalid_rows: number;
  [k: string]: unknown }
interface CohortRow { w: Which; n: number; successes: number; fast?: number; [k: string]: unknown }

function offsetParams(o: WindowOffsets): number[] {
  return [o.recent.fromBack, o.recent.toBack, o.baseline.fromBack, o.baseline.toBack];
}

function pick<T extends { w: Which }>(rows: T[], w: Which): T {
  const row = rows.find((r) => r.w === w);
  if (!row) throw new DetectionInputError(`detection input: the ${w} window returned no row (query bug)`);
  return row;
}

function summary(n: number, mean: Num, variance: Num, meanLog: Num, varianceLog: Num): DurationSummary {
  return { n, mean: n > 0 ? mean : null, variance: n > 1 ? variance : null,
    meanLog: n > 0 ? meanLog : null, varianceLog: n > 1 ? varianceLog : null };
}

async function loadFunnel(db: Queryable, st: Statement, date: string, o: WindowOffsets) {
  const rows = await db.query<FunnelRow>(st.sql, st.params);
  const one = (w: Which): FunnelWindow => {
    const r = pick(rows, w);
    return {
      range: dayRange(date, o[w]), newLeads: r.new_leads, contacted: r.contacted, qualified: r.qualified, closed: r.closed,
      responseHours: summary(r.resp_n, r.resp_mean, r.resp_var, r.resp_log_mean, r.resp_log_var),
      daysToQualify: summary(r.qual_n, r.qual_mean, r.qual_var, r.qual_log_mean, r.qual_log_var),
      invalidRows: r.invalid_rows,
    };
  };
  return { recent: one('recent'), baseline: one('baseline') };
}

async function loadRanks(db: Queryable, st: Statement): Promise<ResponseRanks> {
  const [r] = await db.query<{ n_recent: number; n_baseline: number; rank_sum_recent: number; tie_term_sum: number }>(
    st.sql, st.params);
  if (!r) throw new DetectionInputError('detection input: the rank query returned no row (query bug)');
  return { nRecent: r.n_recent, nBaseline: r.n_baseline, rankSumRecent: r.rank_sum_recent, tieTermSum: r.tie_term_sum };
}

async function loadCohorts(db: Queryable, st: Statement, date: string, o: WindowOffsets) {
  const rows = await db.query<CohortRow>(st.sql, st.params);
  const one = (w: Which): ContactCohort => {
    const r = pick(rows, w);
    return { range: dayRange(date, o[w]), n: r.n, successes: r.successes, fast: r.fast ?? 0 };
  };
  return { recent: one('recent'), baseline: one('baseline') };
}

async function loadSources(db: Queryable, base: unknown[], date: string, c: DetectionConfig): Promise<SourceFigures[]> {
  const m = c.maturity.sourceDays;
  const o = windowOffsets(c, m);
  const w = { fromBack: m + c.weakLeadSource.windowDays - 1, toBack: m };
  const rows = await db.query<{ src: string; window_n: number; window_successes: number; recent_n: number;
    recent_successes: number; baseline_n: number; baseline_successes: number }>(
    SOURCES_SQL, [...base, ...offsetParams(o), w.fromBack, w.toBack, m]);
  const cohort = (range: { fromBack: number; toBack: number }, n: number, successes: number): Cohort =>
    ({ range: dayRange(date, range), n, successes });
  return rows.map((r) => ({
    source: r.src,
    window: cohort(w, r.window_n, r.window_successes),
    recent: cohort(o.recent, r.recent_n, r.recent_successes),
    baseline: cohort(o.baseline, r.baseline_n, r.baseline_successes),
  }));
}

async function loadHistoryStart(db: Queryable, timeZone: string): Promise<string | null> {
  const [r] = await db.query<{ first_day: string | null }>(HISTORY_SQL, [timeZone]);
  if (!r) throw new DetectionInputError('detection input: the history query returned no row (query bug)');
  return r.first_day;
}

async function loadAccuracy(db: Queryable, date: string, timeZone: string, o: WindowOffsets) {
  const rows = await db.query<{ w: Which; days: number; tp: number; fp: number; fn: number; tn: number }>(
    ACCURACY_SQL, [date, ...offsetParams(o), timeZone]);
  const one = (w: Which): ConfusionTotals => {
    const r = pick(rows, w);
    return { range: dayRange(date, o[w]), days: r.days, tp: r.tp, fp: r.fp, fn: r.fn, tn: r.tn };
  };
  return { recent: one('recent'), baseline: one('baseline') };
}

/**
 * Computes in SQL everything the detection rules need for metric day `date` (YYYY-MM-DD) in `timeZone`
 * (an IANA name): event-dated funnel windows (recent D−6..D, baseline D−34..D−7 by default), Mann–Whitney
 * rank sums of response times, matured contact/qualify cohorts, per-source cohorts and pooled confusion
 * counts of the validations scored in each window (lh_scored_truths), and the first day of data (historyStart: the rules stay quiet on
 * windows the history does not cover). Throws DetectionInputError (with the driver error as cause).
 */
export async function loadDetectionInput(
  db: Queryable, date: string, timeZone: string, config: DetectionConfig,
): Promise<DetectionInput> {
  if (!isIsoDate(date)) throw new DetectionInputError(`detection input: the date must be YYYY-MM-DD, got "${date}"`);
  if (timeZone.trim() === '') throw new DetectionInputError('detection input: the time zone must not be empty (e.g. UTC, Europe/Berlin)');
  const base = [date, timeZone];
  const funnelOffsets = windowOffsets(config);
  const contactOffsets = windowOffsets(config, config.maturity.contactDays);
  const qualifyOffsets = windowOffsets(config, config.maturity.qualifyDays);
  try {
    const st = leadStatements(date, timeZone, config);
    const funnel = await loadFunnel(db, st.funnel, date, funnelOffsets);
    const responseRanks = await loadRanks(db, st.ranks);
    const contactCohorts = await loadCohorts(db, st.contact, date, contactOffsets);
    const { qualifyCohorts, qualifyCohortsBySource } = await loadQualify(db, st.qualify, date, qualifyOffsets);
    const sources = await loadSources(db, base, date, config);
    const accuracy = await loadAccuracy(db, date, timeZone, funnelOffsets);
    const historyStart = await loadHistoryStart(db, timeZone);
    const daily = await loadDaily(db, st.dailyContacts, date, timeZone, config);
    return { date, timeZone, funnel, responseRanks, contactCohorts, qualifyCohorts, qualifyCohortsBySource, accuracy, sources, historyStart, daily };
  } catch (err) {
    // a lost session or a cancelled statement is what happened, not a detection problem: let it through
    if (err instanceof DetectionInputError || isConnectionLost(err) || isStatementCancelled(err)) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new DetectionInputError(`detection input for ${date} in time zone "${timeZone}" could not be loaded: ${detail}`, { cause: err });
  }
}

/**
 * The per-day series of the CUSUMs, one entry per local day of dailyOffsets (zeros on a day without data): contacts
 * by contact day, labels by truth day.
 */
async function loadDaily(db: Queryable, st: Statement, date: string, timeZone: string, config: DetectionConfig): Promise<DailySeries> {
  const o = dailyOffsets(config);
  const range = dayRange(date, o);
  const K = config.maturity.qualifyDays;
  const index = (day: string) => o.fromBack - Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  const contacts: DailyContacts[] = Array.from({ length: o.fromBack + 1 }, () => ({ n: 0, responseN: 0, responseLogSum: 0, responseLogSq: 0,
    qualifiedByLag: new Array<number>(K + 1).fill(0) }));
  const rows = await db.query<{ day: string; n: number; resp_n: number; resp_log_sum: number; resp_log_sq: number; by_lag: number[] }>(st.sql, st.params);
  for (const r of rows) {
    contacts[index(r.day)] = { n: r.n, responseN: r.resp_n, responseLogSum: r.resp_log_sum, responseLogSq: r.resp_log_sq,
      qualifiedByLag: r.by_lag.map(Number) };
  }
  const labels: DailyLabels[] = Array.from({ length: o.fromBack + 1 }, () => ({ tp: 0, m: 0 }));
  const lrows = await db.query<{ day: string; tp: number; m: number }>(DAILY_LABELS_SQL, [date, o.fromBack, timeZone]);
  for (const r of lrows) labels[index(r.day)] = { tp: r.tp, m: r.m };
  return { range, contacts, labels };
}

/** The qualify cohorts per source (sorted by source) and their sum, the funnel-wide cohorts. */
async function loadQualify(db: Queryable, st: Statement, date: string, o: WindowOffsets) {
  const rows = await db.query<{ w: Which; src: string; n: number; successes: number }>(st.sql, st.params);
  const cohort = (w: Which, n: number, successes: number): Cohort => ({ range: dayRange(date, o[w]), n, successes });
  const sum = (w: Which) => rows.filter((r) => r.w === w).reduce((a, r) => ({ n: a.n + r.n, s: a.s + r.successes }), { n: 0, s: 0 });
  const total = { recent: sum('recent'), baseline: sum('baseline') };
  const names = [...new Set(rows.map((r) => r.src))];
  const bySource: SourceCohorts[] = names.map((source) => {
    const one = (w: Which) => rows.find((r) => r.src === source && r.w === w);
    return { source, recent: cohort('recent', one('recent')?.n ?? 0, one('recent')?.successes ?? 0),
      baseline: cohort('baseline', one('baseline')?.n ?? 0, one('baseline')?.successes ?? 0) };
  });
  return {
    qualifyCohorts: { recent: cohort('recent', total.recent.n, total.recent.s), baseline: cohort('baseline', total.baseline.n, total.baseline.s) },
    qualifyCohortsBySource: bySource,
  };
}
