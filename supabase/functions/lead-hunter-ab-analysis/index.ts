// Supabase Edge Function: the weekly A/B analysis (SPEC §4), scheduled on Mondays by pg_cron + pg_net.
// Thin: all logic lives in the core (generated into ../_shared/core from src/ by `npm run sync-edge`).
// POST with the service-role key (Authorization: Bearer / apikey) or `x-cron-secret`; optional JSON body
// {"policy": "seed" | "sequential", "testIds": [1, 2]}; answers the job's result as JSON.
import { connectPostgres } from '../_shared/core/db/postgres.ts';
import { analysisEndpoint } from '../_shared/core/edge/endpoints.ts';
import { handleJobRequest } from '../_shared/core/edge/serve.ts';

const handler = (req: Request): Promise<Response> =>
  handleJobRequest(req, analysisEndpoint, {
    env: { get: (name) => Deno.env.get(name) },
    connect: (url) => connectPostgres(url, { max: 1 }),
    clock: { now: () => new Date() },
    log: (line) => console.log(line),
  });

const port = Deno.env.get('LH_PORT');
if (port) Deno.serve({ port: Number(port), hostname: '127.0.0.1' }, handler);
else Deno.serve(handler);
