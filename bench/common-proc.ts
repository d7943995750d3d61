/**
 * What the benchmarks share about processes: their settings from the environment, what Linux says
 * about a process or the whole machine (memory, CPU time), a service started as a real process,
 * and the way a run ends, normally or on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Redis } from '@fordra/jobs';

/** Linux reports CPU time in clock ticks; 100 a second on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got ${raw}`);
  return n;
}

/** Extra Node options for a service under test, e.g. "--cpu-prof": NODE_OPTIONS refuses some of them. */
export function nodeArgs(name: string): string[] {
  return (process.env[name] ?? '').split(/\s+/).filter(Boolean);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** Busy and total CPU time of the whole machine, all cores, in ticks (Linux only). */
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

/** Share of the machine busy over the next `ms`, before a run: other work skews its figures. */
export async function busyBefore(ms: number): Promise<number> {
  const before = hostCpu();
  await sleep(ms);
  return hostBusy(before, hostCpu());
}

/** CPU time the whole Redis server has used, in seconds: it serves more than one process here. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_sys') + field('used_cpu_user');
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

// ---------------------------------------------------------------------------------------------
// Child processes.

export const tsx = createRequire(import.meta.url).resolve('tsx');

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? -1);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
}

/** SIGTERM, then SIGKILL if the graceful close takes longer than the grace period. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exit = exitOf(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exit;
  clearTimeout(timer);
  return code;
}

/** What every service logs that a benchmark reports on; each adds its own counts. */
export interface ServiceLog {
  lines: number;
  failures: number;
  /** The first error lines, whole: a failing step logs its stack, and a few explain the rest. */
  errors: string[];
  /** The last lines, to show why the process died if it did. */
  tail: string[];
}

/** One JSON log line of a service, as far as the benchmarks read it. */
export interface LogEntry {
  level?: number;
  time?: number;
  msg?: string;
  state?: string;
}

export interface ServiceProcess<L extends ServiceLog> {
  readonly pid: number;
  readonly log: L;
  ready(timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL if the graceful close takes longer than the grace period. */
  stop(graceMs?: number): Promise<number | null>;
  exited(): boolean;
}

/**
 * Starts a service's TypeScript entry point the way the test kit does: Node with tsx as a loader,
 * so the pid is the Node process that does the work and its /proc entries are the service's own.
 * It is ready once it logs "<service> ready"; `onEntry` sees every line first, for what else the
 * benchmark counts.
 */
export function startService<L extends ServiceLog>(
  service: string,
  env: Record<string, string>,
  nodeArgs: readonly string[],
  log: L,
  onEntry: (entry: LogEntry) => void,
): ServiceProcess<L> {
  const cwd = fileURLToPath(new URL(`../services/${service}`, import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, '--import', tsx, 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`the ${service} process did not start`);
  let readyResolve: (() => void) | undefined;
  let isReady = false;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.lines++;
      log.tail.push(line);
      if (log.tail.length > 5) log.tail.shift();
      let entry: LogEntry = {};
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        // A start-up failure is printed as plain text for people; it is an error all the same.
        entry = { level: 50, msg: line };
      }
      if ((entry.level ?? 0) >= 50) {
        log.failures++;
        if (log.errors.length < 3) log.errors.push(line.length > 1500 ? `${line.slice(0, 1500)}...` : line);
      }
      onEntry(entry);
      if (entry.msg === `${service} ready` && !isReady) {
        isReady = true;
        readyResolve?.();
      }
    });
  }
  const exit = exitOf(child);
  return {
    pid: child.pid,
    log,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    ready(timeoutMs) {
      if (isReady) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the ${service} was not ready within ${timeoutMs} ms:\n${log.tail.join('\n')}`)), timeoutMs);
        readyResolve = () => {
          clearTimeout(timer);
          resolve();
        };
        void exit.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the ${service} exited (${code}) before it was ready:\n${log.tail.join('\n')}`));
        });
      });
    },
    stop: (graceMs = 20_000) => stopChild(child, graceMs),
  };
}

// ---------------------------------------------------------------------------------------------
// The end of a run.

/**
 * Ctrl-C: runs `cleanUp` once, so that the run leaves no process, key or database behind, and
 * exits with 130. With `quietAfter`, errors from the work the cleanup cut off (connections to a
 * dropped database) are printed rather than crashing the cleanup.
 */
export function onInterrupt(cleanUp: () => Promise<void>, { quietAfter }: { quietAfter: boolean }): () => boolean {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\n${signal}: cleaning up`);
      if (quietAfter) process.on('uncaughtException', (err) => console.error(`after the interruption: ${err.message}`));
      void cleanUp()
        .catch((err: unknown) => console.error(err))
        .finally(() => process.exit(130));
    });
  }
  return () => interrupted;
}

/**
 * Exits with main's code, or 1 on a crash. With `interrupted`, an interruption's cleanup owns the
 * exit: main then ends on the errors the cleanup causes, and those are no verdict on the run.
 */
export function exitWith(main: () => Promise<number>, interrupted: () => boolean = () => false): void {
  main().then(
    (code) => {
      if (!interrupted()) process.exit(code);
    },
    (err: unknown) => {
      if (interrupted()) return;
      console.error(err);
      process.exit(1);
    },
  );
}

/** Stops a service of the run and says whether it logged errors, with the first of them. */
export async function stopLogged(name: string, service: ServiceProcess<ServiceLog> | undefined): Promise<void> {
  if (!service) return;
  await service.stop(5_000).catch(() => undefined);
  if (service.log.failures > 0) console.error(`The ${name} logged ${service.log.failures} errors; the first:\n${service.log.errors.join('\n')}`);
}
