// GENERATED from src/ by scripts/sync-edge-core.mjs: do not edit here; edit src/ and run `npm run sync-edge`.
/** The logger port: structured lines, written by the entry point (stderr for the CLI). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = { log: () => {} };

/** Convenience wrappers so call sites stay short. */
export const info = (l: Logger, m: string, f?: LogFields) => l.log('info', m, f);
export const warn = (l: Logger, m: string, f?: LogFields) => l.log('warn', m, f);
