/**
 * Benchmark parameters, from the environment so a slower machine (or CI) can scale them down:
 *   LH_BENCH_URL            PostgreSQL server (admin URL; the bench creates and drops its own databases)
 *   LH_BENCH_LEADS          leads in the large dataset (default 1,000,000; the small one has a tenth)
 *   LH_BENCH_VALIDATIONS_PER_LEAD  validations per lead (default 5 → 5,000,000)
 *   LH_BENCH_FRESH=1        rebuild the datasets even when identical ones exist
 *   LH_BENCH_PGLITE_LEADS   leads in the embedded-database run (default 100,000; 0 skips it)
 *   LH_BENCH_REPEAT         timed repetitions per measure (median reported; default 5)
 *   LH_BENCH_ONLY           comma list of parts: daily,analysis,assign,memory,trigger,explain,pglite,partition
 */
export interface BenchConfig {
  readonly url: string;
  readonly leads: number;
  readonly validationsPerLead: number;
  readonly pgliteLeads: number;
  readonly repeat: number;
  readonly only: ReadonlySet<string> | undefined;
}

function int(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

export function readConfig(env: Record<string, string | undefined>): BenchConfig {
  const only = env['LH_BENCH_ONLY'];
  return {
    url: env['LH_BENCH_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    leads: int(env, 'LH_BENCH_LEADS', 1_000_000),
    validationsPerLead: int(env, 'LH_BENCH_VALIDATIONS_PER_LEAD', 5),
    pgliteLeads: int(env, 'LH_BENCH_PGLITE_LEADS', 100_000),
    repeat: Math.max(1, int(env, 'LH_BENCH_REPEAT', 5)),
    only: only ? new Set(only.split(',').map((s) => s.trim())) : undefined,
  };
}

/** The metric day every measure computes, and the clock of the runs (00:01 the next day, UTC). */
export const BENCH_DAY = '2026-01-18';
export const BENCH_NOW = new Date('2026-01-19T00:01:00Z');
/** Leads are created over the SPAN_DAYS days ending with BENCH_DAY; the 20 tests started TEST_DAYS before its end. */
export const SPAN_DAYS = 120;
export const TEST_DAYS = 60;
