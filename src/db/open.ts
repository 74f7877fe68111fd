/** Opens the configured database: PostgreSQL when a URL is given, else the embedded PGlite. */
import type { Database } from './port.ts';
import { DatabaseError } from './port.ts';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'pglite'; readonly dataDir: string | undefined /* undefined = in memory */ };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const { connectPostgres } = await import('./postgres.ts');
    const db = connectPostgres(target.url);
    try {
      await db.query('select 1');
    } catch (cause) {
      await db.close().catch(() => {});
      throw new DatabaseError(`cannot connect to PostgreSQL at ${redactUrl(target.url)}: ${(cause as Error).message}`, { cause });
    }
    return db;
  }
  const { openPglite } = await import('./pglite.ts');
  try {
    return await openPglite(target.dataDir);
  } catch (cause) {
    throw new DatabaseError(`cannot open the embedded database${target.dataDir ? ` in ${target.dataDir}` : ''}: ${(cause as Error).message}`, { cause });
  }
}

/** Hide the password of a connection URL before it reaches a log or an error message. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
