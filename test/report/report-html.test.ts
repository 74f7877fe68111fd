/**
 * The HTML report rendered by a real browser: `lh-brain report --html FILE` on an embedded database
 * holding known rows, then headless Chromium (`--dump-dom`) loads the file, and the test reads back from
 * the rendered DOM what was drawn: one SVG series per funnel stage with one point per computed day and
 * the stored values, the response-time series, and one lift interval per test with its numbers.
 * Also checks that the file is self-contained and that a hostile test name stays text.
 *
 * Needs /usr/bin/chromium (Debian package `chromium`, scripts/install-chromium.sh). Skipped with a
 * message only when it is absent and env CI is not set; in CI a missing browser fails the test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { openPglite } from '../../src/db/pglite.ts';
import type { Queryable } from '../../src/db/port.ts';
import { renderHtml } from '../../src/report/html.ts';
import type { Report } from '../../src/report/types.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const haveChromium = existsSync(CHROMIUM);
const skip = !haveChromium && !process.env['CI'] ? `${CHROMIUM} not installed (run scripts/install-chromium.sh); skipped outside CI` : false;
if (skip) console.warn(`report-html.test: ${skip}`);

const work = await mkdtemp(join(tmpdir(), 'lhb-report-html-'));
after(() => rm(work, { recursive: true, force: true }));

function run(file: string, args: readonly string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, cwd: ROOT }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`, { cause: err }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Loads a file in headless Chromium and returns the DOM after rendering. */
async function renderedDom(htmlFile: string): Promise<string> {
  const profile = await mkdtemp(join(work, 'chromium-profile-'));
  const { stdout } = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
    '--dump-dom', pathToFileURL(htmlFile).href], 120_000);
  return stdout;
}

