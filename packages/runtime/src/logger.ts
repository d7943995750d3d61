import pino, { type Logger } from 'pino';

/**
 * Personal data that must never reach a log line, wherever it sits in a logged object. Logs are
 * shipped and kept far longer than the data itself may be.
 */
export const REDACTED_PATHS = [
  'identityNumber',
  'identity_number',
  'email',
  'phone',
  'address',
  'address_line1',
  'address_line2',
  'postalCode',
  'postal_code',
  '*.identityNumber',
  '*.identity_number',
  '*.email',
  '*.phone',
  '*.address',
  '*.address_line1',
  '*.address_line2',
  '*.postalCode',
  '*.postal_code',
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
];

export interface LoggerOptions {
  name: string;
  level: string;
  /** Pretty, coloured lines for a person at a terminal; JSON lines (the default) for everything else. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? false;
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  });
}

export type { Logger };
