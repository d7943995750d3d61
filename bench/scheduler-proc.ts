/**
 * The worker as a real process, and what Linux says about processes: memory, CPU time. Kept
 * apart from the scenario so that the scenario reads as the measurement it is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** Linux reports CPU time in clock ticks; 100 a second on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

export interface WorkerLog {
  lines: number;
  stepsRan: number;
  failures: number;
  /** The first error lines, whole: a failing step logs its stack, and a few explain the rest. */
  errors: string[];
  /** The last lines, to show why the process died if it did. */
  tail: string[];
}

export interface WorkerProcess {
  readonly pid: number;
  readonly log: WorkerLog;
  ready(timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL if the graceful close takes longer than the grace period. */
  stop(graceMs?: number): Promise<number | null>;
  exited(): boolean;
}

/**
 * Starts the worker's TypeScript entry point the way the test kit does: Node with tsx as a loader,
 * so the pid is the Node process that does the work and its /proc entries are the worker's own.
 */
export function startWorker(env: Record<string, string>, nodeArgs: readonly string[] = []): WorkerProcess {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const cwd = fileURLToPath(new URL('../services/worker', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', tsx, 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('the worker process did not start');
  const log: WorkerLog = { lines: 0, stepsRan: 0, failures: 0, errors: [], tail: [] };
  let readyResolve: (() => void) | undefined;
  let isReady = false;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      log.lines++;
      log.tail.push(line);
      if (log.tail.length > 5) log.tail.shift();
      let entry: { level?: number; msg?: string } = {};
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        // A start-up failure is printed as plain text for people; it is an error all the same.
        entry = { level: 50, msg: line };
      }
      if (entry.msg === 'step ran') log.stepsRan++;
      if ((entry.level ?? 0) >= 50) {
        log.failures++;
        if (log.errors.length < 3) log.errors.push(line.length > 1500 ? `${line.slice(0, 1500)}...` : line);
      }
      if (entry.msg === 'worker ready' && !isReady) {
        isReady = true;
        readyResolve?.();
      }
    });
  }
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));

  return {
    pid: child.pid,
    log,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    ready(timeoutMs) {
      if (isReady) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the worker was not ready within ${timeoutMs} ms:\n${log.tail.join('\n')}`)), timeoutMs);
        readyResolve = () => {
          clearTimeout(timer);
          resolve();
        };
        void exit.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the worker exited (${code}) before it was ready:\n${log.tail.join('\n')}`));
        });
      });
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Resident and peak resident memory of a process, in MB (VmRSS and VmHWM). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** User plus system CPU time a process has used, in seconds. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after its closing one are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of the whole machine, all cores, in ticks. */
export function hostCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = fields[3]! + fields[4]!;
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export function hostBusy(before: ReturnType<typeof hostCpu>, after: ReturnType<typeof hostCpu>): number {
  if (!before || !after || after.total === before.total) return Number.NaN;
  return (after.busy - before.busy) / (after.total - before.total);
}

/**
 * CPU used by the Postgres backends serving one database, summed over a window. Backends name
 * their database in their process title; ones that start during the window count from zero, and
 * ones that end keep what they had used when last seen.
 */
export class BackendCpu {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();

  constructor(private readonly database: string) {
    for (const [pid, cpu] of this.read()) this.start.set(pid, cpu);
  }

  sample(): void {
    for (const [pid, cpu] of this.read()) {
      if (!this.start.has(pid)) this.start.set(pid, 0);
      this.last.set(pid, cpu);
    }
  }

  seconds(): number {
    this.sample();
    let total = 0;
    for (const [pid, cpu] of this.last) total += cpu - (this.start.get(pid) ?? 0);
    return total;
  }

  private read(): Map<number, number> {
    const found = new Map<number, number>();
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return found;
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (!title.startsWith('postgres: ') || !title.includes(` ${this.database} `)) continue;
        const cpu = cpuSecondsOf(Number(entry));
        if (cpu !== undefined) found.set(Number(entry), cpu);
      } catch {
        // The process ended between the listing and the read.
      }
    }
    return found;
  }
}
