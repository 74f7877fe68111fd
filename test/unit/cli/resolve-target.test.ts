import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveTarget } from '../../../src/cli/context.ts';

const URL_ = 'postgres://u@db.example:5432/x';

describe('which database a command uses', () => {
  it('explicit flags win over env DATABASE_URL', () => {
    const env = { DATABASE_URL: 'postgres://env@h/db' };
    assert.deepEqual(resolveTarget({ databaseUrl: URL_ }, env), { kind: 'postgres', url: URL_ });
    assert.deepEqual(resolveTarget({ dataDir: '/tmp/d' }, env), { kind: 'pglite', dataDir: '/tmp/d' });
    assert.deepEqual(resolveTarget({ memory: true }, env), { kind: 'pglite', dataDir: undefined });
    assert.deepEqual(resolveTarget({}, env), { kind: 'postgres', url: 'postgres://env@h/db' });
  });
  it('falls back to the embedded database in LH_BRAIN_DATA_DIR or .lh-brain/pgdata', () => {
    assert.deepEqual(resolveTarget({}, { LH_BRAIN_DATA_DIR: '/srv/lh' }), { kind: 'pglite', dataDir: '/srv/lh' });
    const t = resolveTarget({}, {});
    assert.ok(t.kind === 'pglite' && t.dataDir?.endsWith('.lh-brain/pgdata'));
  });
  it('rejects contradictory flags and a URL that is not PostgreSQL', () => {
    assert.throws(() => resolveTarget({ databaseUrl: URL_, memory: true }, {}), /cannot be combined/);
    assert.throws(() => resolveTarget({ memory: true, dataDir: '/x' }, {}), /exclude each other/);
    assert.throws(() => resolveTarget({ databaseUrl: 'mysql://x' }, {}), /must start with postgres/);
    assert.throws(() => resolveTarget({}, { DATABASE_URL: 'http://x' }), /must start with postgres/);
  });
});
