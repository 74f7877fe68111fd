/**
 * Reading, checking and changing `lh_settings` row by row (`lh-brain config`). No rule of its own: a value
 * is checked exactly as the jobs check it, first by the database's rule for the key
 * (`lh_setting_problem`, `lh_settings_problems()`: unknown keys, day counts, IANA zones, the mode of
 * assignment, "a JSON object"), then, for the JSON documents, by the application's schemas
 * (`detectionFromSetting`, `spawningFromSetting`, `decisionFromSetting` in settings.ts), in that order.
 * What this module adds is the catalogue of known keys with their defaults (the defaults the SQL and the
 * jobs fall back to when a row is absent), so a listing can say "the default applies" and what it is.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Database, Queryable } from '../db/port.ts';
import { decisionFromSetting, detectionFromSetting, settingProblem, SettingsError, spawningFromSetting, type SettingKey } from './settings.ts';
import { DEFAULT_SPAWN_CONFIG } from './spawn.ts';

export type SettingKind = 'scalar' | 'document';

export interface SettingSpec {
  readonly key: string;
  /** scalar: a text the SQL reads (trimmed); document: a JSON object of overrides. */
  readonly kind: SettingKind;
  readonly description: string;
}

/**
 * Every key the database's rule knows (lh_setting_problem, migration 20261203000100), in the order a listing
 * shows them. test/cli/config-cli.test.ts checks this list against the rule's own list of known keys.
 */
export const SETTINGS: readonly SettingSpec[] = [
  { key: 'business_time_zone', kind: 'scalar', description: 'IANA time zone in which a metric day starts and ends' },
  { key: 'source_window_days', kind: 'scalar', description: 'trailing window (days) for per-source conversion' },
  { key: 'max_plausible_delay_days', kind: 'scalar', description: 'a longer response or qualification delay makes the lead invalid' },
  { key: 'ab_assignment', kind: 'scalar', description: 'overlapping (a lead joins every eligible running test) or exclusive (one test per lead)' },
  { key: 'detection', kind: 'document', description: 'overrides of the detection thresholds, volumes, windows, alpha (src/detect/config.ts)' },
  { key: 'spawning', kind: 'document', description: 'cool-downs, traffic allocation and confidence of spawned tests' },
  { key: 'decision', kind: 'document', description: 'overrides of the decision rule (src/experiments/decision-config.ts)' },
  { key: 'skill_actions', kind: 'document', description: 'what the skills do: call-now delay, follow-up days, lookback and expiry of actions (rule in SQL)' },
];

/** What the SQL falls back to when a scalar row is absent (lh_business_time_zone, lh_update_daily_metrics, lh_ab_exclusive). */
const SCALAR_DEFAULTS: Readonly<Record<string, string>> = {
  business_time_zone: 'UTC',
  source_window_days: '30',
  max_plausible_delay_days: '90',
  ab_assignment: 'overlapping',
};

export const specOf = (key: string): SettingSpec | undefined => SETTINGS.find((s) => s.key === key);

/** A value a caller may not store: the key, the value as given and the rule's reason. */
export class SettingRefusedError extends Error {
  override readonly name = 'SettingRefusedError';
  constructor(readonly key: string, readonly value: string, readonly problem: string) {
    super(`refused ${key} = ${shown(value)}: ${problem}`);
  }
}

/** A key that is neither known nor stored (get, unset). */
export class UnknownSettingError extends Error {
  override readonly name = 'UnknownSettingError';
  constructor(readonly key: string) {
    super(`unknown setting "${key}" (known: ${SETTINGS.map((s) => s.key).join(', ')})`);
  }
}

