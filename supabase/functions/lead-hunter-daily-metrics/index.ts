// Supabase Edge Function: the daily job (docs/design.md §3), scheduled at 00:01 by pg_cron + pg_net.
// Thin: all logic lives in the core (generated into ../_shared/core from src/ by `npm run sync-edge`).
// POST with the service-role key (Authorization: Bearer / apikey) or `x-cron-secret`; optional JSON body
// {"date": "YYYY-MM-DD"} or {"from": "...", "to": "..."}; answers the job's result as JSON.
import { dailyEndpoint } from '../_shared/core/edge/endpoints.ts';
import { serveEndpoint } from '../_shared/serve-deno.ts';

serveEndpoint(dailyEndpoint);
