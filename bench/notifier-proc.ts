/**
 * The processes the notifier benchmark starts: the real notifier, and the SMTP sink it sends to.
 * What Linux says about them (memory, CPU time) comes from scheduler-proc.ts; its startWorker
 * cannot be reused here because it is tied to the worker's directory and its "worker ready" line.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SinkMessage, SinkRequest } from './notifier-sink.js';

const tsx = createRequire(import.meta.url).resolve('tsx');

export interface NotifierLog {
  lines: number;
  /** When the notifier logged "notifier ready" (its clock, epoch ms): its reconciler's first pass starts then. */
  readyAt?: number;
  /** "notification handled" lines by the state logged with them: sent, failed, cancelled. */
  handled: Record<string, number>;
  /** Temporary failures: BullMQ's "notification not sent yet" warnings. */
  retries: number;
  failures: number;
  /** The first error lines, whole. */
  errors: string[];
  /** The last lines, to show why the process died if it did. */
  tail: string[];
}

export interface NotifierProcess {
  readonly pid: number;
  readonly log: NotifierLog;
  ready(timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL if the graceful close takes longer than the grace period. */
  stop(graceMs?: number): Promise<number | null>;
  exited(): boolean;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? -1);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exit = exitOf(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exit;
  clearTimeout(timer);
  return code;
}

/**
 * The notifier's entry point under Node with tsx as a loader, as the test kit starts services:
 * the pid is the Node process doing the work, so its /proc entries are the notifier's own.
 */
export function startNotifier(env: Record<string, string>, nodeArgs: readonly string[] = []): NotifierProcess {
  const cwd = fileURLToPath(new URL('../services/notifier', import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, '--import', tsx, 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('the notifier process did not start');
  const log: NotifierLog = { lines: 0, handled: {}, retries: 0, failures: 0, errors: [], tail: [] };
  let isReady = false;
  let readyResolve: (() => void) | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.lines++;
      log.tail.push(line);
      if (log.tail.length > 5) log.tail.shift();
      let entry: { level?: number; time?: number; msg?: string; state?: string } = {};
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        // A start-up failure is printed as plain text for people; it is an error all the same.
        entry = { level: 50, msg: line };
      }
      if (entry.msg === 'notification handled' && entry.state) log.handled[entry.state] = (log.handled[entry.state] ?? 0) + 1;
      if (entry.msg === 'notification not sent yet') log.retries++;
      if ((entry.level ?? 0) >= 50) {
        log.failures++;
        if (log.errors.length < 3) log.errors.push(line.length > 1500 ? `${line.slice(0, 1500)}...` : line);
      }
      if (entry.msg === 'notifier ready' && !isReady) {
        isReady = true;
        log.readyAt = entry.time;
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
        const timer = setTimeout(() => reject(new Error(`the notifier was not ready within ${timeoutMs} ms:\n${log.tail.join('\n')}`)), timeoutMs);
        readyResolve = () => {
          clearTimeout(timer);
          resolve();
        };
        void exit.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the notifier exited (${code}) before it was ready:\n${log.tail.join('\n')}`));
        });
      });
    },
    stop: (graceMs = 20_000) => stopChild(child, graceMs),
  };
}

export interface SmtpSinkProcess {
  readonly pid: number;
  readonly url: string;
  /** Messages and bytes received since the sink started. */
  count(): Promise<{ messages: number; bytes: number }>;
  stop(): Promise<number | null>;
}

/** Starts notifier-sink.ts as a child process and resolves once it listens. */
export async function startSmtpSink(timeoutMs = 30_000): Promise<SmtpSinkProcess> {
  const child = fork(fileURLToPath(new URL('./notifier-sink.ts', import.meta.url)), [], {
    execArgv: ['--import', tsx],
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error('the SMTP sink process did not start');
  const pending: { resolve: (m: { messages: number; bytes: number }) => void; reject: (err: Error) => void }[] = [];
  child.on('message', (m: SinkMessage) => {
    if (m.type === 'count') pending.shift()?.resolve({ messages: m.messages, bytes: m.bytes });
  });
  child.once('exit', (code) => {
    for (const p of pending.splice(0)) p.reject(new Error(`the SMTP sink exited (${code})`));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the SMTP sink did not listen within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', (m: SinkMessage) => {
      if (m.type !== 'listening') return;
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the SMTP sink exited (${code}) before it listened`));
    });
  }).catch(async (err: unknown) => {
    await stopChild(child, 1_000);
    throw err;
  });
  return {
    pid: child.pid,
    url: `smtp://127.0.0.1:${port}`,
    count() {
      if (!child.connected) return Promise.reject(new Error('the SMTP sink is gone'));
      return new Promise((resolve, reject) => {
        pending.push({ resolve, reject });
        child.send({ type: 'count' } satisfies SinkRequest);
      });
    },
    stop: () => stopChild(child, 5_000),
  };
}
