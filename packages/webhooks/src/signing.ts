import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Signing per the Standard Webhooks specification, with its reference implementation
 * (`standardwebhooks`), so receivers verify with any of the specification's libraries.
 */

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` and the base64 of 32 random bytes. */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** Whether a string is a secret `newSecret` could have made (prefix, base64 of 24 to 64 bytes). */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** A type alias, not an interface, so it passes where `Record<string, string>` headers are expected. */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export interface SignInput {
  /** Every secret that signs now: during a rotation the new one and those still in their overlap. */
  secrets: readonly string[];
  /** The event's id: the same on every attempt, so receivers drop duplicates. */
  messageId: string;
  /** When this attempt is sent; receivers refuse timestamps far from their clock. */
  timestamp: Date;
  /** The exact bytes sent as the body. */
  body: string;
}

/**
 * The three Standard Webhooks headers for one attempt. `webhook-signature` holds one `v1,<base64>`
 * per secret, separated by spaces: a receiver holding either the old or the new secret verifies.
 */
export function webhookHeaders(input: SignInput): WebhookHeaders {
  if (input.secrets.length === 0) throw new Error('a webhook needs at least one signing secret');
  if (!input.messageId || /\s/.test(input.messageId)) throw new Error('a webhook id must be non-empty, without white space');
  const signatures = [...new Set(input.secrets)].map((secret) => new Webhook(secret).sign(input.messageId, input.timestamp, input.body));
  return {
    'webhook-id': input.messageId,
    'webhook-timestamp': String(Math.floor(input.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
