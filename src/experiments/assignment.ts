/**
 * A/B assignment of leads (docs/design.md §4), the TypeScript twin of `lh_ab_picks`, `lh_assign_ab_test` and
 * friends (migrations 20261125000400_assignment.sql and 20261203000100_overlapping_tests.sql); both give the
 * same answer for the same rows.
 *
 * Rules:
 * - Group: hash v2 (./hash.ts) of the test's seed and the lead id's decimal string. The seed is
 *   `lh_ab_tests.hash_seed`, or `lh-ab-<test id>` when that is null, so renaming a test never reshuffles,
 *   and different tests split independently (not `id % 2`). `traffic_allocation_pct` is the TREATMENT
 *   share: bucket (0..9999) < pct * 100 (IEEE double on both sides, so they agree bit for bit; resolution
 *   0.01 percentage points).
 * - Eligible: the test is running, the lead was created at or after its `started_at`, and, when the test
 *   has a `segment`, the lead's `source` equals it (the only segmented metric is source_conversion_rate).
 * - Overlapping (the default, `lh_settings.ab_assignment`): a lead joins every running test it is eligible
 *   for, each test splitting it with its own hash (independent of the others', so each test stays balanced
 *   over the other tests' groups: Tang et al., KDD 2010). Within one metric and segment at most one test
 *   runs (a unique index), so two tests never compete for the same outcome.
 * - Exclusive (`ab_assignment = 'exclusive'`): a lead eligible for k running tests (ordered by id) goes to exactly one of them, index
 *   floor(bucket * k / 10000) of a second hash with seed EXCLUSION_SEED (GrowthBook-style namespace).
 *   Chosen over "the oldest test takes it" because that starves every later unsegmented test of all
 *   leads until the first one ends; the namespace hash shares traffic evenly and, being independent of
 *   each test's group hash, leaves the randomisation inside each test intact.
 * - Assigned once, sticky: a lead is assigned at one moment to all its tests (or its one); an assigned lead
 *   (ab_test_id or ab_test_group set, by us or explicitly by another service; a group without a test id is
 *   what a deleted test leaves behind) is never moved nor added to more tests. `lh_lead_status` keeps the
 *   first assignment (lowest test id); `lh_ab_assignments` holds them all.
 *   Since eligibility needs started_at <= created_at, the candidate set is fixed when the lead is born
 *   (only tests ending can shrink it), so assigning late (lh_assign_pending_leads) gives the same answer.
 */
import { HASH_V2_BUCKETS, hashV2Bucket } from './hash.ts';

export type AbGroup = 'control' | 'treatment';

/** `lh_settings.ab_assignment`: whether a lead joins all its eligible tests or one of them. */
export const ASSIGNMENT_MODES = ['overlapping', 'exclusive'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];
/** The mode when lh_settings has no `ab_assignment` row (the SQL's lh_ab_exclusive() default). */
export const DEFAULT_ASSIGNMENT_MODE: AssignmentMode = 'overlapping';

/** One row of lh_ab_assignments as the rule decides it. */
export interface TestGroup {
  readonly testId: number;
  readonly group: AbGroup;
}

/** Seed of the exclusivity hash that picks one test among a lead's eligible running tests. */
export const EXCLUSION_SEED = 'lh-ab-exclusion';

/** What assigning a group needs to know about a test. */
export interface AssignableTest {
  readonly id: number;
  /** `lh_ab_tests.hash_seed`; null/absent means the default `lh-ab-<id>`. */
  readonly hashSeed?: string | null;
  /** Treatment share in percent, 0 < pct < 100 (50 = 50/50). */
  readonly trafficAllocationPct: number;
}

/** A test as the eligibility rules see it (columns of lh_ab_tests). */
export interface CandidateTest extends AssignableTest {
  readonly status: 'running' | 'completed';
  readonly startedAt: Date;
  readonly segment: string | null;
}

/** A lead as the eligibility rules see it (columns of lh_lead_status). */
export interface LeadForAssignment {
  readonly id: number;
  readonly source: string | null;
  readonly createdAt: Date;
  /** Existing assignment; either non-null means the lead is never reassigned. */
  readonly abTestId: number | null;
  readonly abTestGroup: AbGroup | null;
}

