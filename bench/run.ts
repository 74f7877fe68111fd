/**
 * `npm run bench`: builds the datasets (PostgreSQL: large and a tenth of it; PGlite: LH_BENCH_PGLITE_LEADS)
 * and runs every measure; writes bench/results/latest.json and prints a Markdown summary for README.md.
 * Databases lh_bench_large / lh_bench_small are created on LH_BENCH_URL's server and kept for re-runs
 * (LH_BENCH_FRESH=1 rebuilds them); nothing else on the server is touched. See config.ts for parameters.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { migrate } from '../src/db/migrate.ts';
import { loadMigrations } from '../src/db/migrations-fs.ts';
import { openPglite } from '../src/db/pglite.ts';
import { connectPostgres } from '../src/db/postgres.ts';
import type { Database } from '../src/db/port.ts';
import { readConfig, type BenchConfig } from './config.ts';
import { generate, type Dataset } from './generate.ts';
import { explainPlans, measureAnalysis, measureAssignPending, measureDaily, measureTrigger } from './measures.ts';
import { measurePartitioning } from './partition.ts';
import { report } from './report.ts';

const HERE = import.meta.dirname;
/** Bumped when generate.ts builds a different dataset (2: overlapping assignment), so an old one is rebuilt. */
const DATASET_VERSION = 2;

function dbUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A migrated database holding the dataset of `leads` leads, built unless an identical one exists. */
async function dataset(cfg: BenchConfig, name: string, leads: number): Promise<{ db: Database; url: string; data: Dataset; reused: boolean }> {
  const admin = postgres(cfg.url, { max: 1, onnotice: () => {} });
  const url = dbUrl(cfg.url, name);
  try {
    const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
    if (exists && process.env['LH_BENCH_FRESH'] !== '1') {
      const db = connectPostgres(url, { max: 4 });
      const [meta] = await db.query<{ v: string }>('select value as v from public.bench_dataset').catch(() => []);
      const want = `${leads}/${cfg.validationsPerLead}/${DATASET_VERSION}`;
      if (meta?.v.startsWith(`${want}|`)) {
        await migrate(db, loadMigrations()); // migrations added since the dataset was built
        return { db, url, data: JSON.parse(meta.v.slice(want.length + 1)) as Dataset, reused: true };
      }
      await db.close();
    }
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const db = connectPostgres(url, { max: 4 });
  await migrate(db, loadMigrations());
  console.error(`generating ${name}: ${leads} leads, ${leads * cfg.validationsPerLead} validations …`);
  const data = await generate(db, leads, cfg.validationsPerLead);
  // its own table: lh_settings refuses keys it does not know (lh_setting_problem)
  await db.query('create table public.bench_dataset (value text not null)');
  await db.query('insert into public.bench_dataset (value) values ($1)', [`${leads}/${cfg.validationsPerLead}/${DATASET_VERSION}|${JSON.stringify(data)}`]);
  console.error(`  done in ${(data.generateMs / 1000).toFixed(1)} s`);
  return { db, url, data, reused: false };
}

function memoryOf(url: string): Record<string, number> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(HERE, 'memory-child.ts'), url], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

async function main(): Promise<void> {
  const cfg = readConfig(process.env);
  const want = (part: string) => !cfg.only || cfg.only.has(part);
  const results: Record<string, unknown> = {};
  const [ver] = await (async () => { const a = postgres(cfg.url, { max: 1 }); try { return await a`select version() as v`; } finally { await a.end(); } })();
  results['machine'] = {
    date: new Date().toISOString(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1e9 * 10) / 10, node: process.version, postgres: String(ver?.['v']),
  };
  results['config'] = { leads: cfg.leads, validationsPerLead: cfg.validationsPerLead, pgliteLeads: cfg.pgliteLeads, repeat: cfg.repeat };

  const large = await dataset(cfg, 'lh_bench_large', cfg.leads);
  results['datasetLarge'] = large.data;
  try {
    if (want('daily')) { results['daily'] = await measureDaily(large.db, cfg.repeat); console.error('daily', JSON.stringify(results['daily'])); }
    if (want('analysis')) { results['analysis'] = await measureAnalysis(large.db, cfg.repeat); console.error('analysis', JSON.stringify(results['analysis'])); }
    if (want('assign')) { results['assign'] = await measureAssignPending(large.db, cfg.repeat); console.error('assign', JSON.stringify(results['assign'])); }
    if (want('trigger')) { results['trigger'] = await measureTrigger(large.url, 3 * cfg.repeat); console.error('trigger', JSON.stringify(results['trigger'])); }
    // the two above roll back millions of rows: their dead tuples would slow every later read (and re-runs)
    if (want('assign') || want('trigger')) await large.db.query('vacuum analyze');
    if (want('explain')) results['explain'] = await explainPlans(large.db);
    if (want('partition')) { results['partition'] = await measurePartitioning(large.db, cfg.repeat); console.error('partition', JSON.stringify(results['partition'])); }
  } finally {
    await large.db.close();
  }
  if (want('memory')) {
    const small = await dataset(cfg, 'lh_bench_small', Math.round(cfg.leads / 10));
    results['datasetSmall'] = small.data;
    await small.db.close();
    results['memory'] = { small: memoryOf(small.url), large: memoryOf(large.url) };
    console.error('memory', JSON.stringify(results['memory']));
  }
  if (want('pglite') && cfg.pgliteLeads > 0) {
    const db = await openPglite();
    try {
      await migrate(db, loadMigrations());
      const data = await generate(db, cfg.pgliteLeads, cfg.validationsPerLead);
      results['pglite'] = { dataset: data, daily: await measureDaily(db, Math.min(cfg.repeat, 3)), analysis: await measureAnalysis(db, Math.min(cfg.repeat, 3)) };
      console.error('pglite', JSON.stringify(results['pglite']));
    } finally {
      await db.close();
    }
  }
  // a partial run (LH_BENCH_ONLY) updates its parts of the last full run's results
  const file = join(HERE, 'results', 'latest.json');
  const merged = cfg.only && existsSync(file) ? { ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...results } : results;
  mkdirSync(join(HERE, 'results'), { recursive: true });
  writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
  process.stdout.write(report(merged) + '\n');
}

await main();