/** A value quoted for a one-line message: as typed when it is one printable line, else as a JSON string. */
export function shown(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[^\u0000-\u001f\u007f]*$/.test(value) && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

export interface SettingView {
  readonly key: string;
  readonly kind: SettingKind | 'unknown';
  readonly description: string | null;
  /** 'stored': a row exists; 'default': no row, the default applies. */
  readonly source: 'stored' | 'default';
  /** The row's text as stored, null without a row. */
  readonly stored: string | null;
  /**
   * What the setting says: a scalar's text (trimmed, as the SQL reads it) or its default; a document's
   * overrides as JSON ({} without a row); the stored text when it is not JSON.
   */
  readonly value: unknown;
  /** Why the stored value cannot be used (the database's rule, then the application's schema), else null. */
  readonly problem: string | null;
  /** Documents: the whole configuration the jobs run with (defaults merged with the overrides); null when invalid. Scalars: the value. */
  readonly effective: unknown;
}

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/**
 * The reading of a JSON document the jobs run with, or its objection: the application's schema for the
 * documents TypeScript reads; for skill_actions, which only SQL reads, the database's own merge of the
 * defaults (lh_skill_action_params: its rule has already passed).
 */
async function documentOf(db: Queryable, key: string, doc: unknown): Promise<{ effective: unknown; problem: string | null }> {
  if (key === 'skill_actions') {
    const [row] = await db.query<{ p: unknown }>('select public.lh_skill_action_params($1::text::jsonb) as p', [JSON.stringify(doc ?? {})]);
    return { effective: row!.p, problem: null };
  }
  try {
    switch (key as SettingKey) {
      case 'detection': return { effective: detectionFromSetting(doc), problem: null };
      case 'spawning': return { effective: { ...DEFAULT_SPAWN_CONFIG, ...spawningFromSetting(doc) }, problem: null };
      case 'decision': return { effective: decisionFromSetting(doc), problem: null };
    }
  } catch (err) {
    if (err instanceof SettingsError) return { effective: null, problem: err.message };
    throw err;
  }
  throw new Error(`no schema for the document ${key}`);
}

/** One setting as seen through both rules; `stored` is the row's text or null without a row. */
async function viewOf(db: Queryable, key: string, stored: string | null, dbProblem?: string | null): Promise<SettingView> {
  const spec = specOf(key);
  const kind = spec?.kind ?? 'unknown';
  const problem0 = stored === null ? null : dbProblem !== undefined ? dbProblem : await settingProblem(db, key, stored);
  if (kind === 'scalar') {
    const value = stored === null ? SCALAR_DEFAULTS[key]! : stored.trim();
    return { key, kind, description: spec!.description, source: stored === null ? 'default' : 'stored', stored, value,
      problem: problem0, effective: problem0 === null ? value : null };
  }
  if (kind === 'document') {
    const parsed = stored === null ? { ok: true as const, value: {} } : parseJson(stored);
    const value = parsed.ok ? parsed.value : stored;
    const app = problem0 === null && parsed.ok ? await documentOf(db, key, stored === null ? undefined : parsed.value) : { effective: null, problem: null };
    const problem = problem0 ?? app.problem;
    return { key, kind, description: spec!.description, source: stored === null ? 'default' : 'stored', stored, value,
      problem, effective: problem === null ? app.effective : null };
  }
  return { key, kind, description: null, source: 'stored', stored, value: stored, problem: problem0, effective: null };
}

/** Every known key (stored or default) and every other stored row (each an unknown key, so a problem). */
export async function listSettings(db: Queryable): Promise<SettingView[]> {
  const rows = await db.query<{ key: string; value: string | null }>('select key, value from public.lh_settings order by key');
  const problems = new Map((await db.query<{ key: string; problem: string }>('select key, problem from public.lh_settings_problems()'))
    .map((r) => [r.key, r.problem]));
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const keys = [...SETTINGS.map((s) => s.key), ...rows.map((r) => r.key).filter((k) => specOf(k) === undefined)];
  const views: SettingView[] = [];
  for (const key of keys) {
    const value = stored.has(key) ? stored.get(key)! : null;
    views.push(await viewOf(db, key, value, stored.has(key) ? (problems.get(key) ?? null) : null));
  }
  return views;
}

/** One setting; a key neither known nor stored is an UnknownSettingError. */
export async function getSetting(db: Queryable, key: string): Promise<SettingView> {
  const [row] = await db.query<{ value: string }>('select value from public.lh_settings where key = $1', [key]);
  if (row === undefined && specOf(key) === undefined) throw new UnknownSettingError(key);
  return viewOf(db, key, row?.value ?? null);
}

/** Every problem of the stored rows of a listing, as the jobs would find them before they start. */
export function settingsProblems(views: readonly SettingView[]): Array<{ key: string; value: string; problem: string }> {
  return views
    .filter((v) => v.stored !== null && v.problem !== null)
    .map((v) => ({ key: v.key, value: v.stored!, problem: v.problem! }));
}

export interface SettingChange {
  readonly key: string;
  readonly changed: boolean;
  readonly old: SettingView;
  readonly new: SettingView;
}

/**
 * The text to store for `input` under `key`: a scalar trimmed (a JSON string literal such as "UTC" is
 * unwrapped); anything else exactly as given, so both rules judge the very text the jobs will read.
 */
function normalise(key: string, input: string): string {
  if (specOf(key)?.kind !== 'scalar') return input;
  const t = input.trim();
  const parsed = t.startsWith('"') ? parseJson(t) : { ok: false as const };
  return parsed.ok && typeof parsed.value === 'string' ? parsed.value.trim() : t;
}

const sameValue = (a: SettingView, b: SettingView): boolean =>
  a.source === b.source && (a.kind === 'document' ? isDeepStrictEqual(a.value, b.value) : a.value === b.value);

/**
 * Store `input` as `key` in one transaction: the database's rule, then the document's schema, then the
 * upsert. A refused value is a SettingRefusedError and nothing is written; an unchanged value (same
 * scalar, same JSON document) writes nothing either.
 */
export async function setSetting(db: Database, key: string, input: string): Promise<SettingChange> {
  const value = normalise(key, input);
  return db.transaction(async (tx) => {
    const dbProblem = await settingProblem(tx, key, value);
    if (dbProblem !== null) throw new SettingRefusedError(key, input, dbProblem);
    const next = await viewOf(tx, key, value, null);
    if (next.problem !== null) throw new SettingRefusedError(key, input, next.problem);
    const [row] = await tx.query<{ value: string }>('select value from public.lh_settings where key = $1 for update', [key]);
    const old = await viewOf(tx, key, row?.value ?? null);
    if (row !== undefined && old.problem === null && sameValue(old, next)) return { key, changed: false, old, new: old };
    await tx.query(
      `insert into public.lh_settings (key, value, description) values ($1, $2, $3)
       on conflict (key) do update set value = excluded.value`,
      [key, value, specOf(key)?.description ?? null]);
    return { key, changed: true, old, new: next };
  });
}

/** Delete the row of `key`, so its default applies; a stored unknown key (a typo) can be removed this way too. */
export async function unsetSetting(db: Database, key: string): Promise<SettingChange> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ value: string }>('select value from public.lh_settings where key = $1 for update', [key]);
    if (row === undefined && specOf(key) === undefined) throw new UnknownSettingError(key);
    const old = await viewOf(tx, key, row?.value ?? null);
    if (row === undefined) return { key, changed: false, old, new: old };
    await tx.query('delete from public.lh_settings where key = $1', [key]);
    const next: SettingView = specOf(key) === undefined
      ? { ...old, source: 'default', stored: null, value: null, problem: null, effective: null }
      : await viewOf(tx, key, null);
    return { key, changed: true, old, new: next };
  });
}
