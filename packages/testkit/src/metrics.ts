/**
 * The value of the first sample in a Prometheus text exposition with this name and at least these
 * labels (in any order), or undefined when there is none.
 */
export function metricSample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** The port a process logged for its ops server (`ops server listening … "port":N`), from its JSON log lines. */
export function loggedOpsPort(output: string): number {
  const line = output.split('\n').find((l) => l.includes('ops server listening'));
  const port = line ? /"port":(\d+)/.exec(line)?.[1] : undefined;
  if (!port) throw new Error(`no ops server port in the output:\n${output}`);
  return Number(port);
}
