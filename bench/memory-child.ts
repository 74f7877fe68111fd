/**
 * Child process of the memory measure: runs the daily job and the analysis against one database and
 * prints its memory (RSS and V8 heap, sampled every 5 ms) as one JSON line. A separate process per
 * dataset, so the two measurements do not share a heap.
 */
import { fixedClock } from '../src/clock.ts';
import { connectPostgres } from '../src/db/postgres.ts';
import { runAnalysisJob } from '../src/jobs/analyze.ts';
import { runDailyJob } from '../src/jobs/daily.ts';
import { silentLogger } from '../src/logger.ts';
import { BENCH_DAY, BENCH_NOW } from './config.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: memory-child.ts <database url>');
const db = connectPostgres(url, { max: 2 });
const deps = { db, clock: fixedClock(BENCH_NOW), logger: silentLogger };
await db.query('select 1');
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const base = process.memoryUsage();
let peakRss = base.rss;
let peakHeap = base.heapUsed;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 5);
for (let i = 0; i < 3; i++) {
  await runDailyJob(deps, { date: BENCH_DAY });
  await runAnalysisJob(deps);
}
clearInterval(timer);
const m = process.memoryUsage();
peakRss = Math.max(peakRss, m.rss);
peakHeap = Math.max(peakHeap, m.heapUsed);
await db.close();
const mb = (x: number) => Math.round((x / 1048576) * 10) / 10;
process.stdout.write(JSON.stringify({ baseRssMb: mb(base.rss), peakRssMb: mb(peakRss), baseHeapMb: mb(base.heapUsed), peakHeapMb: mb(peakHeap),
  maxRssMb: mb(process.resourceUsage().maxRSS * 1024) }) + '\n');
