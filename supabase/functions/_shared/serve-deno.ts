// The Deno side of both edge functions (hand-written, not generated): real environment, real clock,
// one bounded postgres.js pool per instance (LH_DB_POOL_MAX, default 5; see src/edge/serve.ts for the
// queue and the 503), JSON log lines. LH_PORT (tests) binds a fixed local port.
import { connectPostgres } from './core/db/postgres.ts';
import { createJobHandler, type JobEndpoint } from './core/edge/serve.ts';

export function serveEndpoint<O>(endpoint: JobEndpoint<O>): void {
  const handler = createJobHandler(endpoint, {
    env: { get: (name) => Deno.env.get(name) },
    connect: (url, max) => connectPostgres(url, { max }),
    clock: { now: () => new Date() },
    log: (line) => console.log(line),
  });
  const port = Deno.env.get('LH_PORT');
  if (port) Deno.serve({ port: Number(port), hostname: '127.0.0.1' }, handler);
  else Deno.serve(handler);
}
