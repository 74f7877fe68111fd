/**
 * `lh-brain actions list|claim|complete|playbook|generate`: the skills' action queue (lh_skill_actions) from the
 * shell, for operators and scripts; the same SQL functions the edge function `lead-hunter-actions` and any
 * other consumer call (src/db/queries/skill-actions.ts), so a script here behaves as a service would.
 * Exit codes: 0; 2 when the call is wrong (a bad option, an unknown action or lead, completing an action that
 * is not claimed: nothing written); 1 when the database cannot be used. With --json, a failure is also one JSON
 * document on stdout (src/cli/errors.ts).
 */
import type { Command } from 'commander';
import { migrate } from '../../db/migrate.ts';
import { loadMigrations } from '../../db/migrations-fs.ts';
import type { Database } from '../../db/port.ts';
import { missingSchemaObjects, notMigratedMessage } from '../../db/queries/schema-check.ts';
import {
  ACTION_KINDS, ACTION_STATUSES, claimSkillActions, completeSkillAction, generateSkillActions, leadPlaybook, listSkillActions,
  SkillActionRefusedError, type ActionKind, type ActionStatus, type GenerationResult, type LeadPlaybook, type SkillAction,
} from '../../db/queries/skill-actions.ts';
import { makeContext, withDatabase, type CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';

/** What the commands call: a database without them gets "run lh-brain migrate first". */
const ACTION_OBJECTS = [
  'public.lh_skill_actions', 'public.lh_claim_skill_actions(text,integer,text[],timestamptz,interval)',
  'public.lh_complete_skill_action(bigint,jsonb,timestamptz)', 'public.lh_lead_playbook(bigint,timestamptz)',
  'public.lh_generate_skill_actions(timestamptz,interval,interval)',
];

async function withActions<T>(ctx: CliContext, fn: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await withDatabase(ctx, async (db) => {
      if (ctx.target.kind === 'pglite' && ctx.target.dataDir === undefined) await migrate(db, loadMigrations());
      const missing = await missingSchemaObjects(db, ACTION_OBJECTS);
      if (missing.length > 0) throw new Error(notMigratedMessage(missing));
      return fn(db);
    });
  } catch (err) {
    if (err instanceof SkillActionRefusedError) throw new UsageError(err.message, { cause: err, details: { reason: err.reason } });
    throw err;
  }
}

