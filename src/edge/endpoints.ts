/** The two edge functions' jobs: request body schema -> job options -> the core job. */
import { z } from 'zod';
import { runAnalysisJob } from '../jobs/analyze.ts';
import { DailyJobInputError, runDailyJob } from '../jobs/daily.ts';
import type { JobEndpoint } from './serve.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real calendar date');

const dailyBody = z.strictObject({
  date: isoDate.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
}).refine((b) => !(b.date && (b.from || b.to)), 'give either date or from/to, not both')
  .refine((b) => (b.from === undefined) === (b.to === undefined), 'from and to go together')
  .refine((b) => !(b.from && b.to && b.from > b.to), 'from must not be after to');

const analysisBody = z.strictObject({
  policy: z.enum(['seed', 'sequential']).optional(),
  testIds: z.array(z.number().int().positive()).max(1000).optional(),
});

function parseWith<S extends z.ZodType>(schema: S, body: unknown): { ok: true; options: z.infer<S> } | { ok: false; error: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: 'invalid request body: body must be a JSON object such as {} (or empty)' };
  }
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, options: r.data };
  return { ok: false, error: `invalid request body: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}` };
}

export const dailyEndpoint: JobEndpoint<z.infer<typeof dailyBody>> = {
  name: 'lead-hunter-daily-metrics',
  parseBody: (body) => parseWith(dailyBody, body),
  run: (deps, options) => runDailyJob(deps, options),
  isClientError: (err) => err instanceof DailyJobInputError,
};

export const analysisEndpoint: JobEndpoint<z.infer<typeof analysisBody>> = {
  name: 'lead-hunter-ab-analysis',
  parseBody: (body) => parseWith(analysisBody, body),
  run: (deps, options) => runAnalysisJob(deps, options),
};
