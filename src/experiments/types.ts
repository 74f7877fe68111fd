/**
 * The outcome of analysing one test: a closed union, so every consumer handles every case.
 * KEEP -> skill active; KILL -> skill killed; CONTINUE -> keep collecting; the other kinds make no decision.
 */
export type Recommendation = 'KEEP' | 'KILL' | 'CONTINUE';

export type Decision =
  | { readonly kind: 'KEEP'; readonly reason: string }
  | { readonly kind: 'KILL'; readonly reason: string; readonly inconclusive: boolean }
  | { readonly kind: 'CONTINUE'; readonly reason: string }
  | { readonly kind: 'not-enough-data'; readonly reason: string }
  | { readonly kind: 'blocked-srm'; readonly reason: string; readonly pValue: number };

export type PolicyName = 'seed' | 'sequential';

/** Whether a decision ends the test (and moves its skill). */
export function isFinal(d: Decision): d is Extract<Decision, { kind: 'KEEP' | 'KILL' }> {
  return d.kind === 'KEEP' || d.kind === 'KILL';
}
