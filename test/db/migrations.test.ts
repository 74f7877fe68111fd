import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrate } from '../../src/db/migrate.ts';
import { loadMigrations } from '../../src/db/migrations-fs.ts';
import { dbTargets } from '../support/databases.ts';

const LH_TABLES = ['lh_settings', 'lh_properties', 'lh_contacts', 'lh_lead_status', 'lh_validation_history',
  'lh_feedback_log', 'lh_daily_metrics', 'lh_pattern_performance', 'lh_spawned_skills', 'lh_ab_tests',
  'lh_detected_bottlenecks', 'lh_brain_migrations'];

for (const target of await dbTargets()) {
  describe(`migrations on ${target.name}`, () => {
    it('apply on an empty database, then a second run applies nothing', async () => {
      const db = await target.empty();
      try {
        const migrations = loadMigrations();
        const first = await migrate(db, migrations);
        assert.deepEqual(first.applied, migrations.map((m) => m.name));
        const second = await migrate(db, migrations);
        assert.deepEqual(second.applied, []);
        assert.equal(second.alreadyApplied.length, migrations.length);
        const ledger = await db.query<{ n: number }>('select count(*)::int as n from lh_brain_migrations');
        assert.equal(ledger[0]?.n, migrations.length);
      } finally {
        await db.close();
      }
    });

    it('three concurrent migrators apply each migration exactly once', async () => {
      const db = await target.empty();
      try {
        const migrations = loadMigrations();
        const results = await Promise.all([migrate(db, migrations), migrate(db, migrations), migrate(db, migrations)]);
        const appliedCounts = migrations.map((m) => results.filter((r) => r.applied.includes(m.name)).length);
        assert.deepEqual(appliedCounts, migrations.map(() => 1));
        const ledger = await db.query<{ n: number }>('select count(*)::int as n from lh_brain_migrations');
        assert.equal(ledger[0]?.n, migrations.length);
      } finally {
        await db.close();
      }
    });

    it('refuses a migration that was edited after it was applied', async () => {
      const db = await target.fresh();
      try {
        const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, sql: m.sql + '\n-- edited' } : m));
        await assert.rejects(migrate(db, edited), /was changed after it was applied/);
      } finally {
        await db.close();
      }
    });

    it('a failing migration leaves nothing of itself behind', async () => {
      const db = await target.fresh();
      try {
        const bad = [...loadMigrations(), { name: '99999999999999_bad.sql', sql: 'create table lh_tmp_x(id int); select 1/0;' }];
        await assert.rejects(migrate(db, bad), /99999999999999_bad\.sql failed: division by zero/);
        const t = await db.query<{ n: number }>("select count(*)::int as n from pg_tables where tablename = 'lh_tmp_x'");
        assert.equal(t[0]?.n, 0);
        const l = await db.query<{ n: number }>("select count(*)::int as n from lh_brain_migrations where name like '9999%'");
        assert.equal(l[0]?.n, 0);
      } finally {
        await db.close();
      }
    });

    it('enables row-level security on every lh_ table', async () => {
      const db = await target.fresh();
      try {
        const rows = await db.query<{ relname: string; relrowsecurity: boolean }>(
          "select relname, relrowsecurity from pg_class where relkind = 'r' and relname like 'lh\\_%' order by relname");
        const names = rows.map((r) => r.relname);
        for (const t of LH_TABLES) assert.ok(names.includes(t), `missing table ${t}`);
        for (const r of rows) assert.equal(r.relrowsecurity, true, `${r.relname} has RLS off`);
      } finally {
        await db.close();
      }
    });

    it('a role without privileges reads nothing, even when granted SELECT by mistake', async () => {
      const db = await target.fresh();
      try {
        await db.query("insert into lh_lead_status (property_id, status) values (1, 'new')");
        await db.script(`do $$ begin
            if not exists (select 1 from pg_roles where rolname = 'lh_test_outsider') then create role lh_test_outsider; end if;
          end $$;`);
        await assert.rejects(db.transaction(async (tx) => {
          await tx.query('set local role lh_test_outsider');
          await tx.query('select * from lh_daily_metrics');
        }), /permission denied/);
        await db.query('grant select on lh_lead_status to lh_test_outsider');
        const seen = await db.transaction(async (tx) => {
          await tx.query('set local role lh_test_outsider');
          return tx.query('select * from lh_lead_status');
        });
        assert.equal(seen.length, 0, 'RLS must hide rows from a role with a stray grant');
        const owner = await db.query('select * from lh_lead_status');
        assert.equal(owner.length, 1);
        await db.query('revoke select on lh_lead_status from lh_test_outsider');
      } finally {
        await db.close();
      }
    });

    it("runs the seed's own example SQL as written (Test #2 insert, Test #1 query, Test #3 queries)", async () => {
      const db = await target.fresh();
      try {
        await db.query(`INSERT INTO lh_lead_status (property_id, status, assigned_to, contacted_at, created_at)
VALUES
(1, 'contacted', 'agent-1', NOW() - INTERVAL '10 hours', NOW() - INTERVAL '12 hours'),
(2, 'contacted', 'agent-1', NOW() - INTERVAL '8 hours', NOW() - INTERVAL '10 hours');`);
        await db.query('SELECT lh_update_daily_metrics();');
        await db.query("SELECT lh_update_daily_metrics('2025-01-20');");
        const latest = await db.query<{ metric_date: string }>('SELECT * FROM lh_daily_metrics ORDER BY metric_date DESC LIMIT 1;');
        assert.equal(latest.length, 1);
        await db.query('SELECT * FROM lh_spawned_skills ORDER BY spawned_at DESC LIMIT 1;');
        await db.query('SELECT * FROM lh_ab_tests ORDER BY started_at DESC LIMIT 1;');
        await db.query("SELECT test_name, lift_pct, p_value, recommendation FROM lh_ab_tests WHERE status = 'completed';");
        // the seed's own spawning insert (columns it names) works on the migrated schema
        const skill = await db.query<{ id: number }>(`insert into lh_spawned_skills (skill_type, skill_name, problem_detected,
          target_metric, baseline_value, target_value, status, spawned_at)
          values ('instant-responder', 'Auto-spawned instant-responder v1', 'low_response_rate', 'avg_response_time_hours', 6, 2, 'testing', now()) returning id`);
        await db.query(`insert into lh_ab_tests (test_name, skill_id, hypothesis, control_description, treatment_description,
          metric_tracked, traffic_allocation_pct, min_sample_size, confidence_level, status, started_at)
          values ('Test: x', $1, 'h', 'Existing process (no intervention)', 'Apply instant-responder intervention',
          'avg_response_time_hours', 50, 100, 0.95, 'running', now())`, [skill[0]!.id]);
      } finally {
        await db.close();
      }
    });

    it('constraints make duplicates impossible: one testing skill per type and segment, one running test per metric', async () => {
      const db = await target.fresh();
      try {
        const ins = "insert into lh_spawned_skills (skill_type, skill_name, status) values ('lead-scorer', 'x', 'testing')";
        await db.query(ins);
        await assert.rejects(db.query(ins), (e: { code?: string }) => e.code === '23505');
        // the identity is (type, segment): two sources' optimizers may be tested at once, one source's twice not
        const forSource = (s: string) => `insert into lh_spawned_skills (skill_type, skill_name, status, segment) values ('source-optimizer', 'x', 'testing', '${s}')`;
        await db.query(forSource('zillow'));
        await db.query(forSource('direct_mail'));
        await assert.rejects(db.query(forSource('zillow')), (e: { code?: string }) => e.code === '23505');
        // a source is free text of any length: the index holds its md5, so a 10,000-character one fits, once
        await db.query(forSource('x'.repeat(10_000)));
        await assert.rejects(db.query(forSource('x'.repeat(10_000))), (e: { code?: string }) => e.code === '23505');
        const test = "insert into lh_ab_tests (test_name, metric_tracked) values ('t', 'qualification_rate')";
        await db.query(test);
        await assert.rejects(db.query(test), (e: { code?: string }) => e.code === '23505');
        await assert.rejects(db.query("insert into lh_lead_status (status) values ('bogus')"), (e: { code?: string }) => e.code === '23514');
      } finally {
        await db.close();
      }
    });
  });
}
