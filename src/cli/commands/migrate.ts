import type { Command } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { loadMigrations, MIGRATIONS_DIR } from '../../db/migrations-fs.ts';
import { makeContext, withDatabase } from '../context.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply the SQL migrations in supabase/migrations (idempotent, safe to run concurrently)')
    .action(async (_opts, cmd: Command) => {
      const ctx = makeContext(cmd);
      const migrations = loadMigrations();
      const result = await withDatabase(ctx, (db) =>
        migrate(db, migrations, (name, state) => ctx.logger.log('debug', `${state} ${name}`)));
      ctx.output({ database: ctx.target.kind, migrationsDir: MIGRATIONS_DIR, ...result }, () =>
        result.applied.length === 0
          ? `database is up to date (${result.alreadyApplied.length} migrations already applied)`
          : `applied ${result.applied.length} migration(s):\n` + result.applied.map((n) => `  ${n}`).join('\n'));
    });
}
