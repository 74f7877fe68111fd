// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The HTTP shell shared by the edge functions: authenticate, parse the JSON body, admit the call to a
 * bounded pool of database connections (or answer 503 with Retry-After), run the job with the real clock,
 * answer JSON. Runtime-neutral (Request/Response only); the Deno entry files pass in the environment and
 * the connector.
 *
 * One handler per function instance (`createJobHandler`): it owns one postgres.js pool of at most
 * LH_DB_POOL_MAX connections, runs at most that many jobs at once, queues up to LH_EDGE_QUEUE_MAX more
 * for at most LH_EDGE_QUEUE_TIMEOUT_MS each, and closes the pool after LH_DB_IDLE_CLOSE_MS without a
 * call, so an idle instance holds no connection. A burst therefore costs the server at most
 * LH_DB_POOL_MAX connections per instance, and the callers beyond the queue get 503 at once.
 */
import type { Clock } from '../clock.ts';
import type { Database } from '../db/port.ts';
import type { Logger, LogLevel } from '../logger.ts';
import type { JobDeps } from '../jobs/deps.ts';
import { isAuthorized, presentedCredentialHeaders, secretProblems } from './auth.ts';

export interface EdgeEnv {
  get(name: string): string | undefined;
}

export interface JobEndpoint<O> {
  readonly name: string;
  /** Validate the request body (already JSON-parsed; {} when empty) into job options, or say why not. */
  parseBody(body: unknown): { ok: true; options: O } | { ok: false; error: string };
  /** `signal` aborts when the caller has gone; a job may stop between its steps (ClientGoneError). */
  run(deps: JobDeps, options: O, signal?: AbortSignal): Promise<unknown>;
  /** Errors caused by the request answer 4xx, not 500: an unknown time zone 400, an unknown action 404, a conflict 409. */
  clientErrorStatus?(err: unknown): 400 | 404 | 409 | undefined;
}

/** A job stopped because its caller disconnected (nobody reads the answer; logged, not an error). */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

export interface ServeDeps {
  readonly env: EdgeEnv;
  /** Opens the instance's pool of at most `max` connections (postgres.js `max`). */
  readonly connect: (url: string, max: number) => Database;
  readonly clock: Clock;
  readonly log?: (line: string) => void;
}

/** The per-instance bounds, from the environment (documented defaults in the README). */
export interface EdgeLimits {
  /** LH_DB_POOL_MAX: connections per instance, and jobs running at once. */
  readonly poolMax: number;
  /** LH_EDGE_QUEUE_MAX: calls waiting for a free connection beyond those; more answer 503 at once. */
  readonly queueMax: number;
  /** LH_EDGE_QUEUE_TIMEOUT_MS: how long a call waits in the queue before it answers 503. */
  readonly queueTimeoutMs: number;
  /** LH_DB_IDLE_CLOSE_MS: the pool is closed after this long without a call. */
  readonly idleCloseMs: number;
}

export const DEFAULT_EDGE_LIMITS: EdgeLimits = { poolMax: 5, queueMax: 50, queueTimeoutMs: 10_000, idleCloseMs: 10_000 };

const LIMIT_VARS: ReadonlyArray<readonly [keyof EdgeLimits, string, number, number]> = [
  ['poolMax', 'LH_DB_POOL_MAX', 1, 100],
  ['queueMax', 'LH_EDGE_QUEUE_MAX', 0, 10_000],
  ['queueTimeoutMs', 'LH_EDGE_QUEUE_TIMEOUT_MS', 0, 600_000],
  ['idleCloseMs', 'LH_DB_IDLE_CLOSE_MS', 0, 3_600_000],
];

/** The limits the environment sets; a value that is not a whole number in range keeps the default and is reported. */
export function edgeLimitsFromEnv(env: EdgeEnv): { limits: EdgeLimits; problems: string[] } {
  const limits: Record<keyof EdgeLimits, number> = { ...DEFAULT_EDGE_LIMITS };
  const problems: string[] = [];
  for (const [key, name, min, max] of LIMIT_VARS) {
    const raw = env.get(name);
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"; using the default ${DEFAULT_EDGE_LIMITS[key]}`);
    } else limits[key] = n;
  }
  return { limits, problems };
}

export interface JobHandler {
  (req: Request): Promise<Response>;
  /** Close the pool (tests, shutdown); a later call opens a new one. */
  close(): Promise<void>;
  /** Jobs running and calls queued right now. */
  readonly load: () => { running: number; queued: number };
}

/**
 * The handler of one function instance. Logs its configuration problems once, now: a secret shorter than
 * 16 characters (refused, so calls presenting it answer 401), limits that are not numbers.
 */
