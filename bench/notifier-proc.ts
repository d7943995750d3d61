/**
 * The processes the notifier benchmark starts: the real notifier, and the SMTP sink it sends to.
 * What Linux says about them (memory, CPU time) comes from common-proc.ts.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startService, stopChild, tsx, type ServiceLog, type ServiceProcess } from './common-proc.js';
import type { SinkMessage, SinkRequest } from './notifier-sink.js';

export interface NotifierLog extends ServiceLog {
  /** When the notifier logged "notifier ready" (its clock, epoch ms): its reconciler's first pass starts then. */
  readyAt?: number;
  /** "notification handled" lines by the state logged with them: sent, failed, cancelled. */
  handled: Record<string, number>;
  /** Temporary failures: BullMQ's "notification not sent yet" warnings. */
  retries: number;
}

export type NotifierProcess = ServiceProcess<NotifierLog>;

/** The notifier's entry point, ready once it logs "notifier ready". */
export function startNotifier(env: Record<string, string>, nodeArgs: readonly string[] = []): NotifierProcess {
  const log: NotifierLog = { lines: 0, handled: {}, retries: 0, failures: 0, errors: [], tail: [] };
  return startService('notifier', env, nodeArgs, log, (entry) => {
    if (entry.msg === 'notification handled' && entry.state) log.handled[entry.state] = (log.handled[entry.state] ?? 0) + 1;
    if (entry.msg === 'notification not sent yet') log.retries++;
    if (entry.msg === 'notifier ready' && log.readyAt === undefined) log.readyAt = entry.time;
  });
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
