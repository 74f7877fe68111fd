/** The edge functions' jobs: request body schema -> job options -> the core job (or the action queue's call). */
import { POLICY_NAMES } from '../experiments/types.ts';
import { z } from 'zod';
import { runAnalysisJob } from '../jobs/analyze.ts';
import { DailyJobInputError, runDailyJob } from '../jobs/daily.ts';
import { dayRangeProblem } from '../jobs/dates.ts';
import {
  ACTION_KINDS, ACTION_STATUSES, claimSkillActions, completeSkillAction, leadPlaybook, listSkillActions, SkillActionRefusedError,
} from '../db/queries/skill-actions.ts';
import { ClientGoneError, type JobEndpoint } from './serve.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real calendar date');

const dailyBody = z.strictObject({
  date: isoDate.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
}).refine((b) => !(b.date && (b.from || b.to)), 'give either date or from/to, not both')
  .refine((b) => (b.from === undefined) === (b.to === undefined), 'from and to go together')
  .refine((b) => !(b.from && b.to && b.from > b.to), 'from must not be after to')
  // the shared range rule's clock-free part (floor, at most 366 days); the job refuses days not over yet (400 too)
  .superRefine((b, ctx) => {
    const [first, last] = b.date !== undefined ? [b.date, b.date] : [b.from, b.to];
    if (first === undefined || last === undefined || first > last) return;
    const problem = dayRangeProblem(first, last);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: b.date !== undefined ? ['date'] : ['from/to'] });
  });

const analysisBody = z.strictObject({
  policy: z.enum(POLICY_NAMES).optional(),
  testIds: z.array(z.number().int().positive()).max(1000).optional(),
});

function parseWith<S extends z.ZodType>(schema: S, body: unknown): { ok: true; options: z.infer<S> } | { ok: false; error: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: 'invalid request body: body must be a JSON object such as {} (or empty)' };
  }
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, options: r.data };
  return { ok: false, error: `invalid request body: ${r.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')} ${i.message}` : i.message)).join('; ')}` };
}

export const dailyEndpoint: JobEndpoint<z.infer<typeof dailyBody>> = {
  name: 'lead-hunter-daily-metrics',
  parseBody: (body) => parseWith(dailyBody, body),
  // a backfill whose caller has gone stops before its next day (every finished day is complete and idempotent)
  run: (deps, options, signal) => runDailyJob(deps, {
    ...options,
    progress: (done, total) => {
      if (signal?.aborted && done < total) throw new ClientGoneError(`the caller went away; stopped after ${done} of ${total} day(s)`);
    },
  }),
  clientErrorStatus: (err) => (err instanceof DailyJobInputError ? 400 : undefined),
};

export const analysisEndpoint: JobEndpoint<z.infer<typeof analysisBody>> = {
  name: 'lead-hunter-ab-analysis',
  parseBody: (body) => parseWith(analysisBody, body),
  run: (deps, options) => runAnalysisJob(deps, options),
};

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * lead-hunter-actions: the skills' action queue over HTTP, for consumers that cannot hold a database session
 * (an n8n HTTP Request node polling every minute). One POST per call, `op` names it; the same SQL functions as
 * `lh-brain actions` (src/db/queries/skill-actions.ts), so both behave alike.
 */
const actionsBody = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('claim'),
    worker: z.string().trim().min(1, 'must not be empty').max(200),
    max: z.number().int().min(1).max(10_000).default(10),
    actions: z.array(z.enum(ACTION_KINDS)).min(1).optional(),
    visibilitySeconds: z.number().int().min(1).max(86_400).default(300),
  }),
  z.strictObject({ op: z.literal('complete'), id, result: z.record(z.string(), z.unknown()).default({}) }),
  z.strictObject({
    op: z.literal('list'),
    status: z.enum(ACTION_STATUSES).optional(), skillId: id.optional(), leadId: id.optional(),
    limit: z.number().int().min(1).max(1000).default(50),
  }),
  z.strictObject({ op: z.literal('playbook'), leadId: id }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'op must be one of claim, complete, list, playbook' : undefined) });

/** An unknown action or lead answers 404, completing an action that is not claimed 409, a bad argument 400. */
const REFUSAL_STATUS = { invalid: 400, 'not-found': 404, 'not-claimed': 409 } as const satisfies Record<SkillActionRefusedError['reason'], number>;

export const actionsEndpoint: JobEndpoint<z.infer<typeof actionsBody>> = {
  name: 'lead-hunter-actions',
  parseBody: (body) => parseWith(actionsBody, body),
  run: async (deps, o) => {
    const now = deps.clock.now();
    switch (o.op) {
      case 'claim':
        return { claimed: await claimSkillActions(deps.db, {
          worker: o.worker, maxActions: o.max, now, visibilitySeconds: o.visibilitySeconds, ...(o.actions ? { actions: o.actions } : {}),
        }) };
      case 'complete':
        return { action: await completeSkillAction(deps.db, o.id, o.result, now) };
      case 'list':
        return { actions: await listSkillActions(deps.db, {
          limit: o.limit, ...(o.status ? { status: o.status } : {}), ...(o.skillId ? { skillId: o.skillId } : {}), ...(o.leadId ? { leadId: o.leadId } : {}),
        }) };
      case 'playbook':
        return { playbook: await leadPlaybook(deps.db, o.leadId, now) };
    }
  },
  clientErrorStatus: (err) => (err instanceof SkillActionRefusedError ? REFUSAL_STATUS[err.reason] : undefined),
};
