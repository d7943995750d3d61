import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Defaults suit a developer's machine with local Postgres and Redis; production sets them all. */
export const commonEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/fordra'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Every Redis key Fordra writes starts with this, so several installations can share a Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only').default('fordra'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** pretty: coloured lines for people; json: one object a line, for log shippers. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

/** Pretty logs in development unless told otherwise; JSON everywhere else. */
export function prettyLogs(config: { LOG_FORMAT?: 'json' | 'pretty' | undefined; NODE_ENV: string }): boolean {
  return config.LOG_FORMAT ? config.LOG_FORMAT === 'pretty' : config.NODE_ENV === 'development';
}

export const DEV_ADMIN_TOKEN = 'dev-admin-token-change-me';
export const DEV_AGREEMENT_LINK_SECRET = 'dev-agreement-link-secret-change-me';

/** Signs the debtor's agreement confirmation links; the API and the notifier must share it. */
const agreementLinkSecret = z.string().min(32, 'must be at least 32 characters').default(DEV_AGREEMENT_LINK_SECRET);
const notDevSecretInProduction = (env: { NODE_ENV: string; AGREEMENT_LINK_SECRET: string }, ctx: z.RefinementCtx) => {
  if (env.NODE_ENV === 'production' && env.AGREEMENT_LINK_SECRET === DEV_AGREEMENT_LINK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['AGREEMENT_LINK_SECRET'], message: 'must be set to a secret of your own in production' });
  }
};

/**
 * Host names (exact, comma-separated) whose webhook URLs skip the private-address check, for tests
 * and receivers the operator trusts on its own network, e.g. `127.0.0.1,localhost`.
 */
const webhookAllowedHosts = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0));

const CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]*)(?:\/\d{1,3})?$/i;

/**
 * Which proxies in front of the API may name the client's address (X-Forwarded-For): none by
 * default, a number of hops, or the proxies' addresses and networks. The client address is what
 * requests without an API key are rate-limited by, so trusting a proxy that is not there would let
 * any caller choose its own count.
 */
const trustProxy = z
  .string()
  .default('')
  .transform((v, ctx): false | number | string[] => {
    const value = v.trim();
    if (value === '' || value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
    const bad = entries.filter((e) => !CIDR.test(e));
    if (bad.length) ctx.addIssue({ code: 'custom', message: `expected a number of proxy hops or comma-separated proxy addresses or networks (e.g. 10.0.0.0/8), not: ${bad.join(', ')}` });
    return entries;
  });

/**
 * The operations server of every process (health and metrics, no authentication: keep it off the
 * internet). Unset: the service's own default port below, or any free port under NODE_ENV=test,
 * where tests run many processes side by side.
 */
const opsPortEnv = z.coerce.number().int().min(0).max(65535).optional();
export const OPS_PORT_DEFAULTS = { api: 9100, worker: 9101, notifier: 9102 } as const;

/** The port a service's ops server listens on; 0 is any free port. */
export function opsPort(config: { OPS_PORT?: number | undefined; NODE_ENV: string }, service: keyof typeof OPS_PORT_DEFAULTS): number {
  return config.OPS_PORT ?? (config.NODE_ENV === 'test' ? 0 : OPS_PORT_DEFAULTS[service]);
}

export const apiEnv = commonEnv
  .extend({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    OPS_PORT: opsPortEnv,
    ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    /** Largest invoice PDF accepted, in bytes. */
    MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(10 * 1024 * 1024),
    AGREEMENT_LINK_SECRET: agreementLinkSecret,
    WEBHOOK_ALLOWED_HOSTS: webhookAllowedHosts,
    /** Requests one API key (without one: one client address) may make per window, counted across every API instance. */
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(100_000_000).default(1200),
    /** The rate limit's window, in milliseconds. */
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
    /** Requests with a key that is not valid one client address may make per rate-limit window; past it they get 429 instead of 401. */
    AUTH_FAILURE_MAX: z.coerce.number().int().min(1).max(100_000_000).default(100),
    TRUST_PROXY: trustProxy,
  })
  .superRefine((env, ctx) => {
    notDevSecretInProduction(env, ctx);
    if (env.NODE_ENV === 'production' && (env.ADMIN_TOKEN === undefined || env.ADMIN_TOKEN === DEV_ADMIN_TOKEN)) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'must be set to a secret of your own in production' });
    }
  })
  .transform((env) => ({ ...env, ADMIN_TOKEN: env.ADMIN_TOKEN ?? DEV_ADMIN_TOKEN, adminTokenIsDefault: env.ADMIN_TOKEN === undefined }));

export const workerEnv = commonEnv.extend({
  /** Where the ops server (health, metrics) listens. */
  HOST: z.string().default('0.0.0.0'),
  OPS_PORT: opsPortEnv,
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  /** How often Postgres's deadlines are checked against Redis's jobs: the most a lost job delays a step. */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Deadlines due within this window are given their delayed job ahead of time. */
  DEADLINE_LOOKAHEAD_MS: z.coerce.number().int().min(0).max(7 * 86_400_000).default(15 * 60_000),
  /** A job whose worker stops renewing its lock this long (a crash) is handed to another worker. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** The pause between outbox relay passes when the outbox is drained: at most this much publication delay. */
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
});

export const notifierEnv = commonEnv.extend({
  /** Where the ops server (health, metrics) listens. */
  HOST: z.string().default('0.0.0.0'),
  OPS_PORT: opsPortEnv,
  NOTIFIER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(5),
  /** smtp://user:pass@host:port or smtps://…; unset: every email is written to MAIL_OUTBOX_DIR instead. */
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  /** The sender address of every email; the creditor's name is shown with it. */
  MAIL_FROM: z.email().default('reminders@fordra.invalid'),
  MAIL_OUTBOX_DIR: z.string().default('var/mail-outbox'),
  /** Where the default letter provider drops each letter's PDF and manifest for the print house. */
  LETTER_OUTBOX_DIR: z.string().default('var/letter-outbox'),
  /** The first retry after a temporary failure waits this long; each later one twice as long. */
  NOTIFIER_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  /** Temporary failures in a row after which a message is given up as failed. */
  NOTIFIER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** How often queued messages are checked for a job (after a crash or a Redis loss). */
  NOTIFIER_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Base of the links in messages (agreement confirmations); the API's public address. */
  PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
  AGREEMENT_LINK_SECRET: agreementLinkSecret,
  /** Where hand-overs go for creditors without an agency connector of their own: a folder per case. */
  AGENCY_OUTBOX_DIR: z.string().default('var/agency-outbox'),
  /** Temporary failures after which a hand-over is given up as failed and a person is asked to act. */
  HANDOVER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** How long an agency's HTTP intake may take to answer one hand-over; short enough to finish within a shutdown's grace. */
  AGENCY_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  WEBHOOK_ALLOWED_HOSTS: webhookAllowedHosts,
  /** Webhook requests in flight at once per notifier. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  /** The pause between webhook passes that found nothing due: at most this much delivery delay. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  /** A receiver that has not answered 2xx within this has failed the try. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
}).superRefine(notDevSecretInProduction);

export const migrateEnv = commonEnv.pick({ DATABASE_URL: true, LOG_LEVEL: true, LOG_FORMAT: true, NODE_ENV: true });

export type CommonConfig = z.infer<typeof commonEnv>;
export type ApiConfig = z.infer<typeof apiEnv>;
export type WorkerConfig = z.infer<typeof workerEnv>;
export type NotifierConfig = z.infer<typeof notifierEnv>;
export type MigrateConfig = z.infer<typeof migrateEnv>;
