import type { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Parses the environment once at start-up. Every problem is reported at once, by variable name,
 * so an operator fixes the deployment in one go instead of one crash at a time.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  // An empty variable means "not set": compose files and shells often export VAR= for unset values.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return result.data;
}
