import { isConnectionLost, isStatementCancelled, explainDatabaseFault } from '../db/faults.ts';
import { DatabaseError } from '../db/port.ts';

/** A mistake in how the command was called: reported in one line with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** Fields of the `{"error": …}` document a command that reports failures as JSON prints (see errorDocument). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.details = options.details;
  }
}

/** Any other failure (exit 1) whose `{"error": …}` document carries more than the message. */
export class DetailedFailure extends Error {
  override readonly name = 'DetailedFailure';
  constructor(message: string, readonly details: Readonly<Record<string, unknown>>, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/**
 * The JSON document a failure is with --json, for commands that report failures as JSON (`config`):
 * `{"error": {"kind": "usage" | "failure", "exitCode": 2 | 1, "message": <the one line of stderr>, …details}}`.
 */
export function errorDocument(err: unknown, exitCode: number, message: string): { error: Record<string, unknown> } {
  const details = err instanceof UsageError || err instanceof DetailedFailure ? err.details : undefined;
  return { error: { kind: exitCode === 2 ? 'usage' : 'failure', exitCode, message, ...details } };
}

/** The error and its causes, outermost first (bounded, in case of a cycle). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 16; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (typeof e !== 'object') break;
  }
  return chain;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

/**
 * The one line `lh-brain: …` says for a failure (exit 1). A lost session or a statement the server cancelled
 * is what happened wherever it sits in the cause chain, so it is named as such, not behind a wrapper's
 * guess (a step's "check the time zone…" hint, or "cannot connect" for a statement that timed out on a
 * session that did connect). Anything else: the first line of its message.
 */
export function failureLine(err: unknown): string {
  const chain = causeChain(err);
  const cancelled = chain.filter(isStatementCancelled).pop();
  if (cancelled !== undefined) return firstLine(explainDatabaseFault(cancelled));
  const lost = chain.filter(isConnectionLost).pop();
  if (lost !== undefined) {
    // the outermost DatabaseError: the adapter's explanation, or one that adds where it happened
    // ("cannot connect to … : lost the connection …", "migration … failed: lost the connection …")
    return firstLine(chain.find((e) => e instanceof DatabaseError) ?? explainDatabaseFault(lost));
  }
  return firstLine(err);
}
