import type { Logger } from 'pino';

export interface Periodic {
  /** One pass now (tests run one after moving their clock). */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` now and then every `intervalMs` after the previous pass ended, never two at once.
 * A failed pass is logged and tried again at the next interval. Timer-driven in each process on
 * purpose: a schedule kept in Redis would be lost with Redis, which is what these passes repair.
 */
export function startPeriodic(what: string, intervalMs: number, logger: Logger, pass: (stopping: () => boolean) => Promise<number>): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let stopped = false;
  const stopping = () => stopped;

  async function tick(): Promise<void> {
    if (stopped) return;
    running = pass(stopping).catch((err: unknown) => {
      logger.error({ err }, `${what} failed; retrying next interval`);
      return 0;
    });
    await running;
    running = null;
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  }

  void tick();
  return {
    runOnce: () => pass(stopping),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
