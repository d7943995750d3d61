import type { Logger } from 'pino';

type Closer = () => Promise<unknown>;

/**
 * One step of a shutdown: a closer, or several closed side by side. Whatever takes work (job
 * workers, polling loops) belongs in one group, so that all of it stops taking work at once and
 * the drains overlap: one after the other, a slow drain would let the others go on taking work
 * and add their drains to it, past the grace period.
 */
export type CloseStep = Closer | readonly Closer[];

/**
 * Runs the closers, last registered first, on SIGTERM or SIGINT, then exits. A second signal or
 * the grace period running out exits at once, so a stuck close never blocks a deployment.
 */
export function closeOnSignals(logger: Logger, closers: CloseStep[], graceMs = 20_000): void {
  let closing = false;
  const close = async (signal: string) => {
    if (closing) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    let failed = false;
    for (const step of [...closers].reverse()) {
      const together = typeof step === 'function' ? [step] : step;
      for (const result of await Promise.allSettled(together.map(async (closer) => closer()))) {
        if (result.status === 'fulfilled') continue;
        failed = true;
        logger.error({ err: result.reason }, 'error while shutting down');
      }
    }
    logger.info('stopped');
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));
}

/** Prints a start-up failure plainly (config errors are for people) and exits non-zero. */
export function failStartup(service: string, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${service} could not start: ${message}\n`);
  process.exit(1);
}
