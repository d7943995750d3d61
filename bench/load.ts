import autocannon from 'autocannon';
import { percentile } from './common-report.js';

/** One scenario's figures; latencies in milliseconds. */
export interface Measured {
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  /** What went wrong, for the report; empty when nothing did. */
  errorDetail: string;
}

export interface LoadRun {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Picks each request's path and body, so requests spread over many rows as real traffic does. */
  next?: () => { path?: string; body?: string };
}

export async function runLoad(run: LoadRun): Promise<Measured> {
  const next = run.next;
  // autocannon's own histogram keeps whole milliseconds; sub-millisecond latencies need the raw times.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: run.url,
        connections: run.connections,
        duration: run.seconds,
        method: run.method ?? 'GET',
        headers: run.headers ?? {},
        requests: next ? [{ setupRequest: (req) => ({ ...req, ...next() }) }] : undefined,
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  const codes = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, s]) => `${s.count ?? 0}x HTTP ${code}`);
  const errors = result.non2xx + result.errors;
  return {
    rps: sorted.length / result.duration,
    requests: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors,
    errorDetail: errors === 0 ? '' : [...codes, result.errors ? `${result.errors} connection errors (${result.timeouts} timeouts)` : ''].filter(Boolean).join(', '),
  };
}
