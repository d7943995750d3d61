import { z } from 'zod';
import { asCurrency, type Currency } from '@fordra/domain';
import type { ApiKeyRow, CreditorRow } from '@fordra/db';
import { CountryCode, CurrencyCode, Instant, iso, isoOrNull, Text } from '../../http/schemas.js';

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
  autoVerify: z.boolean().default(false).describe('Start collecting new cases at once instead of waiting for the invoice check.'),
});

export const UpdateCreditorBody = z
  .object({ name: Text(200).optional(), autoVerify: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');

export const CreateApiKeyBody = z.object({ name: Text(100) });

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
    lastUsedAt: Instant.nullable(),
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

export function toApiKey(row: Pick<ApiKeyRow, 'id' | 'creditor_id' | 'name' | 'lookup_prefix' | 'created_at' | 'last_used_at' | 'revoked_at'>) {
  return {
    id: row.id,
    creditorId: row.creditor_id,
    name: row.name,
    prefix: row.lookup_prefix,
    createdAt: iso(row.created_at),
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}
