/** The ports a job runs with. Entry points (CLI, edge functions, worker, simulator) build them. */
import type { Clock } from '../clock.ts';
import type { Database } from '../db/port.ts';
import type { Logger } from '../logger.ts';

export interface JobDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Progress of long work (a backfill range, a simulation): the CLI draws a bar, others ignore it. */
export type Progress = (done: number, total: number, label: string) => void;
export const noProgress: Progress = () => {};
