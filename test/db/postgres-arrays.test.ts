/**
 * The PostgreSQL adapter runs postgres.js with fetch_types: false (its own type query on every new
 * connection could reject unhandled: postgres.js #1192) and installs the arrays of the built-in types
 * itself. Arrays must arrive and go out as they did with fetch_types: parsed into JS arrays with the
 * element types the adapter uses elsewhere (int8 and numeric as numbers, date as 'YYYY-MM-DD'), NULLs,
 * quotes, backslashes, commas, braces, nesting and explicit bounds included. (PGlite parses numeric[] and
 * date[] with its own defaults, strings and Dates, so the result test is PostgreSQL's; parameters agree.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePgArray, serializePgArray } from '../../src/db/postgres.ts';
import { dbTargets, withFreshDb } from '../support/databases.ts';

const tricky = ['a', 'b,c', 'q"uo\\te', '{brace}', 'NULL', '', ' lead space', null];

for (const target of await dbTargets()) {
  describe(`arrays through the adapter (${target.name})`, () => {
    it('results: every built-in element type the jobs use, as JS arrays', { skip: target.name === 'pglite' ? 'PGlite has its own array parsers' : false }, async () => {
      await withFreshDb(target, async (db) => {
        const [row] = await db.query(`select $1::text[] as t, array[1, 2]::int8[] as i8, array[3, null]::int4[] as i4,
          array[1.5, 2]::numeric[] as num, array[0.25]::float8[] as f8, array[true, false] as b,
          array['2026-01-01'::date] as d, array['{"a": 1}'::jsonb] as j, '{{1,2},{3,4}}'::int[] as nested,
          '[0:1]={7,8}'::int[] as bounded, '{}'::text[] as empty,
          array['2026-01-02T03:04:05Z'::timestamptz] as ts`, [tricky]);
        assert.deepEqual(row, {
          t: tricky, i8: [1, 2], i4: [3, null], num: [1.5, 2], f8: [0.25], b: [true, false], d: ['2026-01-01'],
          j: [{ a: 1 }], nested: [[1, 2], [3, 4]], bounded: [7, 8], empty: [], ts: [new Date('2026-01-02T03:04:05Z')],
        });
      });
    });

    it('parameters: text[] and bigint[] round-trip element by element', async () => {
      await withFreshDb(target, async (db) => {
        const texts = await db.query<{ x: string | null }>('select x from unnest($1::text[]) with ordinality u(x, i) order by i', [tricky]);
        assert.deepEqual(texts.map((r) => r.x), tricky);
        const ids = await db.query<{ x: number }>('select x from unnest($1::bigint[]) x', [[1, 9_007_199_254_740_991]]);
        assert.deepEqual(ids.map((r) => r.x), [1, 9_007_199_254_740_991]);
      });
    });
  });
}

describe('the array codec', () => {
  it('parses and serialises PostgreSQL text arrays', () => {
    assert.deepEqual(parsePgArray('{a,"b c",NULL,"NULL","x\\"y\\\\z"}', (x) => x), ['a', 'b c', null, 'NULL', 'x"y\\z']);
    assert.deepEqual(parsePgArray('{{1,2},{}}', Number), [[1, 2], []]);
    assert.equal(serializePgArray(['a', null, 'b"c\\d', ['e']], String), '{"a",NULL,"b\\"c\\\\d",{"e"}}');
    assert.equal(serializePgArray('{1,2}', String), '{1,2}', 'a literal passes through');
  });
});
