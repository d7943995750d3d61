import { z } from 'zod';
import { CURRENCY_CODES, isLocalDate, MAX_AMOUNT_MINOR } from '@fordra/domain';

/** Building blocks shared by the modules' schemas. */
export const Id = z.uuid();
export const IdParams = z.object({ id: Id });

export const LocalDateString = z
  .string()
  .refine(isLocalDate, 'must be a calendar date, YYYY-MM-DD')
  .meta({ format: 'date', example: '2026-11-24' });

export const Instant = z.iso.datetime({ offset: true }).meta({ example: '2026-11-24T09:30:00.000Z' });

export const CurrencyCode = z.enum(CURRENCY_CODES).describe('ISO 4217 currency code.');

export const AmountMinor = z
  .number()
  .int()
  .positive()
  .max(MAX_AMOUNT_MINOR)
  .describe('Integer amount in the currency\'s minor unit (öre, cent): 125000 is 1 250,00 SEK.');

export const MoneySchema = z
  .object({
    amount: z.number().int().describe('Integer minor units.'),
    currency: CurrencyCode,
  })
  .meta({ id: 'Money' });

export const CountryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
  .transform((c) => c.toUpperCase())
  .describe('ISO 3166-1 alpha-2 country code.');

/** Trimmed text of bounded length; blank text is refused rather than stored. */
export const Text = (max: number) => z.string().trim().min(1, 'must not be blank').max(max);

export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().optional().describe('See the Idempotency-Key section of the API description.'),
});

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
