// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * Who may call the edge functions: the service-role (secret) key or the shared cron secret, nothing else
 * (docs/design.md §5). Compared in constant time over SHA-256 digests, so neither the length nor a prefix of a
 * secret leaks through timing.
 */
export interface Secrets {
  /** SUPABASE_SERVICE_ROLE_KEY (a JWT) or a newer `sb_secret_…` key. */
  readonly serviceRoleKey: string | undefined;
  /** LH_CRON_SECRET: the shared secret pg_cron sends in the `x-cron-secret` header. */
  readonly cronSecret: string | undefined;
}

/** The credentials a request presents: `Authorization: Bearer …`, `apikey: …`, `x-cron-secret: …`. */
export function presentedCredentials(headers: Headers): string[] {
  const out: string[] = [];
  const auth = headers.get('authorization');
  if (auth && /^bearer\s+/i.test(auth)) out.push(auth.replace(/^bearer\s+/i, '').trim());
  const apikey = headers.get('apikey');
  if (apikey) out.push(apikey.trim());
  const cron = headers.get('x-cron-secret');
  if (cron) out.push(cron.trim());
  return out.filter((c) => c.length > 0);
}

/** A configured secret shorter than this is refused (too easy to guess), as if it were not set. */
export const MIN_SECRET_LENGTH = 16;

/** The names of the credential headers a request carries (never their values: they go to the log). */
export function presentedCredentialHeaders(headers: Headers): string[] {
  return ['authorization', 'apikey', 'x-cron-secret'].filter((h) => headers.has(h));
}

/**
 * What is wrong with the configured secrets, for the operator (logged once when an instance starts): a
 * secret that is set but shorter than MIN_SECRET_LENGTH (refused), or no usable secret at all (every call
 * answers 401). Names the variables only, never a value or its length.
 */
export function secretProblems(secrets: Secrets): string[] {
  const problems: string[] = [];
  const named: Array<[string, string | undefined]> = [['SUPABASE_SERVICE_ROLE_KEY', secrets.serviceRoleKey], ['LH_CRON_SECRET', secrets.cronSecret]];
  for (const [name, value] of named) {
    if (value && value.length < MIN_SECRET_LENGTH) {
      problems.push(`${name} is set but shorter than ${MIN_SECRET_LENGTH} characters: refused, calls presenting it answer 401 ` +
        `(set a longer one, e.g. openssl rand -hex 32)`);
    }
  }
  if (!named.some(([, v]) => v && v.length >= MIN_SECRET_LENGTH)) {
    problems.push(`no usable secret (SUPABASE_SERVICE_ROLE_KEY or LH_CRON_SECRET of at least ${MIN_SECRET_LENGTH} characters): every call answers 401`);
  }
  return problems;
}

export async function isAuthorized(headers: Headers, secrets: Secrets): Promise<boolean> {
  const accepted = [secrets.serviceRoleKey, secrets.cronSecret].filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH);
  if (accepted.length === 0) return false; // misconfigured: fail closed
  let ok = false;
  for (const given of presentedCredentials(headers)) {
    for (const secret of accepted) {
      // no early exit: every pair is compared
      if (await constantTimeEqual(given, secret)) ok = true;
    }
  }
  return ok;
}

export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(a)),
    crypto.subtle.digest('SHA-256', enc.encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
