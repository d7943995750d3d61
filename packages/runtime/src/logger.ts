import pino, { type DestinationStream, type Logger } from 'pino';

/** Fields that hold personal data whatever object they sit in: in API shape and in row shape. */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'identityNumber',
  'identity_number',
  'email',
  'phone',
  'address',
  'addressLines',
  'address_line1',
  'address_line2',
  'line1',
  'line2',
  'postalCode',
  'postal_code',
  'city',
  'payerName',
  'payer_name',
]);

/** Objects whose `name` is a person's (a creditor's, a template's or a job's name stays readable). */
const NAMED_PEOPLE: ReadonlySet<string> = new Set(['debtor', 'debtors', 'recipient', 'confirmation']);

const CENSOR = '[redacted]';
const MAX_DEPTH = 12;

/**
 * The value with every personal field censored, at any depth, in objects and lists: the same
 * value when there was nothing to censor (so logging costs a walk, not a copy). Errors keep their
 * class, message and stack, so pino's error serializer still knows them.
 */
export function censorPersonal(value: unknown, namesArePersonal = false, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const censored = censorPersonal(item, namesArePersonal, depth + 1);
      if (censored !== item) changed = true;
      return censored;
    });
    return changed ? out : value;
  }
  const isError = value instanceof Error;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (!isError && proto !== Object.prototype && proto !== null) return value; // requests, buffers, dates: serializers' business
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const censored =
      item !== null && item !== undefined && (PERSONAL_FIELDS.has(key) || (namesArePersonal && key === 'name'))
        ? CENSOR
        : censorPersonal(item, NAMED_PEOPLE.has(key), depth + 1);
    if (censored !== item) {
      copy ??= isError ? copyError(value as Error) : { ...(value as Record<string, unknown>) };
      copy[key] = censored;
    }
  }
  return copy ?? value;
}

function copyError(err: Error): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Record<string, unknown>;
  for (const key of ['message', 'stack', 'name', 'cause'] as const) {
    if (key in err) Object.defineProperty(copy, key, { value: (err as unknown as Record<string, unknown>)[key], enumerable: false, writable: true, configurable: true });
  }
  Object.assign(copy, err);
  return copy;
}

/**
 * Redaction by path, on top of the walk: pino applies these to a child logger's bindings too,
 * which the walk does not see. None starts with a wildcard, so a logged object pays for them only
 * when it has one of these top-level keys (wildcard-first paths cost about a microsecond each on
 * every line: enough paths to reach deep would multiply the cost of a request's log lines).
 */
export const REDACTED_PATHS = [
  ...[...PERSONAL_FIELDS].flatMap((field) => [field, ...[...NAMED_PEOPLE].map((holder) => `${holder}.${field}`), `body.${field}`]),
  ...[...NAMED_PEOPLE].map((holder) => `${holder}.name`),
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
];

export interface LoggerOptions {
  name: string;
  level: string;
  /** Pretty, coloured lines for a person at a terminal; JSON lines (the default) for everything else. */
  pretty?: boolean;
  /** Where JSON lines go instead of stdout (tests capture them); not used with `pretty`. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? false;
  const settings = {
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    // Personal data never reaches a log line, wherever it sits in a logged object (a debtor, a
    // notification's recipient, a request or job body, an error's details). Logs are shipped and
    // kept far longer than the data itself may be. Fastify does not log request bodies, and
    // personal data is never put into a message string, where nothing can censor it.
    formatters: { log: (object: Record<string, unknown>) => censorPersonal(object) as Record<string, unknown> },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
  return !pretty && options.destination ? pino(settings, options.destination) : pino(settings);
}

export type { Logger };
