// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Lead-quality feedback that agents gave on one business day, summarised per lead source in SQL:
 * how many ratings, their mean and distribution, and the reason categories (wrong_contact, duplicate...).
 * Feedback that only carries a validation truth (`actual`) is the feedback analysis's, not counted here.
 */
import type { Queryable } from '../port.ts';

export interface SourceFeedbackRow {
  readonly source: string;
  /** Feedback rows with a rating and/or a reason. */
  readonly feedback_count: number;
  readonly rated_count: number;
  /** Mean of lead_quality (1..5); null when nothing was rated. */
  readonly avg_rating: number | null;
  /** Ratings of 1 or 2. */
  readonly low_quality_count: number;
  /** Count per rating, keys '1'..'5' (only ratings that occurred). */
  readonly ratings: Record<string, number>;
  /** Count per reason category (trimmed, lower-cased). */
  readonly reasons: Record<string, number>;
}

/** One row per source (lead's source, 'unknown' when the lead or its source is missing), ordered by source. */
export async function loadFeedbackSummary(db: Queryable, date: string, timeZone: string): Promise<SourceFeedbackRow[]> {
  return db.query<SourceFeedbackRow & Record<string, unknown>>(
    `with bounds as (
       select ($1::date)::timestamp at time zone $2 as d_start, ($1::date + 1)::timestamp at time zone $2 as d_end
     ),
     fb as (
       select coalesce(nullif(btrim(l.source), ''), 'unknown') as src, f.lead_quality::int as q,
         nullif(lower(btrim(f.reason)), '') as r
       from public.lh_feedback_log f
       cross join bounds b
       left join public.lh_lead_status l on l.id = f.lead_id
       where f.created_at >= b.d_start and f.created_at < b.d_end
         and (f.lead_quality is not null or nullif(btrim(f.reason), '') is not null)
     ),
     base as (
       select src, count(*)::int as feedback_count, count(q)::int as rated_count, avg(q)::float8 as avg_rating,
         count(*) filter (where q <= 2)::int as low_quality_count
       from fb group by src
     ),
     ratings as (
       select src, jsonb_object_agg(q::text, n) as j
       from (select src, q, count(*)::int as n from fb where q is not null group by src, q) x group by src
     ),
     reasons as (
       select src, jsonb_object_agg(r, n) as j
       from (select src, r, count(*)::int as n from fb where r is not null group by src, r) x group by src
     )
     select b.src as source, b.feedback_count, b.rated_count, b.avg_rating, b.low_quality_count,
       coalesce(ra.j, '{}'::jsonb) as ratings, coalesce(re.j, '{}'::jsonb) as reasons
     from base b
     left join ratings ra on ra.src = b.src
     left join reasons re on re.src = b.src
     order by b.src`,
    [date, timeZone],
  );
}
