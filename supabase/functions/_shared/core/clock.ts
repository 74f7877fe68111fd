// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The clock port. The core never reads the time itself: jobs take `now` from a Clock handed in by the
 * entry point, so a run can be made "as of" any instant and tests are exact.
 */
export interface Clock {
  now(): Date;
}

/** A clock stopped at one instant (the CLI's --now, tests). */
export function fixedClock(at: Date): Clock {
  const ms = at.getTime();
  return { now: () => new Date(ms) };
}
