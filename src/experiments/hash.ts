/**
 * The assignment hash: GrowthBook's "hash v2" (MIT, packages/sdk-js/src/util.ts), so any
 * GrowthBook-compatible SDK in a neighbouring service buckets a lead exactly as we do.
 *
 * FNV-1a 32-bit over UTF-16 code units (offset basis 0x811c9dc5, prime 16777619), then
 * n = fnv1a32(String(fnv1a32(seed + id))) mod 10000, and the hash is n / 10000 in [0, 1).
 * The SQL twin (`lh_fnv1a32`, `lh_hash_v2_bucket`, `lh_hash_v2` in migration 20261125000400) gives the
 * same values; test/db/assignment.test.ts checks that on 10,000 ids.
 * Runtime-neutral: plain arithmetic, no Buffer, no TextEncoder.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** Number of equally likely buckets hash v2 maps an id into (its resolution is 0.01%). */
export const HASH_V2_BUCKETS = 10000;

/**
 * FNV-1a 32-bit of a string's UTF-16 code units, as an unsigned integer.
 * Example: fnv1a32('a') === 0xe40c292c.
 */
export function fnv1a32(s: string): number {
  let h = FNV_OFFSET_BASIS;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * Hash v2 as an integer bucket in 0..9999: fnv1a32(String(fnv1a32(seed + id))) mod 10000.
 * Integer form so comparisons and the exclusivity pick are exact in both TypeScript and SQL.
 */
export function hashV2Bucket(seed: string, id: string): number {
  return fnv1a32(String(fnv1a32(seed + id))) % HASH_V2_BUCKETS;
}

/**
 * GrowthBook hash v2 of (seed, id), a number in [0, 1) with 4 decimals.
 * Examples: hashV2('seed', 'a') === 0.0505, hashV2('foo', 'ab') === 0.2575.
 */
export function hashV2(seed: string, id: string): number {
  return hashV2Bucket(seed, id) / HASH_V2_BUCKETS;
}
