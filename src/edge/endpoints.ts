/** The two edge functions' jobs: request body schema -> job options -> the core job. */
import { POLICY_NAMES } from '../experiments/types.ts';
import { z } from 'zod';
import { runAnalysisJob } from '../jobs/analyze.ts';
import { DailyJobInputError, runDailyJob } from '../jobs/daily.ts';
import { dayRangeProblem } from '../jobs/dates.ts';
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
  isClientError: (err) => err instanceof DailyJobInputError,
};

export const analysisEndpoint: JobEndpoint<z.infer<typeof analysisBody>> = {
  name: 'lead-hunter-ab-analysis',
  parseBody: (body) => parseWith(analysisBody, body),
  run: (deps, options) => runAnalysisJob(deps, options),
};
