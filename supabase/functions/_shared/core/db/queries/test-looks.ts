// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/**
 * The looks of planned tests (lh_ab_test_looks, migration 20261202000100): read back in order before a
 * look (the boundary of a look depends on the earlier ones) and written in the analysis' transaction. A
 * look that adds no information keeps its number: the upsert rewrites that row only when a value changed.
 */
import type { LookRecord } from '../../experiments/policy.ts';
import type { KillReason } from '../../experiments/types.ts';
import type { Queryable } from '../port.ts';

interface LookRow extends Record<string, unknown> {
  look_number: number; control_n: number; treatment_n: number; estimate: number; standard_error: number; z: number;
  information_fraction: number; spending_fraction: number; alpha_spent: number; efficacy_z: number;
  futility_z: number | null; decision: 'KEEP' | 'KILL' | 'CONTINUE'; kill_reason: KillReason | null;
}

export async function readLooks(db: Queryable, testId: number): Promise<LookRecord[]> {
  const rows = await db.query<LookRow>(
    `select look_number, control_n, treatment_n, estimate, standard_error, z, information_fraction, spending_fraction,
            alpha_spent, efficacy_z, futility_z, decision, kill_reason
       from public.lh_ab_test_looks where test_id = $1 order by look_number`, [testId]);
  return rows.map((r) => ({
    lookNumber: r.look_number, controlN: r.control_n, treatmentN: r.treatment_n, estimate: r.estimate,
    standardError: r.standard_error, z: r.z, informationFraction: r.information_fraction,
    spendingFraction: r.spending_fraction, alphaSpent: r.alpha_spent, efficacyZ: r.efficacy_z,
    futilityZ: r.futility_z, decision: r.decision, killReason: r.kill_reason,
  }));
}

/** Inserts the look, or updates it when the same look was taken again with other values; true when a row changed. */
export async function writeLook(tx: Queryable, testId: number, l: LookRecord, at: Date): Promise<boolean> {
  const rows = await tx.query(
    `insert into public.lh_ab_test_looks as k (test_id, look_number, analyzed_at, control_n, treatment_n, estimate,
       standard_error, z, information_fraction, spending_fraction, alpha_spent, efficacy_z, futility_z, decision, kill_reason)
     values ($1, $2, $3::timestamptz, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     on conflict (test_id, look_number) do update set
       analyzed_at = excluded.analyzed_at, control_n = excluded.control_n, treatment_n = excluded.treatment_n,
       estimate = excluded.estimate, standard_error = excluded.standard_error, z = excluded.z,
       futility_z = excluded.futility_z, decision = excluded.decision, kill_reason = excluded.kill_reason
     where (k.control_n, k.treatment_n, k.estimate, k.standard_error, k.z, k.futility_z, k.decision, k.kill_reason)
       is distinct from (excluded.control_n, excluded.treatment_n, excluded.estimate, excluded.standard_error, excluded.z,
         excluded.futility_z, excluded.decision, excluded.kill_reason)
     returning test_id`,
    [testId, l.lookNumber, at, l.controlN, l.treatmentN, l.estimate, l.standardError, l.z, l.informationFraction,
      l.spendingFraction, l.alphaSpent, l.efficacyZ, l.futilityZ, l.decision, l.killReason],
  );
  return rows.length > 0;
}
