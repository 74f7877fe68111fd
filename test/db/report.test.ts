/**
 * buildReport against rows written straight into the output tables (lh_daily_metrics,
 * lh_pattern_performance, lh_detected_bottlenecks, lh_spawned_skills, lh_ab_tests), on PGlite and
 * PostgreSQL: the window bounds in the business time zone, each figure of the trend, the current
 * bottlenecks (those detected on the latest computed metric day, with their spawn outcome), the skills
 * under test, the stored vs computed lift intervals, per-source results, list limits, and the terminal
 * rendering.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Queryable } from '../../src/db/port.ts';
import { buildReport, REPORT_LIMITS, ReportError } from '../../src/report/build.ts';
import { waldLiftCi } from '../../src/report/results.ts';
import { renderTerminal, sparkline } from '../../src/report/terminal.ts';
import { renderHtml } from '../../src/report/html.ts';
import type { Report } from '../../src/report/types.ts';
import { dbTargets } from '../support/databases.ts';

const NOW = new Date('2026-03-10T00:01:00Z'); // window of 7 days: 2026-03-04 .. 2026-03-10 (UTC)

async function insertMetrics(db: Queryable): Promise<void> {
  // (date, new, contacted, qualified, closed, response h, time to qualify h, contact rate, qualification rate)
  const rows: Array<[string, number, number, number, number, number | null, number | null, number | null, number | null]> = [
    ['2026-03-03', 99, 99, 99, 99, 9.9, 9.9, 1, 1], // the day before the window: must not appear
    ['2026-03-05', 40, 30, 9, 2, 3.5, 20, 0.75, 0.3],
    ['2026-03-06', 50, 25, 5, 1, 6.25, null, 0.5, 0.2],
    ['2026-03-09', 0, 0, 0, 0, null, null, null, null], // an empty but computed day
    ['2026-03-11', 77, 77, 77, 77, 7.7, 7.7, 1, 1], // after the window
  ];
  for (const r of rows) {
    await db.query(`insert into lh_daily_metrics (metric_date, new_leads_count, contacted_count, qualified_count, closed_count,
      avg_response_time_hours, avg_time_to_qualify_hours, contact_rate, qualification_rate) values ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, r);
  }
  // pattern performance: avg_f1_score is the day's mean over patterns (same on each row of the day)
  await db.query(`insert into lh_pattern_performance (performance_date, pattern_name, f1_score, sample_size, avg_f1_score) values
    ('2026-03-05', 'business_detection', 0.9, 40, 0.85), ('2026-03-05', 'phone_valid', 0.8, 30, 0.85),
    ('2026-03-07', 'business_detection', 0.7, 12, 0.7), ('2026-03-02', 'business_detection', 0.1, 5, 0.1)`);
}

const EVIDENCE = {
  type: 'low_response_rate', severity: 'high', metric: 'avg_response_time_hours', currentValue: 6.25, targetValue: 4,
  evidence: [{ trigger: { kind: 'threshold', rule: 'avg_response_time_hours > 4', threshold: 4 }, figures: { contacted: 25 },
    summary: 'Average response time 6.25 h is above 4 h.' }],
};

async function insertSkillsAndTests(db: Queryable): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  const skill = async (key: string, type: string, status: string, metric: string, spawned: string, extra: { lift?: number; decided?: string; evidence?: unknown } = {}) => {
    const [r] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, problem_detected, target_metric,
      baseline_value, target_value, status, spawned_at, decision_made_at, actual_lift_pct, evidence, spawned_for_date, decision_reason)
      values ($1, $1 || '-' || $2, 'problem of ' || $1, $3, 0.25, 0.3, $2, $4, $5, $6, ($7::text)::jsonb, ($4::timestamptz)::date - 1, $8) returning id`,
      [type, status, metric, spawned, extra.decided ?? null, extra.lift ?? null, extra.evidence === undefined ? null : JSON.stringify(extra.evidence),
        status === 'testing' ? null : `decided ${status}`]);
    ids[key] = r!.id;
  };
  await skill('responder', 'instant-responder', 'testing', 'avg_response_time_hours', '2026-03-07T00:01:00Z', { evidence: EVIDENCE });
  await skill('scorer', 'lead-scorer', 'active', 'qualification_rate', '2026-01-02T00:01:00Z', { lift: 31.5, decided: '2026-02-02T00:05:00Z' });
  await skill('sequencer', 'follow-up-sequencer', 'killed', 'contact_rate', '2026-01-05T00:01:00Z', { lift: 1.25, decided: '2026-02-09T00:05:00Z' });
  await skill('qual', 'lead-scorer', 'testing', 'qualification_rate', '2026-03-08T00:01:00Z');

  const test = async (key: string, cols: Record<string, unknown>) => {
    const names = Object.keys(cols);
    const [r] = await db.query<{ id: number }>(`insert into lh_ab_tests (${names.join(', ')}) values (${names.map((n, i) => (n === 'results' ? `($${i + 1}::text)::jsonb` : `$${i + 1}`)).join(', ')}) returning id`,
      Object.values(cols).map((v) => (typeof v === 'object' && v !== null && !(v instanceof Date) ? JSON.stringify(v) : v)));
    ids[key] = r!.id;
  };
  // completed, with the analysis' stored interval and per-source results (the interval is taken as stored)
  await test('stored', { test_name: 'Lead scorer <b>v1</b>', skill_id: ids['scorer'], metric_tracked: 'conversion_rate', status: 'completed',
    started_at: '2026-01-02T00:01:00Z', ended_at: '2026-02-02T00:05:00Z', control_sample_size: 400, treatment_sample_size: 410,
    control_conversion_rate: 0.2, treatment_conversion_rate: 0.263, lift_pct: 31.5, p_value: 0.0321, winner: 'treatment',
    recommendation: 'KEEP', decision_reason: 'lift > 10% and p < 0.05',
    results: { liftCi: { lower: 2.5, upper: 68.25 }, bySource: [
      { source: 'zillow', controlSampleSize: 200, treatmentSampleSize: 190, controlRate: 0.25, treatmentRate: 0.3, liftPct: 20, pValue: 0.2, adjustedPValue: 0.4, significant: false, note: null },
      { source: 'referral', controlSampleSize: 200, treatmentSampleSize: 220, controlRate: 0.15, treatmentRate: 0.23, liftPct: 53.3, pValue: 0.04 },
    ], srm: { status: 'mismatch', pValue: 0.0002, chiSquare: 14.1 } } });
  // running rate test without stored results: the Wald interval is computed from rates and sample sizes
  await test('wald', { test_name: 'Qualification scorer', skill_id: ids['qual'], metric_tracked: 'qualification_rate', confidence_level: 0.9,
    started_at: '2026-03-08T00:01:00Z', control_sample_size: 150, treatment_sample_size: 160, control_conversion_rate: 0.3,
    treatment_conversion_rate: 0.375, lift_pct: 25, p_value: 0.16, recommendation: 'CONTINUE' });
  // running duration test without stored interval: none is computed
  await test('duration', { test_name: 'Instant responder', skill_id: ids['responder'], metric_tracked: 'avg_response_time_hours',
    started_at: '2026-03-07T00:01:00Z', control_sample_size: 120, treatment_sample_size: 118, control_conversion_rate: 6.0,
    treatment_conversion_rate: 4.5, lift_pct: 25, p_value: 0.01,
    results: { liftCi: null, note: 'control mean is 0: no ratio', srm: { status: 'ok', pValue: 0.61 } } });
  // running, never analysed
  await test('fresh', { test_name: 'Follow-up', metric_tracked: 'contact_rate', started_at: '2026-03-09T00:01:00Z' });
  return ids;
}

const DETECTED_EVIDENCE = [{ trigger: { kind: 'baseline-drop', test: 'conversion drop of zillow', pValue: 0.001, alpha: 0.005, baselineValue: 0.3 },
  figures: { source: 'zillow' }, summary: 'zillow conversion fell from 30% to 8%.' }];

/**
 * Detected bottlenecks: three on 2026-03-09 (the latest computed day of a window ending 03-10), one on an
 * older day and one on 03-11 (computed, but after the window): only the 03-09 rows are current.
 */