type Attrs = Record<string, string>;
/** Every start tag `<tag ...>` in serialised DOM with its attributes (Chromium serialises with double quotes). */
function tags(dom: string, tag: string): Attrs[] {
  const out: Attrs[] = [];
  for (const m of dom.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))) {
    const attrs: Attrs = {};
    for (const a of (m[1] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    out.push(attrs);
  }
  return out;
}

// ------------------------------------------------------------------ fixture: 14 days, 3 tests
const DAYS = Array.from({ length: 14 }, (_, i) => `2026-04-${String(i + 1).padStart(2, '0')}`);
const dayFigures = (i: number) => ({ newLeads: 40 + i, contacted: 30 + (i % 5), qualified: 8 + (i % 3), closed: i % 2, response: 2 + i * 0.5 });
const SKIPPED_DAY = 6; // 2026-04-07 was never computed: a gap in every line

async function seed(db: Queryable): Promise<Record<string, number>> {
  for (const [i, d] of DAYS.entries()) {
    if (i === SKIPPED_DAY) continue;
    const f = dayFigures(i);
    await db.query(`insert into lh_daily_metrics (metric_date, new_leads_count, contacted_count, qualified_count, closed_count,
      avg_response_time_hours, contact_rate, qualification_rate) values ($1::date, $2::int, $3::int, $4::int, $5::int, $6::float8, $3::int::float8 / $2::int, $4::int::float8 / $3::int)`,
    [d, f.newLeads, f.contacted, f.qualified, f.closed, f.response]);
  }
  await db.query(`insert into lh_pattern_performance (performance_date, pattern_name, f1_score, sample_size, avg_f1_score)
    select d, 'business_detection', 0.8, 20, 0.8 from unnest($1::date[]) as d`, [DAYS.slice(0, 10)]);
  const [skill] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, problem_detected, target_metric,
    baseline_value, target_value, status, spawned_at, evidence) values ('instant-responder', 'instant-responder v1',
    'Average response time 8 h > 4 h', 'avg_response_time_hours', 8, 4, 'testing', '2026-04-10T00:01:00Z',
    ('{"evidence":[{"summary":"Average response time 8.0 h is above 4 h <script>alert(1)</script>"}]}'::text)::jsonb) returning id`);
  const ids: Record<string, number> = { skill: skill!.id };
  // detected on the latest computed day (04-14) and on an older one (04-13, not current)
  await db.query(`insert into lh_detected_bottlenecks (metric_date, bottleneck_type, severity, metric_tracked, current_value, target_value,
    suggested_skill, evidence, spawn_outcome, skill_id) values
    ('2026-04-14', 'low_response_rate', 'high', 'avg_response_time_hours', 8, 2, 'instant-responder',
     ('[{"summary":"response time rose to 8 h <img src=x>"}]'::text)::jsonb, 'spawned', $1),
    ('2026-04-13', 'slow_follow_up', 'medium', 'avg_days_to_qualify', 6, 3, 'follow-up-sequencer', '[]'::jsonb, null, null)`, [skill!.id]);
  const test = async (key: string, sql: string, params: unknown[]) => {
    const [r] = await db.query<{ id: number }>(sql + ' returning id', params);
    ids[key] = r!.id;
  };
  await test('evil', `insert into lh_ab_tests (test_name, skill_id, metric_tracked, status, started_at, ended_at, control_sample_size,
    treatment_sample_size, control_conversion_rate, treatment_conversion_rate, lift_pct, p_value, recommendation, results)
    values ($1, $2, 'conversion_rate', 'completed', '2026-03-01T00:01:00Z', '2026-04-01T00:01:00Z', 400, 410, 0.2, 0.263, 31.5, 0.0321,
    'KEEP', ($3::text)::jsonb)`,
  [`<script>document.title='pwned'</script><img src=x onerror=alert(1)> "quoted" & 'single'`, skill!.id,
    JSON.stringify({ liftCi: { lower: 2.5, upper: 68.25 }, bySource: [{ source: 'zillow<b>', controlSampleSize: 200, treatmentSampleSize: 210,
      controlRate: 0.2, treatmentRate: 0.25, liftPct: 25, pValue: 0.2, adjustedPValue: 0.4 }], srm: { status: 'mismatch', pValue: 0.0001 } })]);
  // no stored interval: the report computes one from 45/150 vs 60/160 at 95 %
  // (SciPy 1.17: exp(log(1.25) ± norm.ppf(0.975)*sqrt(0.7/45 + 0.625/60)) - 1 -> [-8.855340610855055 %, 71.4307794304061 %])
  await test('wald', `insert into lh_ab_tests (test_name, metric_tracked, started_at, control_sample_size, treatment_sample_size,
    control_conversion_rate, treatment_conversion_rate, lift_pct, p_value, recommendation)
    values ('Qualification scorer', 'qualification_rate', '2026-04-05T00:01:00Z', 150, 160, 0.3, 0.375, 25, 0.16, 'CONTINUE')`, []);
  await test('fresh', `insert into lh_ab_tests (test_name, metric_tracked, started_at) values ('Not analysed yet', 'contact_rate', '2026-04-12T00:01:00Z')`, []);
  return ids;
}

describe('HTML report in headless Chromium', { skip }, () => {
  it('draws the funnel and response-time series and one lift interval per test', async () => {
    const dataDir = join(work, 'pgdata');
    const db = await openPglite(dataDir);
    let ids: Record<string, number>;
    try {
      await migrate(db, loadMigrations());
      ids = await seed(db);
    } finally {
      await db.close();
    }
    const htmlFile = join(work, 'out', 'report.html');
    await run('mkdir', ['-p', join(work, 'out')], 10_000);
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin/lh-brain.js'), '--data-dir', dataDir, '--now', '2026-04-14T12:00:00Z',
      '--json', 'report', '--days', '14', '--html', htmlFile], 120_000);
    const json = JSON.parse(stdout) as Report;
    assert.deepEqual(json.window, { from: '2026-04-01', to: '2026-04-14', days: 14 });
    assert.deepEqual(await readdir(join(work, 'out')), ['report.html'], 'only the final file, no temp file left behind');

    const html = await readFile(htmlFile, 'utf8');
    // self-contained: no script, no external resource
    assert.doesNotMatch(html, /<script|<link\b|@import|url\(|https?:\/\//i);

    const dom = await renderedDom(htmlFile);
    assert.match(dom, /<svg id="chart-funnel"/);
    assert.doesNotMatch(dom, /<script|<img/i, 'a hostile test name or evidence must stay text');
    assert.match(dom, /&lt;script&gt;document\.title='pwned'&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt; "quoted" &amp; 'single'/);

    // funnel: one group per stage, one point per computed day (13 of 14) carrying the stored value
    const groups = tags(dom, 'g').filter((a) => a['class'] === 'series');
    assert.deepEqual(groups.map((g) => [g['data-series'], g['data-points']]), [
      ['new_leads', '13'], ['contacted', '13'], ['qualified', '13'], ['closed', '13'],
      ['avg_response_time_hours', '13'], ['qualification_rate', '13'], ['contact_rate', '13'], ['f1_score', '10']]);
    const points = tags(dom, 'circle');
    const key = { new_leads: 'newLeads', contacted: 'contacted', qualified: 'qualified', closed: 'closed', avg_response_time_hours: 'response' } as const;
    for (const [series, field] of Object.entries(key)) {
      const drawn = points.filter((p) => p['data-series'] === series).map((p) => [p['data-date'], Number(p['data-value'])]);
      const expected = DAYS.flatMap((d, i) => (i === SKIPPED_DAY ? [] : [[d, dayFigures(i)[field]]]));
      assert.deepEqual(drawn, expected, series);
    }
    // the gap: the line is broken (a second 'M' move) rather than drawn across the missing day
    const funnelPath = dom.match(/<g class="series" data-series="new_leads"[^>]*><path d="([^"]*)"/)?.[1] ?? '';
    assert.equal(funnelPath.split('M').length - 1, 2, funnelPath);

    // forest plot: one row per test, in the report's order, with the lift and its interval
    const rows = tags(dom, 'g').filter((a) => a['class'] === 'forest-row');
    assert.deepEqual(rows.map((r) => Number(r['data-test-id'])), [ids['fresh'], ids['wald'], ids['evil']]);
    const row = (id: number | undefined) => rows.find((r) => Number(r['data-test-id']) === id)!;
    assert.deepEqual([row(ids['evil'])['data-lift'], row(ids['evil'])['data-ci-lower'], row(ids['evil'])['data-ci-upper'],
      row(ids['evil'])['data-ci-source'], row(ids['evil'])['data-recommendation']], ['31.5', '2.5', '68.25', 'analysis', 'KEEP']);
    const wald = row(ids['wald']);
    assert.equal(wald['data-ci-source'], 'wald-from-rates');
    assert.ok(Math.abs(Number(wald['data-ci-lower']) - -8.855340610855055) < 1e-5, wald['data-ci-lower']);
    assert.ok(Math.abs(Number(wald['data-ci-upper']) - 71.4307794304061) < 1e-5, wald['data-ci-upper']);
    assert.deepEqual([row(ids['fresh'])['data-lift'], row(ids['fresh'])['data-ci-lower']], ['', '']);
    // an interval line per test that has one, none for the unanalysed test
    const intervals = dom.match(/<line data-role="interval"/g) ?? [];
    assert.equal(intervals.length, 2);
    assert.match(dom, /<title>Qualification scorer: lift 25\.00%, 95% CI \[-8\.86%, 71\.43%\]<\/title>/);

    // the interval's drawn ends sit where the axis puts the numbers (x is linear in %)
    const evilLine = dom.match(new RegExp(`data-test-id="${ids['evil']}"[\\s\\S]*?<line data-role="interval" x1="([\\d.]+)" x2="([\\d.]+)"`));
    const waldLine = dom.match(new RegExp(`data-test-id="${ids['wald']}"[\\s\\S]*?<line data-role="interval" x1="([\\d.]+)" x2="([\\d.]+)"`));
    const [e1, e2, w1, w2] = [evilLine?.[1], evilLine?.[2], waldLine?.[1], waldLine?.[2]].map(Number);
    const slope = (e2! - e1!) / (68.25 - 2.5);
    assert.ok(slope > 0);
    assert.ok(Math.abs((w2! - w1!) / (71.4307794304061 - -8.855340610855055) - slope) < 0.01, 'both intervals on one linear axis');

    // tables: per-source row and the bottleneck's evidence
    assert.match(dom, new RegExp(`<tr class="source" data-test-id="${ids['evil']}" data-source="zillow&lt;b&gt;">`));
    assert.match(dom, /Average response time 8\.0 h is above 4 h &lt;script&gt;/);
    // current bottlenecks: the latest computed day's only, with the spawn outcome
    assert.match(dom, /<h2>Current bottlenecks \(detected on 2026-04-14\)<\/h2>/);
    assert.deepEqual(tags(dom, 'tr').filter((a) => a['data-type']).map((a) => [a['data-type'], a['data-severity'], a['data-spawn-outcome']]),
      [['low_response_rate', 'high', 'spawned']]);
    assert.match(dom, /response time rose to 8 h &lt;img src=x&gt;/);
    assert.match(dom, new RegExp(`spawned \\(skill #${ids['skill']}\\)`));
    assert.deepEqual(tags(dom, 'tr').filter((a) => a['data-srm']).map((a) => [Number(a['data-test-id']), a['data-srm']]), [[ids['evil'], 'mismatch']]);
  });

  it('renders an empty report without charts that divide by zero', async () => {
    const empty: Report = {
      generatedAt: '2026-04-14T12:00:00.000Z', timeZone: 'UTC', window: { from: '2026-04-14', to: '2026-04-14', days: 1 },
      trend: [{ date: '2026-04-14', hasData: false, newLeads: null, contacted: null, qualified: null, closed: null,
        avgResponseTimeHours: null, avgTimeToQualifyHours: null, contactRate: null, qualificationRate: null, f1Score: null }],
      latest: null, bottlenecksDate: null, bottlenecks: [], skillsUnderTest: [], skills: [], tests: [],
      truncated: { bottlenecks: false, skills: false, tests: false },
    };
    const file = join(work, 'empty.html');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, renderHtml(empty));
    const dom = await renderedDom(file);
    assert.doesNotMatch(dom, /NaN|Infinity/);
    assert.deepEqual(tags(dom, 'svg').map((s) => [s['id'], s['data-empty']]),
      [['chart-funnel', 'true'], ['chart-response', 'true'], ['chart-rates', 'true'], ['chart-lift', 'true']]);
    assert.match(dom, /No daily metrics in this window yet/);
  });
});
