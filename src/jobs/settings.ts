/**
 * Job configuration kept in the database (`lh_settings`, one JSON document per key), so the CLI, the edge
 * functions and the worker all run with the same thresholds without redeploying anything:
 *   detection — overrides of DEFAULT_DETECTION_CONFIG (src/detect/config.ts)
 *   spawning  — killCooldownDays, inconclusiveCooldownDays, keptCooldownDays, trafficAllocationPct, confidenceLevel
 *   decision  — overrides of DEFAULT_DECISION_CONFIG (src/experiments/decision-config.ts)
 * Every document is validated strictly (an unknown key is an error, not a silent default) before a job
 * writes anything; the error names the setting and the path of each problem. The scalar settings
 * (business_time_zone, source_window_days, max_plausible_delay_days) and the shape of every row are ruled
 * by the database (lh_setting_problem, migration 20261201000100), which also reads them: checkStoredSettings
 * asks it for every problem at once.
 */
import { z } from 'zod';
import type { Queryable } from '../db/port.ts';
import { parseDetectionConfig, DetectionConfigError } from '../detect/config-schema.ts';
import type { DetectionConfig } from '../detect/config.ts';
import { PLANNED_DURATION_TESTS, resolveDecisionConfig, type DecisionConfig, type DecisionConfigOverride } from '../experiments/decision-config.ts';
import { POLICY_NAMES } from '../experiments/types.ts';
import type { SpawnConfig } from './spawn.ts';

export const SETTING_KEYS = ['detection', 'spawning', 'decision'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** A stored setting cannot be used: the message names the key and every problem. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const spawningSchema = z.strictObject({
  killCooldownDays: z.number().int().min(0).max(3650),
  keptCooldownDays: z.number().int().min(0).max(3650),
  inconclusiveCooldownDays: z.number().int().min(0).max(3650),
  trafficAllocationPct: z.number().gt(0).lt(100),
  confidenceLevel: z.number().gt(0).lt(1),
}).partial();

const decisionSchema = z.strictObject({
  seed: z.strictObject({
    keepMinLiftPct: z.number(), keepMaxP: z.number().gt(0).lt(1).nullable(), killBelowLiftPct: z.number(), killAboveP: z.number().gt(0).lt(1),
  }).partial(),
  sequential: z.strictObject({ alpha: z.number().gt(0).lt(1), minPerGroup: z.number().int().min(2) }).partial(),
  planned: z.strictObject({
    alpha: z.number().gt(0).lt(0.5), power: z.number().gt(0.5).lt(1), smallestWorthwhileLiftPct: z.number().gt(0),
    spending: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('obrien-fleming') }),
      z.strictObject({ kind: z.literal('pocock') }),
      z.strictObject({ kind: z.literal('power'), rho: z.number().gt(0) }),
    ]),
    futilityFromFraction: z.number().gt(0).max(1), futilityConfidence: z.number().gt(0).lt(1),
    lookEveryDays: z.number().int().min(1).max(90), minPerGroup: z.number().int().min(2),
    alphaBudget: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('per-skill'), firstShare: z.number().gt(0).lt(1) }),
      z.strictObject({ kind: z.literal('per-test') }),
    ]),
    durationTest: z.enum(PLANNED_DURATION_TESTS),
  }).partial(),
  spawnPolicy: z.enum(POLICY_NAMES),
  srmThreshold: z.number().gt(0).lt(1),
  srmMinPerGroup: z.number().int().min(1),
  defaultMaxDurationDays: z.number().int().min(1),
  durationTest: z.enum(['welch', 'log-welch', 'mann-whitney']),
}).partial();

/** The raw JSON documents stored under `keys` (absent keys are left out); a job reads only its own. */
export async function readSettingDocuments(db: Queryable, keys: readonly SettingKey[]): Promise<Partial<Record<SettingKey, unknown>>> {
  const rows = await db.query<{ key: SettingKey; value: string }>(
    'select key, value from public.lh_settings where key = any($1::text[])', [[...keys]]);
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const r of rows) {
    try {
      out[r.key] = JSON.parse(r.value);
    } catch (cause) {
      throw new SettingsError(`lh_settings.${r.key} is not valid JSON (${(cause as Error).message}): store an object such as {}`, { cause });
    }
  }
  return out;
}

function issuesOf(key: SettingKey, error: z.ZodError): SettingsError {
  const list = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  return new SettingsError(`lh_settings.${key} is invalid: ${list.join('; ')}`, { cause: error });
}

export function detectionFromSetting(doc: unknown): DetectionConfig {
  try {
    return parseDetectionConfig(doc);
  } catch (err) {
    if (err instanceof DetectionConfigError) throw new SettingsError(`lh_settings.detection is invalid: ${err.issues.join('; ')}`, { cause: err });
    throw err;
  }
}

export function spawningFromSetting(doc: unknown): Partial<SpawnConfig> {
  if (doc === undefined || doc === null) return {};
  const r = spawningSchema.safeParse(doc);
  if (!r.success) throw issuesOf('spawning', r.error);
  return r.data;
}

export function decisionFromSetting(doc: unknown): DecisionConfig {
  if (doc === undefined || doc === null) return resolveDecisionConfig();
  const r = decisionSchema.safeParse(doc);
  if (!r.success) throw issuesOf('decision', r.error);
  try {
    return resolveDecisionConfig(r.data as DecisionConfigOverride);
  } catch (err) {
    throw new SettingsError(`lh_settings.decision is invalid: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Every problem of the stored settings, as the database's own rule (lh_settings_problems) sees them:
 * an unknown key, a day count that is not a whole number from 1 to 36500, a time zone that is not an IANA
 * name (a POSIX offset such as 'UTC+5' is read by PostgreSQL as UTC−5), a document that is not a JSON object.
 * Throws one SettingsError naming each key and value; call it before a job writes anything.
 */
export async function checkStoredSettings(db: Queryable): Promise<void> {
  const rows = await db.query<{ key: string; problem: string }>('select key, problem from public.lh_settings_problems()');
  if (rows.length > 0) throw new SettingsError(rows.map((r) => r.problem).join('; '));
}

/** The database's objection to `value` as the setting `key`, or null when it would be accepted. */
export async function settingProblem(db: Queryable, key: string, value: string): Promise<string | null> {
  const [row] = await db.query<{ problem: string | null }>('select public.lh_setting_problem($1, $2) as problem', [key, value]);
  return row?.problem ?? null;
}
