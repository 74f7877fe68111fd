// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Faults of the database session that are nobody's bug: the session was lost (server restart,
 * pg_terminate_backend, failover, a closed socket) or the server cancelled a statement (statement_timeout,
 * lock_timeout, pg_cancel_backend). Each gets one true line saying what happened and what to do, for the
 * CLI (src/cli/errors.ts) and the edge functions alike. Runtime-neutral: no driver is imported here.
 */
import { DatabaseError, sqlState } from './port.ts';

const oneLine = (s: string): string => s.split('\n')[0] ?? '';

/**
 * Driver codes (postgres.js, Node sockets) and SQLSTATEs of a lost session: 57P01–57P03 admin shutdown,
 * crash, cannot connect now; 57P04 database dropped; 57P05 idle_session_timeout; 25P03
 * idle_in_transaction_session_timeout (the server closes the session); 08xxx connection exception.
 */
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE',
  '57P01', '57P02', '57P03', '57P04', '57P05', '25P03']);

/** The server cancelled the statement: 57014 (statement_timeout, pg_cancel_backend), 55P03 (lock_timeout). */
const CANCELLED = new Set(['57014', '55P03']);

/** Whether a driver error (or DatabaseError) is a lost session. */
export function isConnectionLost(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && (CONNECTION_LOST.has(code) || code.startsWith('08'));
}

/** Whether a driver error (or DatabaseError) is a statement the server cancelled (a timeout, or by request). */
export function isStatementCancelled(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && CANCELLED.has(code);
}

/**
 * A session lost mid-statement (server restart, pg_terminate_backend, failover) surfaces from the driver
 * as e.g. "write CONNECTION_CLOSED host:port"; a cancelled statement as "canceling statement due to
 * statement timeout". Say in one line what happened and what to do; other errors pass through unchanged.
 */
export function explainDatabaseFault(err: unknown): unknown {
  if (err instanceof DatabaseError) return err;
  const code = sqlState(err);
  const message = oneLine((err as Error)?.message ?? String(err));
  if (isConnectionLost(err)) {
    return new DatabaseError(`lost the connection to PostgreSQL (${message}); the statement in flight was not ` +
      'confirmed, and every step of the jobs is idempotent: re-run the command', { cause: err, code });
  }
  if (isStatementCancelled(err)) {
    const setting = /statement timeout/i.test(message) ? 'statement_timeout' : /lock timeout/i.test(message) ? 'lock_timeout' : undefined;
    const what = `PostgreSQL cancelled a statement${setting ? ` after ${setting}` : ''} (${message}, SQLSTATE ${code}): its transaction was rolled back`;
    return new DatabaseError(setting
      ? `${what}; raise ${setting} for this role or database, then re-run the command (every step of the jobs is idempotent)`
      : `${what}, and every step of the jobs is idempotent: re-run the command`, { cause: err, code });
  }
  return err;
}

