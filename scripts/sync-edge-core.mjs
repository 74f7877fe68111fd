#!/usr/bin/env node
// Copies the runtime-neutral core that the edge functions import (the transitive closure of their
// entry modules under src/) into supabase/functions/_shared/core/, and writes each function's deno.json
// import map from package.json's exact versions. The Supabase bundler cannot reach files outside
// supabase/functions/ (Supabase CLI docs, "Organizing your Edge Functions"), so the copy is committed; `--check` (run by the
// test suite) fails when the copy is stale.
//   node scripts/sync-edge-core.mjs          write
//   node scripts/sync-edge-core.mjs --check  verify only
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const out = join(root, 'supabase', 'functions', '_shared', 'core');
const functionsDir = join(root, 'supabase', 'functions');
const ENTRIES = ['edge/endpoints.ts', 'edge/serve.ts', 'db/postgres.ts'];
const HEADER = '// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.\n';
const check = process.argv.includes('--check');

const importRe = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;

function closure() {
  const seen = new Set();
  const bare = new Set();
  const stack = [...ENTRIES];
  while (stack.length > 0) {
    const rel = stack.pop();
    if (seen.has(rel)) continue;
    seen.add(rel);
    const text = readFileSync(join(src, rel), 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1];
      if (spec.startsWith('.')) {
        const target = relative(src, resolve(dirname(join(src, rel)), spec));
        if (target.startsWith('..')) throw new Error(`${rel} imports ${spec}, outside src/`);
        stack.push(target);
      } else if (spec.startsWith('node:')) {
        throw new Error(`${rel} imports ${spec}: the edge core must be runtime-neutral`);
      } else {
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
  }
  return { files: [...seen].sort(), bare: [...bare].sort() };
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [relative(out, p)];
  });
}

const { files, bare } = closure();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const versions = { ...pkg.devDependencies, ...pkg.dependencies };
const imports = Object.fromEntries(bare.map((name) => {
  if (!versions[name]) throw new Error(`edge core imports ${name}, which package.json does not pin`);
  return [name, `npm:${name}@${versions[name]}`];
}));
const denoJson = JSON.stringify({ imports }, null, 2) + '\n';

const wanted = new Map(files.map((f) => [f, HEADER + readFileSync(join(src, f), 'utf8')]));
const functionNames = readdirSync(functionsDir).filter((n) => !n.startsWith('_') && statSync(join(functionsDir, n)).isDirectory());
const problems = [];
for (const [f, text] of wanted) {
  const p = join(out, f);
  if (!existsSync(p) || readFileSync(p, 'utf8') !== text) problems.push(`stale or missing: _shared/core/${f}`);
}
for (const f of listFiles(out)) if (!wanted.has(f)) problems.push(`not generated from src: _shared/core/${f}`);
for (const fn of functionNames) {
  const p = join(functionsDir, fn, 'deno.json');
  if (!existsSync(p) || readFileSync(p, 'utf8') !== denoJson) problems.push(`stale or missing: ${fn}/deno.json`);
}

if (check) {
  if (problems.length > 0) {
    console.error(`edge core is out of date (run npm run sync-edge):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`edge core up to date: ${files.length} files, imports ${bare.join(', ')}`);
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
for (const [f, text] of wanted) {
  mkdirSync(dirname(join(out, f)), { recursive: true });
  writeFileSync(join(out, f), text);
}
for (const fn of functionNames) writeFileSync(join(functionsDir, fn, 'deno.json'), denoJson);
console.log(`wrote ${files.length} files to supabase/functions/_shared/core and deno.json for ${functionNames.join(', ')}`);
