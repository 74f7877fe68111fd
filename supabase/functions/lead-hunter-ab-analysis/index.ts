// Supabase Edge Function: the weekly A/B analysis (docs/design.md §4), scheduled on Mondays by pg_cron + pg_net.
// Thin: all logic lives in the core (generated into ../_shared/core from src/ by `npm run sync-edge`).
// POST with the service-role key (Authorization: Bearer / apikey) or `x-cron-secret`; optional JSON body
// {"policy": "seed" | "sequential", "testIds": [1, 2]}; answers the job's result as JSON.
import { analysisEndpoint } from '../_shared/core/edge/endpoints.ts';
import { serveEndpoint } from '../_shared/serve-deno.ts';

serveEndpoint(analysisEndpoint);
