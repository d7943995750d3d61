import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { percentile } from './common-report.js';
import type { Measured } from './load.js';

export interface PgbenchRun {
  /** libpq connection URI of the database to run in. */
  url: string;
  /** Script files; pgbench picks one at random, with equal weight, for each transaction. */
  files: readonly string[];
  /** `-D name=value` variables. */
  variables: ReadonlyMap<string, string>;
  clients: number;
  threads: number;
  seconds: number;
  /** A directory of this run's own, for the per-transaction logs the percentiles come from. */
  logDir: string;
}

function exec(cmd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function runPgbench(run: PgbenchRun): Promise<Measured> {
  const prefix = 'txlog';
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(run.clients),
    '-j',
    String(run.threads),
    '-T',
    String(run.seconds),
    '-l',
    `--log-prefix=${join(run.logDir, prefix)}`,
    ...run.files.flatMap((f) => ['-f', f]),
    ...[...run.variables].flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    run.url,
  ];
  const { code, stdout, stderr } = await exec('pgbench', args);
  const tps = /^tps = ([\d.]+) \(without initial connection time\)/m.exec(stdout)?.[1];
  if (code !== 0 && code !== 2) throw new Error(`pgbench failed (exit ${code}):\n${stderr || stdout}`);
  if (tps === undefined) throw new Error(`no tps in pgbench's output:\n${stdout}\n${stderr}`);
  const failed = Number(/^number of failed transactions: (\d+)/m.exec(stdout)?.[1] ?? 0);

  // The third field of each per-transaction log line is its latency in microseconds.
  const latencies: number[] = [];
  for (const name of await readdir(run.logDir)) {
    if (!name.startsWith(`${prefix}.`)) continue;
    for (const line of (await readFile(join(run.logDir, name), 'utf8')).split('\n')) {
      const us = Number(line.split(' ')[2]);
      if (line && Number.isFinite(us)) latencies.push(us / 1000);
    }
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: Number(tps),
    requests: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: failed + (code === 0 ? 0 : 1),
    errorDetail: code === 0 && failed === 0 ? '' : `${failed} failed transactions; pgbench exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
  };
}