export function createJobHandler<O>(endpoint: JobEndpoint<O>, deps: ServeDeps): JobHandler {
  const logger = jsonLogger(endpoint.name, deps.log ?? (() => {}));
  const secrets = { serviceRoleKey: deps.env.get('SUPABASE_SERVICE_ROLE_KEY'), cronSecret: deps.env.get('LH_CRON_SECRET') };
  for (const problem of secretProblems(secrets)) logger.log('error', problem);
  const { limits, problems } = edgeLimitsFromEnv(deps.env);
  for (const problem of problems) logger.log('error', problem);
  const gate = new Gate(limits.poolMax, limits.queueMax);
  const pool = new IdlePool(limits.idleCloseMs);
  const retryAfter = String(Math.max(1, Math.ceil(limits.queueTimeoutMs / 1000)));

  const rejected = (req: Request, status: number, reason: string, extra: Record<string, unknown> = {}): void => {
    // never a header value, a body or a secret: the method, what was wrong, and which credential headers came
    logger.log('warn', `rejected ${status}`, { status, method: req.method, reason: redactSecrets(reason, deps.env), ...extra });
  };

  const handler = async (req: Request): Promise<Response> => {
    if (!(await isAuthorized(req.headers, secrets))) {
      const presented = presentedCredentialHeaders(req.headers);
      rejected(req, 401, presented.length === 0 ? 'no credential' : 'no valid credential', { presented });
      return json(401, { error: 'unauthorized: send the service-role key or the cron secret' });
    }
    if (req.method !== 'POST') {
      rejected(req, 405, `method ${req.method} not allowed`);
      return json(405, { error: `method ${req.method} not allowed; use POST` }, { allow: 'POST' });
    }

    let body: unknown = {};
    const text = await req.text();
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        rejected(req, 400, 'the request body is not valid JSON');
        return json(400, { error: 'the request body is not valid JSON' });
      }
    }
    const parsed = endpoint.parseBody(body);
    if (!parsed.ok) {
      rejected(req, 400, parsed.error);
      return json(400, { error: parsed.error });
    }

    const url = deps.env.get('SUPABASE_DB_URL') ?? deps.env.get('DATABASE_URL');
    if (!url) {
      logger.log('error', 'server misconfigured: SUPABASE_DB_URL is not set');
      return json(500, { error: 'server misconfigured: SUPABASE_DB_URL is not set' });
    }

    const admitted = await gate.enter(limits.queueTimeoutMs, req.signal);
    if (admitted !== 'admitted') {
      const { running, queued } = gate.load();
      logger.log('warn', `busy: 503 (${admitted})`, { status: 503, running, queued, retryAfterSeconds: Number(retryAfter) });
      const why = admitted === 'queue-full'
        ? `${limits.poolMax} job(s) running on this instance and ${limits.queueMax} waiting`
        : `no database connection of this instance freed up within ${limits.queueTimeoutMs} ms`;
      return json(503, { error: `busy: ${why}; retry after ${retryAfter} s` }, { 'retry-after': retryAfter });
    }
    const db = pool.acquire(() => deps.connect(url, limits.poolMax));
    try {
      const result = await endpoint.run({ db, clock: deps.clock, logger }, parsed.options, req.signal);
      return json(200, { ok: true, result });
    } catch (err) {
      const message = redactSecrets((err as Error).message ?? String(err), deps.env);
      if (err instanceof ClientGoneError) {
        logger.log('warn', message, { status: 499 });
        return json(499, { ok: false, error: message });
      }
      const status = endpoint.clientErrorStatus?.(err);
      if (status !== undefined) {
        rejected(req, status, message);
        return json(status, { ok: false, error: message });
      }
      logger.log('error', `${endpoint.name} failed`, { error: message });
      return json(500, { ok: false, error: `${endpoint.name} failed: ${message}` });
    } finally {
      pool.release();
      gate.leave();
    }
  };
  return Object.assign(handler, { close: () => pool.closeNow(), load: () => gate.load() });
}

/** One request through a fresh handler, whose pool is closed afterwards (tests and one-off use). */
export async function handleJobRequest<O>(req: Request, endpoint: JobEndpoint<O>, deps: ServeDeps): Promise<Response> {
  const handler = createJobHandler(endpoint, deps);
  try {
    return await handler(req);
  } finally {
    await handler.close();
  }
}

/** At most `capacity` holders; up to `queueMax` waiters, each for at most its timeout. */
class Gate {
  private running = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly capacity: number, private readonly queueMax: number) {}

  load(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiters.length };
  }

  enter(timeoutMs: number, signal?: AbortSignal): Promise<'admitted' | 'queue-full' | 'timeout'> {
    if (this.running < this.capacity && this.waiters.length === 0) {
      this.running++;
      return Promise.resolve('admitted');
    }
    if (this.waiters.length >= this.queueMax || timeoutMs === 0) return Promise.resolve('queue-full');
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve('admitted'); // the slot was handed over by leave(): running already counts it
      };
      const giveUp = (): void => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve('timeout');
      };
      const timer = setTimeout(giveUp, timeoutMs);
      signal?.addEventListener('abort', giveUp, { once: true });
      this.waiters.push(wake);
    });
  }

  leave(): void {
    const next = this.waiters.shift();
    if (next) next(); // hand the slot over: running stays the same
    else this.running--;
  }
}

/** One shared Database, opened on first use and closed after `idleMs` without a user. */
class IdlePool {
  private db: Database | undefined;
  private users = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly idleMs: number) {}

  acquire(open: () => Database): Database {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.users++;
    this.db ??= open();
    return this.db;
  }

  release(): void {
    this.users--;
    if (this.users > 0) return;
    this.timer = setTimeout(() => void this.closeNow(), this.idleMs);
    (this.timer as { unref?: () => void }).unref?.(); // Node: an idle pool does not keep the process alive
  }

  async closeNow(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const db = this.db;
    this.db = undefined;
    await db?.close().catch(() => {});
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function jsonLogger(name: string, write: (line: string) => void): Logger {
  return {
    log(level: LogLevel, message: string, fields?: Record<string, unknown>) {
      write(JSON.stringify({ level, fn: name, message, ...fields }));
    },
  };
}

/** Error texts can echo a connection string; never let a password or key out in a response or log. */
export function redactSecrets(text: string, env: EdgeEnv): string {
  let out = text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+):[^@\s]*@/g, '$1:***@');
  for (const name of ['SUPABASE_SERVICE_ROLE_KEY', 'LH_CRON_SECRET']) {
    const v = env.get(name);
    if (v && v.length >= 8) out = out.split(v).join('***');
  }
  return out;
}
