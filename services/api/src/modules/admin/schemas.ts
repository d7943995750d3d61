import { z } from 'zod';
import { asCurrency, type Currency } from '@fordra/domain';
import type { ApiKeyRow, CreditorRow } from '@fordra/db';
import { HttpProblem } from '../../http/problems.js';
import { CountryCode, CurrencyCode, Instant, iso, isoOrNull, Text } from '../../http/schemas.js';
import { ALL_SCOPES, SCOPE_NAMES } from '../../http/scopes.js';

/** The scopes a new key gets: any of the catalogue, or `*` for all (the default). */
export const KeyScopes = z
  .array(z.enum([ALL_SCOPES, ...SCOPE_NAMES]))
  .min(1)
  .max(SCOPE_NAMES.length + 1)
  .transform((scopes) => [...new Set(scopes)])
  .describe(
    'What the key may do: scopes from the catalogue in the API description (such as `cases:read`, `payments:write`); a write scope also grants the read scope of the same capability. Default `["*"]`: every scope, those added later included.',
  );

export const KeyExpiresAt = Instant.describe('When the key stops working (a future instant). Default: never.');

const TimeZone = z
  .string()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Stockholm')
  .describe('IANA time zone the creditor works in; deadlines fall on its calendar days.');

export const CreateCreditorBody = z.object({
  name: Text(200),
  country: CountryCode.describe('Where the creditor is established; decides the legal rules, calendar and defaults.'),
  defaultCurrency: CurrencyCode.optional().describe('Defaults to the currency of the country (SEK for SE, EUR for FI).'),
  timeZone: TimeZone.optional(),
  apiKeyName: Text(100).default('default'),
  apiKeyScopes: KeyScopes.optional().describe('The first key\'s scopes; default `["*"]`, every scope.'),
  apiKeyExpiresAt: KeyExpiresAt.optional(),
  autoVerify: z.boolean().default(false).describe('Start collecting new cases at once instead of waiting for the invoice check.'),
});

export const UpdateCreditorBody = z
  .object({ name: Text(200).optional(), autoVerify: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');

export const CreateApiKeyBody = z.object({ name: Text(100), scopes: KeyScopes.optional(), expiresAt: KeyExpiresAt.optional() });

export const CreditorSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    country: z.string(),
    defaultCurrency: CurrencyCode,
    timeZone: z.string(),
    autoVerify: z.boolean(),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'Creditor' });

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    creditorId: z.uuid(),
    name: z.string(),
    prefix: z.string().describe('The public start of the key, to tell keys apart.'),
    createdAt: Instant,
    scopes: z.array(z.string()).describe('What the key may do; `*` is every scope.'),
    expiresAt: Instant.nullable().describe('When the key stops working; null: never.'),
    lastUsedAt: Instant.nullable().describe('When the key was last used, to the minute.'),
    revokedAt: Instant.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().describe('The secret API key. Shown this once; only its hash is stored.'),
}).meta({ id: 'CreatedApiKey' });

const COUNTRY_DEFAULTS: Record<string, { currency: Currency; timeZone: string }> = {
  SE: { currency: 'SEK', timeZone: 'Europe/Stockholm' },
  FI: { currency: 'EUR', timeZone: 'Europe/Helsinki' },
  NO: { currency: 'NOK', timeZone: 'Europe/Oslo' },
  DK: { currency: 'DKK', timeZone: 'Europe/Copenhagen' },
};

export function defaultsForCountry(country: string): { currency: Currency; timeZone: string } {
  return COUNTRY_DEFAULTS[country] ?? { currency: 'EUR', timeZone: 'UTC' };
}

export function toCreditor(row: CreditorRow) {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    defaultCurrency: asCurrency(row.default_currency),
    timeZone: row.time_zone,
    autoVerify: row.auto_verify,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function toApiKey(row: Pick<ApiKeyRow, 'id' | 'creditor_id' | 'name' | 'lookup_prefix' | 'created_at' | 'last_used_at' | 'revoked_at' | 'scopes' | 'expires_at'>) {
  return {
    id: row.id,
    creditorId: row.creditor_id,
    name: row.name,
    prefix: row.lookup_prefix,
    createdAt: iso(row.created_at),
    scopes: row.scopes,
    expiresAt: isoOrNull(row.expires_at),
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

/** A key's expiry, refused (422) unless it lies after `now`. */
export function futureExpiry(expiresAt: string | undefined, now: Date, pointer: string): Date | null {
  if (expiresAt === undefined) return null;
  const at = new Date(expiresAt);
  if (at.getTime() <= now.getTime()) {
    throw new HttpProblem('unprocessable', 'a key cannot expire in the past', { errors: [{ in: 'body', pointer, detail: `must be after ${now.toISOString()}` }] });
  }
  return at;
}
