/**
 * Where a job's time goes: a Database wrapper that records each statement's duration, grouped by the
 * statement's first words. Used to explain a job/bare-SQL ratio, not for the ratio itself.
 */
import type { Database, Queryable, Row } from '../src/db/port.ts';

export interface StatementTime {
  readonly statement: string;
  readonly calls: number;
  readonly totalMs: number;
}

function label(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const fn = /(lh_[a-z_]+)\s*\(/.exec(flat);
  if (fn && /^select/i.test(flat) && flat.length < 200) return `select ${fn[1]}(…)`;
  return flat.slice(0, 90);
}

export function profiled(db: Database): { db: Database; times: () => StatementTime[] } {
  const acc = new Map<string, { calls: number; totalMs: number }>();
  const wrap = (q: Queryable): Queryable => ({
    async query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]> {
      const t0 = performance.now();
      try {
        return await q.query<T>(text, params);
      } finally {
        const k = label(text);
        const a = acc.get(k) ?? { calls: 0, totalMs: 0 };
        a.calls += 1;
        a.totalMs += performance.now() - t0;
        acc.set(k, a);
      }
    },
    script: (text) => q.script(text),
  });
  const root = wrap(db);
  return {
    db: { kind: db.kind, query: root.query, script: root.script, close: () => db.close(),
      transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) },
    times: () => [...acc.entries()].map(([statement, a]) => ({ statement, calls: a.calls, totalMs: Math.round(a.totalMs * 10) / 10 }))
      .sort((x, y) => y.totalMs - x.totalMs),
  };
}