/** A whole number within bounds, or a usage error naming the option. */
export function wholeNumber(option: string, raw: string, min: number, max: number): number {
  const n = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** `--action a,b`: each a known kind. */
export function actionKinds(raw: string): ActionKind[] {
  const kinds = raw.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const unknown = kinds.filter((k) => !(ACTION_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new UsageError(`--action must name one or more of ${ACTION_KINDS.join(', ')} (comma-separated), got "${raw}"`);
  }
  return kinds as ActionKind[];
}

function actionStatus(raw: string): ActionStatus {
  if (!(ACTION_STATUSES as readonly string[]).includes(raw)) throw new UsageError(`--status must be one of ${ACTION_STATUSES.join(', ')}, got "${raw}"`);
  return raw as ActionStatus;
}

/** `--result '{"sent": true}'`: a JSON object (what the consumer did; stored as given). */
export function resultObject(raw: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new UsageError(`--result must be a JSON object such as '{"sent": true}', got "${raw}" (not valid JSON)`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`--result must be a JSON object such as '{"sent": true}', got ${raw}`);
  return v as Record<string, unknown>;
}

const when = (iso: string): string => iso.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, 'Z');
const brief = (o: Record<string, unknown> | null): string => (o === null || Object.keys(o).length === 0 ? '' : JSON.stringify(o));

/** The actions as a table that fits 100 columns (the payload is cut, --json has it whole). */
export function renderActions(actions: readonly SkillAction[], empty: string): string {
  if (actions.length === 0) return empty;
  const rows = [['id', 'due (UTC)', 'action', 'lead', 'skill', 'test', 'status', 'by', 'payload'],
    ...actions.map((a) => [String(a.id), when(a.dueAt), a.action + (a.step === '' ? '' : ` ${a.step}`), String(a.leadId), String(a.skillId),
      a.testId === null ? 'rollout' : String(a.testId), a.status, a.claimedBy ?? '', brief(a.payload)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const used = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  const room = Math.max(12, 100 - used);
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? (c.length > room ? `${c.slice(0, room - 1)}…` : c) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

export function renderPlaybook(p: LeadPlaybook): string {
  const lines = [`lead ${p.leadId} as of ${when(p.asOf)}`];
  if (p.skills.length === 0) lines.push('  no skill applies to this lead now: handle it as usual');
  for (const s of p.skills) {
    const via = s.via === 'rollout' ? 'rollout (kept)' : `treatment of test ${s.testId}`;
    lines.push(`  ${s.skillName} [${s.skillType}${s.segment === null ? '' : `, ${s.segment}`}] via ${via}`);
    if (s.actions.length === 0) lines.push('    no actions for this lead yet (the next tick writes those due)');
    for (const a of s.actions) {
      lines.push(`    #${a.id} ${a.action}${a.step === '' ? '' : ` ${a.step}`} due ${when(a.dueAt)} ${a.status}${a.due ? ' (due now)' : ''} ${brief(a.payload)}`.trimEnd());
    }
  }
  for (const c of p.control) lines.push(`  control of test ${c.testId} (${c.skillName}): nothing different, by design`);
  return lines.join('\n');
}

export function renderGeneration(r: GenerationResult): string {
  const made = Object.entries(r.created).map(([k, n]) => `${n} ${k}`).join(', ');
  return `created ${made}; cancelled ${r.cancelled}; expired ${r.expired}; assigned ${r.assigned} lead(s) to their test groups`;
}

export function registerActions(program: Command): void {
  const actions = program
    .command('actions')
    .description("the skills' action queue: what to do for which lead (list, claim, complete, a lead's playbook, generate now)")
    .addHelpText('after', `
Actions: ${ACTION_KINDS.join(', ')}. Statuses: ${ACTION_STATUSES.join(', ')}.
Only leads in a skill's treatment group (or, after KEEP, every new lead) get actions; control never does.

Examples:
  lh-brain actions list --status pending
  lh-brain --json actions claim --worker n8n-1 --max 20 --action auto_reply,call_now
  lh-brain actions complete 42 --result '{"sent": true, "channel": "sms"}'
  lh-brain actions playbook 1234
  lh-brain actions generate            # the tick the worker and pg_cron run every minute

Exit 0; 2 for a wrong call (bad option, unknown action or lead, completing an action that is not claimed:
nothing written); 1 when the database cannot be used. With --json a failure is one JSON document on stdout
too: {"error": {"kind": "usage" | "failure", "exitCode": 2 | 1, "message": "…", "reason": …}}.`);

  const sub = (name: string) => actions.command(name).exitOverride().showHelpAfterError('(run with --help for usage)');

  sub('list')
    .description('the most recent actions (newest due first), optionally of one status, skill or lead')
    .option('--status <status>', `only this status (${ACTION_STATUSES.join(', ')})`)
    .option('--skill <id>', 'only this skill')
    .option('--lead <id>', 'only this lead')
    .option('--limit <n>', 'at most this many (1–10000)', '50')
    .action(async (opts: { status?: string; skill?: string; lead?: string; limit: string }, cmd: Command) => {
      const filter = {
        ...(opts.status !== undefined ? { status: actionStatus(opts.status) } : {}),
        ...(opts.skill !== undefined ? { skillId: wholeNumber('--skill', opts.skill, 1, Number.MAX_SAFE_INTEGER) } : {}),
        ...(opts.lead !== undefined ? { leadId: wholeNumber('--lead', opts.lead, 1, Number.MAX_SAFE_INTEGER) } : {}),
        limit: wholeNumber('--limit', opts.limit, 1, 10_000),
      };
      const ctx = makeContext(cmd);
      const rows = await withActions(ctx, (db) => listSkillActions(db, filter));
      ctx.output({ actions: rows }, () => renderActions(rows, 'no actions match'));
    });

  sub('claim')
    .description('claim due pending actions for a worker (exactly once across consumers); complete each when done')
    .requiredOption('--worker <name>', 'who claims (shown in claimed_by)')
    .option('--max <n>', 'at most this many (1–10000)', '10')
    .option('--action <kinds>', 'only these kinds, comma-separated')
    .option('--visibility-seconds <n>', 'a claim not completed within this many seconds returns to pending (1–86400)', '300')
    .action(async (opts: { worker: string; max: string; action?: string; visibilitySeconds: string }, cmd: Command) => {
      const ctx = makeContext(cmd);
      const o = {
        worker: opts.worker, maxActions: wholeNumber('--max', opts.max, 1, 10_000), now: ctx.clock.now(),
        visibilitySeconds: wholeNumber('--visibility-seconds', opts.visibilitySeconds, 1, 86_400),
        ...(opts.action !== undefined ? { actions: actionKinds(opts.action) } : {}),
      };
      const rows = await withActions(ctx, (db) => claimSkillActions(db, o));
      ctx.output({ claimed: rows }, () => renderActions(rows, 'nothing due to claim'));
    });

  sub('complete')
    .description('mark a claimed action done with what was done (again for a done action: no change)')
    .argument('<id>', 'the action')
    .option('--result <json>', 'what was done, a JSON object', '{}')
    .action(async (id: string, opts: { result: string }, cmd: Command) => {
      const actionId = wholeNumber('the action id', id, 1, Number.MAX_SAFE_INTEGER);
      const result = resultObject(opts.result);
      const ctx = makeContext(cmd);
      const done = await withActions(ctx, (db) => completeSkillAction(db, actionId, result, ctx.clock.now()));
      ctx.output(done, () => `action ${done.id} (${done.action} for lead ${done.leadId}) is done${done.doneAt ? ` at ${when(done.doneAt)}` : ''}`);
    });

  sub('playbook')
    .description('what to do for one lead now: every skill that applies (treatment arms, rollouts) and its actions')
    .argument('<lead-id>', 'the lead (lh_lead_status.id)')
    .action(async (leadId: string, _opts: unknown, cmd: Command) => {
      const lead = wholeNumber('the lead id', leadId, 1, Number.MAX_SAFE_INTEGER);
      const ctx = makeContext(cmd);
      const book = await withActions(ctx, (db) => leadPlaybook(db, lead, ctx.clock.now()));
      ctx.output(book, () => renderPlaybook(book));
    });

  sub('generate')
    .description('run the tick now: assign new leads, write every due action, cancel and expire stale ones (idempotent)')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd);
      const r = await withActions(ctx, (db) => generateSkillActions(db, ctx.clock.now()));
      ctx.output(r, () => renderGeneration(r));
    });
}
