// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Which of the objects a job needs the database lacks, so an unmigrated database gets "run `lh-brain
 * migrate` first" instead of a bare "relation does not exist" halfway through a job.
 */
import type { Queryable } from '../port.ts';

/** Names are schema-qualified; a name with an argument list, e.g. `public.f(date)`, is a function. */
export async function missingSchemaObjects(db: Queryable, names: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ name: string; present: boolean }>(
    `select n.name, (case when n.name like '%(%' then to_regprocedure(n.name) is not null
                          else to_regclass(n.name) is not null end) as present
     from unnest($1::text[]) as n(name)`,
    [[...names]]);
  return rows.filter((r) => !r.present).map((r) => r.name);
}

/** The one-line message both jobs give for a database that lacks `missing`. */
export function notMigratedMessage(missing: readonly string[]): string {
  return `the database is not migrated (missing ${missing.join(', ')}): run \`lh-brain migrate\` first`;
}
