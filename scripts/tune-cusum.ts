/**
 * Tunes the CUSUM thresholds h on the seeded simulation (test/sim/pipeline.ts) with seed bases of its own
 * (21000 stable, 25000 per drop), apart from the seeds test/sim/detection-false-alarms.test.ts reports on
 * (1000, 5000). For each h on a grid: false alarms (episodes per type per 90 stable days, the CUSUM together with
 * the type's other triggers) and, per injected drop, the power within 21 days and the median delay.
 * Run: node --import tsx scripts/tune-cusum.ts [overrides as JSON, e.g. '{"qualificationDrop":0.3}']
 */
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from '../src/detect/config.ts';
import { delayCusum, f1Cusum, qualificationCusum, responseCusum } from '../src/detect/cusum-checks.ts';
import { detectBottlenecks } from '../src/detect/detect.ts';
import type { Check } from '../src/detect/checks.ts';
import type { DetectionInput } from '../src/detect/input.ts';
import type { BottleneckType } from '../src/detect/types.ts';
import { HEALTHY, inputFor, simulate, type World } from '../test/sim/pipeline.ts';

const over = JSON.parse(process.argv[2] ?? '{}') as Partial<DetectionConfig['cusum']>;
const base: DetectionConfig = { ...DEFAULT_DETECTION_CONFIG, cusum: { ...DEFAULT_DETECTION_CONFIG.cusum, ...over } };
const tiny: DetectionConfig = { ...base, cusum: { ...base.cusum, qualificationH: 1e-12, responseH: 1e-12, delayH: 1e-12, f1H: 1e-12 } };
const off: DetectionConfig = { ...base, cusum: { ...base.cusum, qualificationH: 1e12, responseH: 1e12, delayH: 1e12, f1H: 1e12 } };

const KINDS = [
  { type: 'poor_qualification', check: qualificationCusum },
  { type: 'low_response_rate', check: responseCusum },
  { type: 'slow_follow_up', check: delayCusum },
  { type: 'validation_accuracy_drop', check: f1Cusum },
] as const satisfies ReadonlyArray<{ type: BottleneckType; check: (i: DetectionInput, c: DetectionConfig) => Check }>;
const stat = (ch: Check) => (ch.kind === 'fired' ? Number(ch.evidence.figures.statistic) : 0);

/** Per evaluated day: the statistic of each CUSUM and whether the type fired without it. */
function trace(seed: number, world: World, from: number, to: number) {
  const sr = simulate(seed, to, world);
  const out: Array<Record<string, { s: number; other: boolean }>> = [];
  for (let D = from; D < to; D++) {
    const input = inputFor(sr, D, base);
    const others = new Set(detectBottlenecks(input, off).map((b) => b.type));
    out.push(Object.fromEntries(KINDS.map((k) => [k.type, { s: stat(k.check(input, tiny)), other: others.has(k.type) }])));
  }
  return out;
}

const GRID = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14];
const WARM_UP = 50;
const STABLE = Array.from({ length: 60 }, (_, s) => trace(21000 + s, HEALTHY, WARM_UP, WARM_UP + 90));
for (const k of KINDS) {
  const row = GRID.map((h) => {
    let ep = 0; let cusumOnly = 0;
    for (const days of STABLE) {
      const on = days.map((d) => d[k.type]!.s >= h || d[k.type]!.other);
      on.forEach((x, i) => { if (x && !(on[i - 1] ?? false)) ep++; });
      const c = days.map((d) => d[k.type]!.s >= h);
      c.forEach((x, i) => { if (x && !(c[i - 1] ?? false)) cusumOnly++; });
    }
    return `h=${h}: ${(ep / 60).toFixed(3)} (cusum ${(cusumOnly / 60).toFixed(3)})`;
  });
  console.log(`false alarms per 90 d, ${k.type}: ${row.join('  ')}`);
}

const CHANGE = WARM_UP + 35;
const after = (v: number, before: number) => (d: number) => (d >= CHANGE ? v : before);
const DROPS: Array<{ name: string; type: BottleneckType; world: World }> = [
  { name: 'qualification 60 % → 40 %', type: 'poor_qualification', world: { ...HEALTHY, qualifyP: (d) => (d >= CHANGE ? 0.4 : 0.6) } },
  { name: 'response 2 h → 8 h', type: 'low_response_rate', world: { ...HEALTHY, responseMedianH: after(3.9, 0.97) } },
  { name: 'F1 0.87 → 0.75', type: 'validation_accuracy_drop', world: { ...HEALTHY, f1: after(0.75, 0.87) } },
  { name: 'days to qualify 2 → 5', type: 'slow_follow_up', world: { ...HEALTHY, qualifyMedianD: after(5, 2) } },
];
for (const drop of DROPS) {
  const runs = Array.from({ length: 30 }, (_, s) => trace(25000 + s, drop.world, CHANGE, CHANGE + 21));
  const row = GRID.map((h) => {
    const delays = runs.map((days) => days.findIndex((d) => d[drop.type]!.s >= h || d[drop.type]!.other)).filter((x) => x >= 0).sort((a, b) => a - b);
    return `h=${h}: ${delays[Math.floor(delays.length / 2)] ?? '-'}d ${(delays.length / 30).toFixed(2)}`;
  });
  console.log(`${drop.name}: ${row.join('  ')}`);
}
