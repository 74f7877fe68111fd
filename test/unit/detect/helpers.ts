/** Small assertions shared by the rule tests. */
import assert from 'node:assert/strict';
import type { Bottleneck, BottleneckType } from '../../../src/detect/types.ts';

/** The one bottleneck of `type` (fails if there are none or several). */
export function only(bs: readonly Bottleneck[], type: BottleneckType): Bottleneck {
  const found = bs.filter((b) => b.type === type);
  assert.equal(found.length, 1, `expected exactly one ${type}, got ${found.length}: ${JSON.stringify(bs)}`);
  return found[0]!;
}

/** Trigger kinds of a bottleneck's evidence, in order. */
export const triggers = (b: Bottleneck): string[] => b.evidence.map((e) => e.trigger.kind);

/** Fails when any number anywhere in the value is NaN or infinite. */
export function assertFinite(value: unknown, path = '$'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertFinite(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
}
