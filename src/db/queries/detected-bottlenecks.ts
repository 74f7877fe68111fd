/**
 * lh_detected_bottlenecks (migration 20261125000600): the bottlenecks the daily job detected per metric
 * day, with what spawning decided for them. Each write is ONE statement, so it is atomic without an
 * explicit transaction, and idempotent: a row changes only when a value differs (`is distinct from`),
 * and the unique index on (metric_date, bottleneck_type, md5(coalesce(segment, ''))) turns concurrent runs of
 * the same day into updates of one row instead of duplicates.
 */
import type { Bottleneck, BottleneckType } from '../../detect/types.ts';
import type { SkipReason } from '../../jobs/daily-result.ts';
import type { Queryable } from '../port.ts';

/** What spawning decided for a stored bottleneck: spawned, or the reason it was skipped. */
export type SpawnOutcome = 'spawned' | SkipReason['reason'];

/** One spawning decision to record against the day's stored bottleneck of the same type and segment. */
export interface OutcomeRecord {
  readonly type: BottleneckType;
  readonly segment: string | null;
  readonly outcome: SpawnOutcome;
  /** The spawned skill, or the skill that blocked it (under test, killed or kept recently); else null. */
  readonly skillId: number | null;
}

/** Rows the store changed: written = inserted or updated (unchanged rows are not counted). */
export interface StoreCounts {
  readonly written: number;
  readonly deleted: number;
}

const STORE_SQL = `with input as (
  select x.* from jsonb_to_recordset($2::text::jsonb) as x(bottleneck_type text, segment text, severity text,
    metric_tracked text, current_value float8, target_value float8, suggested_skill text, evidence jsonb)
),
gone as (
  delete from public.lh_detected_bottlenecks d
  where d.metric_date = $1::date and not exists (
    select 1 from input i where i.bottleneck_type = d.bottleneck_type and coalesce(i.segment, '') = coalesce(d.segment, ''))
  returning 1
),
written as (
  insert into public.lh_detected_bottlenecks as d (metric_date, bottleneck_type, segment, severity, metric_tracked,
    current_value, target_value, suggested_skill, evidence, detected_at)
  select $1::date, i.bottleneck_type, i.segment, i.severity, i.metric_tracked, i.current_value, i.target_value,
    i.suggested_skill, i.evidence, $3::timestamptz
  from input i
  on conflict (metric_date, bottleneck_type, md5(coalesce(segment, ''))) do update
    set severity = excluded.severity, metric_tracked = excluded.metric_tracked, current_value = excluded.current_value,
        target_value = excluded.target_value, suggested_skill = excluded.suggested_skill, evidence = excluded.evidence,
        detected_at = excluded.detected_at
    where (d.severity, d.metric_tracked, d.current_value, d.target_value, d.suggested_skill, d.evidence)
      is distinct from (excluded.severity, excluded.metric_tracked, excluded.current_value, excluded.target_value,
        excluded.suggested_skill, excluded.evidence)
  returning 1
)
select (select count(*) from written)::int as written, (select count(*) from gone)::int as deleted`;

/**
 * Store the bottlenecks detected for `date`: insert new ones, update changed ones (detected_at = `now`),
 * delete the day's rows of bottlenecks that no longer fire. Leaves spawn_outcome and skill_id alone
 * (recordSpawnOutcomes writes them), so re-detecting a day never erases what spawning decided.
 */
export async function storeDetectedBottlenecks(
  db: Queryable, date: string, bottlenecks: readonly Bottleneck[], now: Date,
): Promise<StoreCounts> {
  const input = bottlenecks.map((b) => ({
    bottleneck_type: b.type, segment: b.segment, severity: b.severity, metric_tracked: b.metric,
    current_value: b.currentValue, target_value: b.targetValue, suggested_skill: b.suggestedSkill, evidence: b.evidence,
  }));
  const [r] = await db.query<{ written: number; deleted: number }>(STORE_SQL, [date, JSON.stringify(input), now.toISOString()]);
  if (!r) throw new Error(`storing the bottlenecks of ${date} returned no row (query bug)`);
  return { written: r.written, deleted: r.deleted };
}

/**
 * Record spawning decisions against the day's stored bottlenecks; returns the rows changed. A recorded
 * 'spawned' is final for its day: a re-run finds that very skill under test and skips ('already-testing'),
 * which must not overwrite it (and three concurrent runs end with 'spawned' whatever order they record in).
 */
export async function recordSpawnOutcomes(db: Queryable, date: string, outcomes: readonly OutcomeRecord[]): Promise<number> {
  if (outcomes.length === 0) return 0;
  const input = outcomes.map((o) => ({ bottleneck_type: o.type, segment: o.segment, spawn_outcome: o.outcome, skill_id: o.skillId }));
  const rows = await db.query(
    `update public.lh_detected_bottlenecks d
     set spawn_outcome = o.spawn_outcome, skill_id = o.skill_id
     from jsonb_to_recordset($2::text::jsonb) as o(bottleneck_type text, segment text, spawn_outcome text, skill_id bigint)
     where d.metric_date = $1::date and d.bottleneck_type = o.bottleneck_type
       and coalesce(d.segment, '') = coalesce(o.segment, '')
       and d.spawn_outcome is distinct from 'spawned'
       and (d.spawn_outcome, d.skill_id) is distinct from (o.spawn_outcome, o.skill_id)
     returning d.id`,
    [date, JSON.stringify(input)]);
  return rows.length;
}
