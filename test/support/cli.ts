/**
 * Runs the real `lh-brain` binary in a child process, as a user would. DATABASE_URL is removed from the
 * environment unless the caller passes one, so a test's database choice is explicit in its arguments.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'lh-brain.js');

export interface CliRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface CliOptions {
  /** Extra environment variables (DATABASE_URL included only when given here). */
  readonly env?: Record<string, string>;
  /** Sees each stderr line as it arrives, e.g. to signal the child mid-run. */
  readonly onStderrLine?: (line: string, child: ChildProcess) => void;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const extra = options.env ?? {};
    const env: Record<string, string | undefined> = { ...process.env, ...extra };
    if (!('DATABASE_URL' in extra)) delete env['DATABASE_URL'];
    delete env['LH_BRAIN_DEBUG'];
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (!options.onStderrLine) return;
      partial += c.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) options.onStderrLine(l, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
