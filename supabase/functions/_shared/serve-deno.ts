// The Deno side of both edge functions (hand-written, not generated): real environment, real clock,
// one PostgreSQL connection per request, JSON log lines. LH_PORT (tests) binds a fixed local port.
import { connectPostgres } from './core/db/postgres.ts';
import { handleJobRequest, type JobEndpoint } from './core/edge/serve.ts';

export function serveEndpoint<O>(endpoint: JobEndpoint<O>): void {
  const handler = (req: Request): Promise<Response> =>
    handleJobRequest(req, endpoint, {
      env: { get: (name) => Deno.env.get(name) },
      connect: (url) => connectPostgres(url, { max: 1 }),
      clock: { now: () => new Date() },
      log: (line) => console.log(line),
    });
  const port = Deno.env.get('LH_PORT');
  if (port) Deno.serve({ port: Number(port), hostname: '127.0.0.1' }, handler);
  else Deno.serve(handler);
}