async function insertDetected(db: Queryable, ids: Record<string, number>): Promise<void> {
  const row = async (date: string, type: string, segment: string | null, severity: string, metric: string, current: number,
    target: number, skill: string, outcome: string | null, skillId: number | null, evidence: unknown = []) => {
    await db.query(`insert into lh_detected_bottlenecks (metric_date, bottleneck_type, segment, severity, metric_tracked, current_value,
      target_value, suggested_skill, evidence, detected_at, spawn_outcome, skill_id)
      values ($1, $2, $3, $4, $5, $6, $7, $8, ($9::text)::jsonb, ($1::date + 1)::timestamptz + interval '1 minute', $10, $11)`,
    [date, type, segment, severity, metric, current, target, skill, JSON.stringify(evidence), outcome, skillId]);
  };
  await row('2026-03-09', 'poor_qualification', null, 'medium', 'qualification_rate', 0.2, 0.5, 'lead-scorer', 'already-testing', ids['qual']!);
  await row('2026-03-09', 'weak_lead_source', 'zillow', 'high', 'source_conversion_rate', 0.08, 0.3, 'source-optimizer', 'spawned', null, DETECTED_EVIDENCE);
  await row('2026-03-09', 'low_response_rate', null, 'high', 'avg_response_time_hours', 6.25, 2, 'instant-responder', null, null);
  await row('2026-03-06', 'slow_follow_up', null, 'high', 'avg_days_to_qualify', 8, 3, 'follow-up-sequencer', 'spawned', null);
  await row('2026-03-11', 'validation_accuracy_drop', null, 'high', 'f1_score', 0.6, 0.87, 'pattern-optimizer', 'spawned', null);
}

