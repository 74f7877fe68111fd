/**
 * Applies the SQL migrations (supabase/migrations/*.sql, the single schema source) in name order.
 *
 * Safe to run twice and concurrently: each migration runs in its own transaction that first takes a
 * transaction-scoped advisory lock, then re-checks the ledger (graphile-worker's approach), so a second
 * migrator waits and then finds the work done. A migration edited after it was applied is reported,
 * never silently re-run.
 */
import type { Database, Queryable } from './port.ts';
import { DatabaseError } from './port.ts';

export interface Migration {
  /** File name, e.g. 20261125000100_schema.sql; order is lexical. */
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
}

/** Arbitrary fixed key: every migrator of this project contends for the same lock. */
const MIGRATION_LOCK_KEY = 727_100_001;

const LEDGER = `create table if not exists public.lh_brain_migrations (
  name text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
);
alter table public.lh_brain_migrations enable row level security;
revoke all on public.lh_brain_migrations from public;`;

export async function migrate(db: Database, migrations: readonly Migration[],
  onProgress: (name: string, state: 'applied' | 'skipped') => void = () => {}): Promise<MigrationResult> {
  const sorted = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.script(LEDGER);
  });
  for (const m of sorted) {
    const sum = await checksum(m.sql);
    const did = await db.transaction(async (tx) => {
      await lock(tx);
      const rows = await tx.query<{ checksum: string }>(
        'select checksum from public.lh_brain_migrations where name = $1', [m.name]);
      const prior = rows[0];
      if (prior) {
        if (prior.checksum !== sum) {
          throw new DatabaseError(`migration ${m.name} was changed after it was applied ` +
            `(checksum ${prior.checksum.slice(0, 12)} in the database, ${sum.slice(0, 12)} on disk); ` +
            'add a new migration instead of editing an applied one');
        }
        return false;
      }
      try {
        await tx.script(m.sql);
      } catch (cause) {
        throw new DatabaseError(`migration ${m.name} failed: ${(cause as Error).message}`, { cause });
      }
      await tx.query('insert into public.lh_brain_migrations (name, checksum) values ($1, $2)', [m.name, sum]);
      return true;
    });
    (did ? applied : alreadyApplied).push(m.name);
    onProgress(m.name, did ? 'applied' : 'skipped');
  }
  return { applied, alreadyApplied };
}

async function lock(tx: Queryable): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
}

/** SHA-256 hex via WebCrypto, available in Node ≥ 20 and Deno alike. */
async function checksum(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
