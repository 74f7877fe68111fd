// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The HTTP shell shared by both edge functions: authenticate, parse the JSON body, open one database
 * connection, run the job with the real clock, answer JSON. Runtime-neutral (Request/Response only); the
 * Deno entry files pass in the environment and the connector.
 */
import type { Clock } from '../clock.ts';
import type { Database } from '../db/port.ts';
import type { Logger, LogLevel } from '../logger.ts';
import type { JobDeps } from '../jobs/deps.ts';
import { isAuthorized } from './auth.ts';

export interface EdgeEnv {
  get(name: string): string | undefined;
}

export interface JobEndpoint<O> {
  readonly name: string;
  /** Validate the request body (already JSON-parsed; {} when empty) into job options, or say why not. */
  parseBody(body: unknown): { ok: true; options: O } | { ok: false; error: string };
  run(deps: JobDeps, options: O): Promise<unknown>;
  /** Errors caused by the request (e.g. an unknown time zone) answer 400, not 500. */
  isClientError?(err: unknown): boolean;
}

export interface ServeDeps {
  readonly env: EdgeEnv;
  readonly connect: (url: string) => Database;
  readonly clock: Clock;
  readonly log?: (line: string) => void;
}

export async function handleJobRequest<O>(req: Request, endpoint: JobEndpoint<O>, deps: ServeDeps): Promise<Response> {
  const log = deps.log ?? (() => {});
  const logger = jsonLogger(endpoint.name, log);
  const authorized = await isAuthorized(req.headers, {
    serviceRoleKey: deps.env.get('SUPABASE_SERVICE_ROLE_KEY'),
    cronSecret: deps.env.get('LH_CRON_SECRET'),
  });
  if (!authorized) return json(401, { error: 'unauthorized: send the service-role key or the cron secret' });
  if (req.method !== 'POST') return json(405, { error: `method ${req.method} not allowed; use POST` }, { allow: 'POST' });

  let body: unknown = {};
  const text = await req.text();
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      return json(400, { error: 'the request body is not valid JSON' });
    }
  }
  const parsed = endpoint.parseBody(body);
  if (!parsed.ok) return json(400, { error: parsed.error });

  const url = deps.env.get('SUPABASE_DB_URL') ?? deps.env.get('DATABASE_URL');
  if (!url) return json(500, { error: 'server misconfigured: SUPABASE_DB_URL is not set' });
  let db: Database | undefined;
  try {
    db = deps.connect(url);
    const result = await endpoint.run({ db, clock: deps.clock, logger }, parsed.options);
    return json(200, { ok: true, result });
  } catch (err) {
    const message = redactSecrets((err as Error).message ?? String(err), deps.env);
    if (endpoint.isClientError?.(err)) return json(400, { ok: false, error: message });
    logger.log('error', `${endpoint.name} failed`, { error: message });
    return json(500, { ok: false, error: `${endpoint.name} failed: ${message}` });
  } finally {
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
