/** An edge function served by the real `deno` binary (npm package `deno`) on a free local port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.ts';

export const DENO = 'node_modules/.bin/deno';

export interface ServedFunction {
  /** http://127.0.0.1:<port>/ (the function ignores the path, as on Supabase behind /functions/v1/<name>) */
  readonly url: string;
  readonly proc: ChildProcess;
  /** Everything the function printed so far (its JSON log lines). */
  readonly output: () => string;
}

/** Starts supabase/functions/<name>/index.ts against `dbUrl` and waits until it answers (60 s at most). */
export async function startFunction(name: string, opts: { dbUrl: string; serviceKey: string; cronSecret: string }): Promise<ServedFunction> {
  const port = await freePort();
  let out = '';
  const proc = spawn(DENO, ['run', '--allow-net', '--allow-env', '--allow-read', '--quiet', `supabase/functions/${name}/index.ts`], {
    env: { ...process.env, LH_PORT: String(port), SUPABASE_DB_URL: opts.dbUrl, SUPABASE_SERVICE_ROLE_KEY: opts.serviceKey, LH_CRON_SECRET: opts.cronSecret, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`deno exited early (${proc.exitCode}):\n${out}`);
    try {
      await fetch(url, { method: 'OPTIONS' });
      return { url, proc, output: () => out };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  proc.kill();
  throw new Error(`deno did not start within 60 s:\n${out}`);
}
