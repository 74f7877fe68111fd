/** Public API of the report module: build the data once, render it for a terminal or as one HTML file. */
export { buildReport, ReportError, DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS, REPORT_LIMITS, type ReportOptions } from './build.ts';
export { renderTerminal, sparkline, type TerminalOptions } from './terminal.ts';
export { renderHtml, KEEP_LIFT_PCT } from './html.ts';
export type * from './types.ts';
