/** Timing helpers: one warm-up run, then the median of `repeat` runs (wall time, ms). */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly runsMs: readonly number[];
}

export async function time(repeat: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn(); // warm-up: caches, plans
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return summarize(runs);
}

/** Median, minimum and the runs themselves, rounded (ms). */
export function summarize(runs: readonly number[]): Timing {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  return { medianMs: round(mid), minMs: round(sorted[0]!), runsMs: runs.map((x) => round(x)) };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export function ratio(a: Timing, b: Timing): number {
  return round(a.medianMs / b.medianMs, 2);
}
