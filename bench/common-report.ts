/** How the benchmarks print their figures, so that the three reports read alike. */
import { cpus } from 'node:os';
import { busyBefore } from './common-proc.js';

export const fmt = (n: number | undefined, digits = 0) => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-');
export const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * A header, a rule and the rows, columns as wide as their widest cell. `numbers: 'right'` aligns
 * every column but the first to the right, for tables of figures; labels and verdicts read better
 * left-aligned.
 */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[], { numbers = 'left' }: { numbers?: 'left' | 'right' } = {}): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 || numbers === 'left' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** The first lines of a long report: what ran where, and whether other work skews the figures. */
export async function printRunHeader(title: string, detail: string): Promise<void> {
  console.log(`Fordra ${title} benchmark: ${cpus().length} CPU cores, Node ${process.version}, ${detail}`);
  printBusyBefore(await busyBefore(1000));
}

/**
 * How busy the machine was before the run. A long report says so in any case; a short one only
 * warns when the figures are likely skewed.
 */
export function printBusyBefore(busy: number, { onlyWhenBusy = false }: { onlyWhenBusy?: boolean } = {}): void {
  if (onlyWhenBusy) {
    if (busy > 0.1) console.log(`Note: the machine was already ${fmt(100 * busy, 0)}% busy before the run; other work skews these figures.`);
    return;
  }
  console.log(`Machine ${fmt(100 * busy)}% busy before the run${busy > 0.1 ? ' (other work on it skews these figures)' : ''}`);
}
