// Supabase Edge Function: the skills' action queue over HTTP (README "Skill actions"), for consumers that
// poll (an n8n HTTP Request node every minute) instead of calling the SQL functions.
// Thin: all logic lives in the core (generated into ../_shared/core from src/ by `npm run sync-edge`).
// POST with the service-role key (Authorization: Bearer / apikey) or `x-cron-secret`; JSON body, one call each:
//   {"op": "claim", "worker": "n8n-1", "max": 10, "actions": ["auto_reply"], "visibilitySeconds": 300}
//   {"op": "complete", "id": 42, "result": {"sent": true}}
//   {"op": "list", "status": "pending", "leadId": 7, "limit": 50}
//   {"op": "playbook", "leadId": 7}
// Answers {"ok": true, "result": …}; 400 a bad body, 404 an unknown action or lead, 409 completing an action
// that is not claimed (it timed out, or was cancelled), 401/405/503 as the other two functions.
import { actionsEndpoint } from '../_shared/core/edge/endpoints.ts';
import { serveEndpoint } from '../_shared/serve-deno.ts';

serveEndpoint(actionsEndpoint);
