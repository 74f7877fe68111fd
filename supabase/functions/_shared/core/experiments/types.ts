// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The outcome of analysing one test: a closed union, so every consumer handles every case.
 * KEEP -> skill active; KILL -> skill killed; CONTINUE -> keep collecting; the other kinds make no decision.
 */
export type Recommendation = 'KEEP' | 'KILL' | 'CONTINUE';

/**
 * Why a test was KILLed (lh_ab_tests.kill_reason): the worthwhile lift is out of reach (`futile`), the
 * treatment is significantly worse (`harmful`), or the maximum was reached without an answer
 * (`inconclusive`: "we don't know", which the spawning cooldown treats more gently).
 */
export const KILL_REASONS = ['futile', 'harmful', 'inconclusive'] as const;
export type KillReason = (typeof KILL_REASONS)[number];

export type Decision =
  | { readonly kind: 'KEEP'; readonly reason: string }
  | { readonly kind: 'KILL'; readonly reason: string; readonly killReason: KillReason }
  | { readonly kind: 'CONTINUE'; readonly reason: string }
  | { readonly kind: 'not-enough-data'; readonly reason: string }
  | { readonly kind: 'blocked-srm'; readonly reason: string; readonly pValue: number };

/** The decision policies (src/experiments/policies/index.ts registers one module for each). */
export const POLICY_NAMES = ['seed', 'sequential', 'planned'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(v: unknown): v is PolicyName {
  return typeof v === 'string' && (POLICY_NAMES as readonly string[]).includes(v);
}

/** Whether a decision ends the test (and moves its skill). */
export function isFinal(d: Decision): d is Extract<Decision, { kind: 'KEEP' | 'KILL' }> {
  return d.kind === 'KEEP' || d.kind === 'KILL';
}