for (const target of await dbTargets()) {
  describe(`report on ${target.name}`, () => {
    it('reads the trend of the window only, with every figure of each day', async () => {
      const db = await target.fresh();
      try {
        await insertMetrics(db);
        const r = await buildReport(db, { now: NOW, days: 7 });
        assert.equal(r.timeZone, 'UTC');
        assert.deepEqual(r.window, { from: '2026-03-04', to: '2026-03-10', days: 7 });
        assert.deepEqual(r.trend.map((p) => p.date), ['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
        assert.deepEqual(r.trend.map((p) => p.hasData), [false, true, true, false, false, true, false]);
        assert.deepEqual(r.trend[1], { date: '2026-03-05', hasData: true, newLeads: 40, contacted: 30, qualified: 9, closed: 2,
          avgResponseTimeHours: 3.5, avgTimeToQualifyHours: 20, contactRate: 0.75, qualificationRate: 0.3, f1Score: 0.85 });
        assert.deepEqual(r.trend[2], { date: '2026-03-06', hasData: true, newLeads: 50, contacted: 25, qualified: 5, closed: 1,
          avgResponseTimeHours: 6.25, avgTimeToQualifyHours: null, contactRate: 0.5, qualificationRate: 0.2, f1Score: null });
        // a day without a metrics row still shows that day's F1 when feedback was scored
        assert.deepEqual(r.trend[3], { date: '2026-03-07', hasData: false, newLeads: null, contacted: null, qualified: null, closed: null,
          avgResponseTimeHours: null, avgTimeToQualifyHours: null, contactRate: null, qualificationRate: null, f1Score: 0.7 });
        assert.equal(r.trend[5]!.newLeads, 0);
        assert.equal(r.trend[5]!.avgResponseTimeHours, null);
        assert.equal(r.latest?.date, '2026-03-09');
        assert.equal(r.bottlenecksDate, '2026-03-09'); // computed, and nothing detected on it
        assert.deepEqual([r.bottlenecks, r.skillsUnderTest, r.skills, r.tests], [[], [], [], []]);
        assert.equal(r.generatedAt, '2026-03-10T00:01:00.000Z');
      } finally {
        await db.close();
      }
    });

    it('ends the window on the business day of now (America/New_York)', async () => {
      const db = await target.fresh();
      try {
        await insertMetrics(db);
        await db.query(`update lh_settings set value = 'America/New_York' where key = 'business_time_zone'`);
        // 03:00Z on 2026-03-10 is 23:00 on 2026-03-09 in New York
        const r = await buildReport(db, { now: new Date('2026-03-10T03:00:00Z'), days: 3 });
        assert.equal(r.timeZone, 'America/New_York');
        assert.deepEqual(r.window, { from: '2026-03-07', to: '2026-03-09', days: 3 });
        assert.deepEqual(r.trend.map((p) => [p.date, p.hasData]), [['2026-03-07', false], ['2026-03-08', false], ['2026-03-09', true]]);
      } finally {
        await db.close();
      }
    });

    it('reports bottlenecks, skills and tests with stored or computed intervals and per-source results', async () => {
      const db = await target.fresh();
      try {
        await insertMetrics(db);
        const ids = await insertSkillsAndTests(db);
        const r = await buildReport(db, { now: NOW });
        assert.equal(r.window.days, 30);
        assert.equal(r.trend.length, 30);

        // skills under test, newest first, with their evidence as stored
        assert.deepEqual(r.skillsUnderTest.map((b) => b.skillId), [ids['qual'], ids['responder']]);
        const b = r.skillsUnderTest[1]!;
        assert.deepEqual(b, { skillId: ids['responder'], skillType: 'instant-responder', skillName: 'instant-responder-testing',
          problem: 'problem of instant-responder', metric: 'avg_response_time_hours', segment: null, baselineValue: 0.25, targetValue: 0.3,
          detectedFor: '2026-03-06', spawnedAt: '2026-03-07T00:01:00.000Z', evidence: EVIDENCE });
        assert.equal(r.skillsUnderTest[0]!.evidence, null);
        // no bottleneck stored for the latest computed day (03-09) yet
        assert.deepEqual([r.bottlenecksDate, r.bottlenecks], ['2026-03-09', []]);

        // current bottlenecks: those of the latest computed day only, most severe first, with the spawn outcome
        await insertDetected(db, ids);
        const withDetected = await buildReport(db, { now: NOW });
        assert.equal(withDetected.bottlenecksDate, '2026-03-09');
        assert.deepEqual(withDetected.bottlenecks.map((x) => [x.severity, x.type, x.segment, x.spawnOutcome, x.skillId, x.skillStatus]), [
          ['high', 'low_response_rate', null, null, null, null],
          ['high', 'weak_lead_source', 'zillow', 'spawned', null, null],
          ['medium', 'poor_qualification', null, 'already-testing', ids['qual'], 'testing'],
        ]);
        assert.deepEqual(withDetected.bottlenecks[1], { type: 'weak_lead_source', segment: 'zillow', severity: 'high',
          metric: 'source_conversion_rate', currentValue: 0.08, targetValue: 0.3, suggestedSkill: 'source-optimizer',
          detectedAt: '2026-03-10T00:01:00.000Z', spawnOutcome: 'spawned', skillId: null, skillStatus: null, evidence: DETECTED_EVIDENCE });
        assert.equal(withDetected.truncated.bottlenecks, false);
        // a skill deleted later leaves the bottleneck, without its link
        await db.query('delete from lh_ab_tests where skill_id = $1', [ids['qual']]);
        await db.query('delete from lh_spawned_skills where id = $1', [ids['qual']]);
        const afterDelete = await buildReport(db, { now: NOW });
        assert.deepEqual(afterDelete.bottlenecks.map((x) => [x.type, x.spawnOutcome, x.skillId]).at(-1), ['poor_qualification', 'already-testing', null]);
        assertPlainJson(withDetected);

        // skills: newest first, status and lift
        assert.deepEqual(r.skills.map((s) => [s.id, s.status, s.actualLiftPct, s.decisionMadeAt]), [
          [ids['qual'], 'testing', null, null], [ids['responder'], 'testing', null, null],
          [ids['sequencer'], 'killed', 1.25, '2026-02-09T00:05:00.000Z'], [ids['scorer'], 'active', 31.5, '2026-02-02T00:05:00.000Z']]);
        assert.equal(r.skills[3]!.decisionReason, 'decided active');

        // tests: running first (newest first), then completed
        assert.deepEqual(r.tests.map((t) => t.id), [ids['fresh'], ids['wald'], ids['duration'], ids['stored']]);
        const byId = new Map(r.tests.map((t) => [t.id, t]));
        const stored = byId.get(ids['stored']!)!;
        assert.deepEqual({ ...stored, bySource: undefined }, { id: ids['stored'], name: 'Lead scorer <b>v1</b>', skillId: ids['scorer'],
          metric: 'conversion_rate', segment: null, status: 'completed', policy: 'seed', startedAt: '2026-01-02T00:01:00.000Z',
          endedAt: '2026-02-02T00:05:00.000Z', minSampleSize: 100, controlSampleSize: 400, treatmentSampleSize: 410, controlValue: 0.2,
          treatmentValue: 0.263, liftPct: 31.5, liftCi: { lower: 2.5, upper: 68.25, level: 0.95, source: 'analysis' }, liftCiNote: null,
          pValue: 0.0321, recommendation: 'KEEP', winner: 'treatment', decisionReason: 'lift > 10% and p < 0.05',
          srm: { status: 'mismatch', pValue: 0.0002 }, bySource: undefined,
          killReason: null, chanceToBeatControl: null, expectedLossTreatment: null, design: null, look: null, interactions: [] });
        // per source, sorted by name, as the analysis document (src/experiments/results-document.ts) spells it
        assert.deepEqual(stored.bySource, [
          { source: 'referral', controlSampleSize: 200, treatmentSampleSize: 220, controlRate: 0.15, treatmentRate: 0.23, liftPct: 53.3, pValue: 0.04, adjustedPValue: null, significant: null, note: null },
          { source: 'zillow', controlSampleSize: 200, treatmentSampleSize: 190, controlRate: 0.25, treatmentRate: 0.3, liftPct: 20, pValue: 0.2, adjustedPValue: 0.4, significant: false, note: null },
        ]);

        // computed log risk-ratio Wald interval at the test's 90% level: 45/150 vs 60/160.
        // Reference (SciPy 1.17): z = norm.ppf(0.95); se = sqrt((1-0.3)/45 + (1-0.375)/60);
        // exp(log(1.25) ± z*se) - 1 -> [-4.1072118739092005 %, 62.94238915500574 %] (R epitools::riskratio.wald)
        const wald = byId.get(ids['wald']!)!;
        assert.equal(wald.liftCi?.source, 'wald-from-rates');
        assert.equal(wald.liftCi?.level, 0.9);
        assert.ok(Math.abs(wald.liftCi!.lower - -4.1072118739092005) < 1e-9, `lower ${wald.liftCi!.lower}`);
        assert.ok(Math.abs(wald.liftCi!.upper - 62.94238915500574) < 1e-9, `upper ${wald.liftCi!.upper}`);
        assert.equal(wald.recommendation, 'CONTINUE');
        assert.deepEqual([wald.bySource, wald.srm], [[], null]);

        const duration = byId.get(ids['duration']!)!;
        assert.equal(duration.liftCi, null);
        assert.equal(duration.liftCiNote, 'control mean is 0: no ratio'); // the analysis' own words
        assert.deepEqual(duration.srm, { status: 'ok', pValue: 0.61 });
        assert.deepEqual([duration.controlValue, duration.treatmentValue, duration.liftPct, duration.pValue], [6, 4.5, 25, 0.01]);

        const fresh = byId.get(ids['fresh']!)!;
        assert.deepEqual([fresh.liftPct, fresh.liftCi, fresh.pValue, fresh.recommendation, fresh.controlSampleSize], [null, null, null, null, null]);
        assert.match(fresh.liftCiNote ?? '', /not analysed yet/);

        assertPlainJson(r);
      } finally {
        await db.close();
      }
    });

    it('bounds the lists by their limits and says so', async () => {
      const db = await target.fresh();
      try {
        await db.query(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at, decision_made_at)
          select 'lead-scorer', 'old ' || i, 'killed', timestamptz '2025-01-01' + i * interval '1 hour', timestamptz '2025-06-01'
          from generate_series(1, $1::int) as g(i)`, [REPORT_LIMITS.skills + 5]);
        await db.query(`insert into lh_daily_metrics (metric_date, new_leads_count) values ('2026-03-10', 1)`);
        await db.query(`insert into lh_detected_bottlenecks (metric_date, bottleneck_type, segment, severity, metric_tracked,
          current_value, target_value, suggested_skill) select '2026-03-10', 'weak_lead_source', 'source ' || lpad(i::text, 3, '0'),
          'low', 'source_conversion_rate', 0.05, 0.2, 'source-optimizer' from generate_series(1, $1::int) as g(i)`, [REPORT_LIMITS.bottlenecks + 5]);
        const r = await buildReport(db, { now: NOW, days: 1 });
        assert.equal(r.skills.length, REPORT_LIMITS.skills);
        assert.equal(r.bottlenecks.length, REPORT_LIMITS.bottlenecks);
        assert.equal(r.bottlenecks[0]!.segment, 'source 001');
        assert.deepEqual(r.truncated, { bottlenecks: true, skills: true, tests: false });
        assert.equal(r.skills[0]!.skillName, `old ${REPORT_LIMITS.skills + 5}`);
      } finally {
        await db.close();
      }
    });

    it('renders the report for a terminal, with colour only when asked', async () => {
      const db = await target.fresh();
      try {
        await insertMetrics(db);
        await insertDetected(db, await insertSkillsAndTests(db));
        const r = await buildReport(db, { now: NOW, days: 7 });
        const plain = renderTerminal(r, { color: false });
        assert.match(plain, /Current bottlenecks \(detected on 2026-03-09\)\n  high   low_response_rate: avg_response_time_hours 6\.25 h, target 2\.00 h; no spawning decision \(backfilled day\)\n/);
        assert.match(plain, /  high   weak_lead_source \(zillow\): source_conversion_rate 8\.0%, target 30\.0%; spawned\n      zillow conversion fell from 30% to 8%\./);
        assert.match(plain, /  medium poor_qualification: qualification_rate 20\.0%, target 50\.0%; not spawned: already-testing \(skill #\d+\)/);
        assert.match(plain, /Skills under test\n  #\d+ lead-scorer on qualification_rate/);
        assert.doesNotMatch(plain, /\x1b\[/);
        assert.match(plain, /2026-03-04 to 2026-03-10 \(7 days, UTC\)/);
        // new leads 40, 50, 0 on the 5th, 6th and 9th; blanks for days without data
        const newLine = plain.split('\n').find((l) => l.startsWith('  new leads'));
        assert.ok(newLine?.includes(' ▇█  ▁ '), newLine);
        assert.deepEqual(newLine!.trim().split(/\s{2,}/).slice(-3), ['0', '50', '0']); // min, max, latest
        assert.match(plain, /Average response time 6\.25 h is above 4 h\./);
        assert.match(plain, /\[\+2\.5%, \+68\.3%\] 95%/); // the stored interval (68.25 rounds half up)
        assert.match(plain, /\[-4\.1%, \+62\.9%\] 90%/);
        assert.match(plain, /referral: n 200\/220, 15\.0% → 23\.0%, lift \+53\.3%, p 0\.0400/);
        assert.match(plain, /zillow: .* \(adjusted 0\.4000\)/);
        assert.match(plain, /#1 sample-ratio mismatch \(p 0\.0002\): no decision/);
        const coloured = renderTerminal(r, { color: true });
        assert.match(coloured, /\x1b\[32mKEEP/);
      } finally {
        await db.close();
      }
    });

    it("shows what became of each skill's actions: produced, claimed, done, expired, cancelled", async () => {
      const db = await target.fresh();
      try {
        const [s] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at)
          values ('instant-responder', 'ir', 'testing', '2026-03-05T00:00Z') returning id`);
        const [quiet] = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, status, spawned_at)
          values ('lead-scorer', 'ls', 'testing', '2026-03-05T00:00Z') returning id`);
        // 2 pending, 1 claimed, 3 done, 1 expired, 1 cancelled
        await db.query(`insert into lh_skill_actions (skill_id, lead_id, action, due_at, status, claimed_by, claimed_at, done_at)
          select $1, i, 'auto_reply', '2026-03-06T00:00Z', st, case when st = 'claimed' then 'w' end,
                 case when st = 'claimed' then '2026-03-06T00:01Z'::timestamptz end, case when st = 'done' then '2026-03-06T00:02Z'::timestamptz end
            from unnest(array['pending', 'pending', 'claimed', 'done', 'done', 'done', 'expired', 'cancelled']) with ordinality as x(st, i)`, [s!.id]);
        const r = await buildReport(db, { now: NOW, days: 7 });
        const byId = new Map(r.skills.map((k) => [k.id, k]));
        assert.deepEqual(byId.get(Number(s!.id))!.actions, { produced: 8, pending: 2, claimed: 1, done: 3, expired: 1, cancelled: 1 });
        assert.deepEqual(byId.get(Number(quiet!.id))!.actions, { produced: 0, pending: 0, claimed: 0, done: 0, expired: 0, cancelled: 0 });
        const plain = renderTerminal(r, { color: false });
        assert.match(plain, /instant-responder .* 3\/8 done, 1 expired/);
        const html = renderHtml(r);
        assert.match(html, /8 made · 1 claimed · 3 done · 1 expired · 1 cancelled/);
      } finally {
        await db.close();
      }
    });

    it('rejects a window it would not bound', async () => {
      const db = await target.fresh();
      try {
        await assert.rejects(buildReport(db, { now: NOW, days: 0 }), ReportError);
        await assert.rejects(buildReport(db, { now: NOW, days: 367 }), ReportError);
        await assert.rejects(buildReport(db, { now: NOW, days: 2.5 }), ReportError);
      } finally {
        await db.close();
      }
    });
  });
}

/** Plain JSON: survives a JSON round trip unchanged (so no Date, NaN, Infinity or undefined inside). */
function assertPlainJson(r: Report): void {
  const text = JSON.stringify(r);
  assert.doesNotMatch(text, /NaN|Infinity/);
  assert.deepEqual(JSON.parse(text), r);
}

describe('sparkline', () => {
  it('scales to the series and leaves gaps blank', () => {
    assert.equal(sparkline([0, 6, null, 14]), '▁▄ █');
    assert.equal(sparkline([5, 5]), '▄▄');
    assert.equal(sparkline([null, null]), '  ');
  });
});

describe('computed lift interval', () => {
  it('is never computed for a duration metric, nor from rates outside [0, 1]', () => {
    const base = { controlN: 100, treatmentN: 100, controlRate: 5, treatmentRate: 4, level: 0.95 };
    assert.match(waldLiftCi({ ...base, metric: 'avg_days_to_qualify' }).note ?? '', /not a rate/);
    assert.equal(waldLiftCi({ ...base, metric: 'avg_days_to_qualify' }).ci, null);
    assert.equal(waldLiftCi({ ...base, metric: 'contact_rate' }).ci, null);
    // control rate 0: the ratio is undefined, so no interval (and no Infinity)
    const zero = waldLiftCi({ ...base, metric: 'contact_rate', controlRate: 0, treatmentRate: 0.1 });
    assert.equal(zero.ci, null);
    assert.match(zero.note ?? '', /control rate is 0/);
  });
});