/** The result of assigning one lead; `kind` matches the `status` field `lh_assign_ab_test` returns. */
export type LeadAssignment =
  | { readonly kind: 'assigned'; readonly testId: number; readonly group: AbGroup }
  | { readonly kind: 'kept'; readonly testId: number | null; readonly group: AbGroup | null }
  | { readonly kind: 'none' };

/** The seed a test hashes with: its stored hash_seed, else `lh-ab-<id>` (same rule as the SQL). */
export function testSeed(test: Pick<AssignableTest, 'id' | 'hashSeed'>): string {
  return test.hashSeed ?? `lh-ab-${test.id}`;
}

/**
 * The group of a lead in a test: treatment iff hash v2 bucket < trafficAllocationPct * 100.
 * Throws RangeError for an allocation outside [0, 100] (the table's check forbids it).
 */
export function assignGroup(test: AssignableTest, leadId: number): AbGroup {
  const pct = test.trafficAllocationPct;
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
    throw new RangeError(`test ${test.id}: traffic_allocation_pct must be between 0 and 100, got ${pct}`);
  }
  return hashV2Bucket(testSeed(test), String(leadId)) < pct * 100 ? 'treatment' : 'control';
}

/** Whether a lead may enter a test: running, lead created at/after the start, lead in the segment. */
export function isEligible(test: CandidateTest, lead: Pick<LeadForAssignment, 'source' | 'createdAt'>): boolean {
  return test.status === 'running'
    && lead.createdAt.getTime() >= test.startedAt.getTime()
    && (test.segment === null || lead.source === test.segment);
}

/**
 * The one test (of those the lead is eligible for) that gets the lead, or null when there is none.
 * Index floor(bucket * k / 10000) among the candidates ordered by id: integer arithmetic, exact in SQL too.
 */
export function chooseTest<T extends CandidateTest>(eligible: readonly T[], leadId: number): T | null {
  if (eligible.length === 0) return null;
  const ordered = [...eligible].sort((a, b) => a.id - b.id);
  const bucket = hashV2Bucket(EXCLUSION_SEED, String(leadId));
  return ordered[Math.floor((bucket * ordered.length) / HASH_V2_BUCKETS)] ?? null;
}

/**
 * Every (test, group) a lead gets, in test id order (the SQL's lh_ab_picks): all eligible tests when
 * overlapping, the one chosen by the exclusion hash when exclusive. Empty when none is eligible.
 */
export function pickTests(lead: Pick<LeadForAssignment, 'id' | 'source' | 'createdAt'>, tests: readonly CandidateTest[],
  mode: AssignmentMode): TestGroup[] {
  const eligible = tests.filter((t) => isEligible(t, lead)).sort((a, b) => a.id - b.id);
  const chosen = mode === 'overlapping' ? eligible : [chooseTest(eligible, lead.id)].filter((t): t is CandidateTest => t !== null);
  return chosen.map((t) => ({ testId: t.id, group: assignGroup(t, lead.id) }));
}

/** The result of assigning one lead in either mode; `assignments` is never empty and its first is lh_lead_status'. */
export type LeadAssignments =
  | { readonly kind: 'assigned'; readonly assignments: readonly [TestGroup, ...TestGroup[]] }
  | { readonly kind: 'kept' }
  | { readonly kind: 'none' };

/** The full rule for one lead against all tests (any status): kept if assigned, else its picks. */
export function assignLeadTo(lead: LeadForAssignment, tests: readonly CandidateTest[], mode: AssignmentMode): LeadAssignments {
  if (lead.abTestId !== null || lead.abTestGroup !== null) return { kind: 'kept' };
  const [first, ...rest] = pickTests(lead, tests, mode);
  return first === undefined ? { kind: 'none' } : { kind: 'assigned', assignments: [first, ...rest] };
}

/** The exclusive rule for one lead, as `lh_assign_ab_test` reports it (kept with the stored test and group). */
export function assignLead(lead: LeadForAssignment, tests: readonly CandidateTest[]): LeadAssignment {
  const r = assignLeadTo(lead, tests, 'exclusive');
  if (r.kind === 'kept') return { kind: 'kept', testId: lead.abTestId, group: lead.abTestGroup };
  return r.kind === 'none' ? r : { kind: 'assigned', testId: r.assignments[0].testId, group: r.assignments[0].group };
}
