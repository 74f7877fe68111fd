// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The database port: the only way the core talks to a database.
 *
 * One method wide on purpose (pg-boss style): every adapter (PostgreSQL via postgres.js, the embedded
 * PGlite) only has to run parameterised SQL and return plain rows. Adapters normalise types so the core
 * sees the same values on both: int8 and numeric arrive as JS numbers, `date` as 'YYYY-MM-DD' strings,
 * timestamptz as Date.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Run one statement with $1..$n parameters and return its rows. */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Run a multi-statement script without parameters (migrations); returns nothing. */
  script(text: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Run `fn` inside one transaction: committed when it resolves, rolled back when it throws.
   * Writes that belong together go through here (docs/design.md §6: no partial state after a failure).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A failure talking to the database, with a message a user can act on and the driver error as cause. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  readonly code: string | undefined;
  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
  }
}

/** SQLSTATE of a driver error, if it carries one (both drivers expose `code`). */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** 23505 unique_violation: used to turn a lost race into a "skipped" result instead of a crash. */
export const UNIQUE_VIOLATION = '23505';
