/**
 * The worker as a real process, kept apart from the scenario so that the scenario reads as the
 * measurement it is. What Linux says about it (memory, CPU time) comes from common-proc.ts.
 */
import { startService, type ServiceLog, type ServiceProcess } from './common-proc.js';

export interface WorkerLog extends ServiceLog {
  stepsRan: number;
}

export type WorkerProcess = ServiceProcess<WorkerLog>;

/** The worker's entry point, ready once it logs "worker ready". */
export function startWorker(env: Record<string, string>, nodeArgs: readonly string[] = []): WorkerProcess {
  const log: WorkerLog = { lines: 0, stepsRan: 0, failures: 0, errors: [], tail: [] };
  return startService('worker', env, nodeArgs, log, (entry) => {
    if (entry.msg === 'step ran') log.stepsRan++;
  });
}
