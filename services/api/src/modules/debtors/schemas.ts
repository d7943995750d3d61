import { z } from 'zod';
import { DEBTOR_KINDS, LANGUAGES, type Language } from '@fordra/domain';
import type { DebtorRow } from '@fordra/db';
import { CountryCode, Instant, iso, Text } from '../../http/schemas.js';

export const AddressSchema = z
  .object({
    line1: Text(200),
    line2: Text(200).nullish(),
    postalCode: Text(20),
    city: Text(100),
    country: CountryCode,
  })
  .meta({ id: 'PostalAddress', description: 'Postal address; letters need it.' });

const debtorFields = {
  kind: z.enum(DEBTOR_KINDS).describe('business or consumer: the law treats them differently.'),
  name: Text(200),
  identityNumber: Text(40)
    .nullish()
    .describe('Organisation number for businesses, personal identity number for consumers. Checked for SE and FI (by the address country).'),
  email: z.email().max(254).nullish(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number, preferably in international form (+46 ...)')
    .nullish(),
  address: AddressSchema.nullish(),
  preferredLanguage: z.enum(LANGUAGES).optional().describe('Language of reminders and letters; defaults by address country (SE: sv, FI: fi, else en).'),
  customerNumber: Text(64).nullish().describe("The creditor's own customer number; unique per creditor."),
};

export const DebtorInput = z.object(debtorFields).meta({ id: 'NewDebtor', description: 'A debtor: who owes, how to reach them, in which language.' });
export const DebtorPatch = z
  .object(debtorFields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change')
  .meta({ id: 'DebtorPatch' });

export type DebtorInputT = z.infer<typeof DebtorInput>;

export const DebtorSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(DEBTOR_KINDS),
    name: z.string(),
    identityNumber: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: z
      .object({ line1: z.string(), line2: z.string().nullable(), postalCode: z.string(), city: z.string(), country: z.string() })
      .nullable(),
    preferredLanguage: z.enum(LANGUAGES),
    customerNumber: z.string().nullable(),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'Debtor' });

export function defaultLanguage(country: string | null | undefined): Language {
  if (country === 'SE') return 'sv';
  if (country === 'FI') return 'fi';
  return 'en';
}

export function toDebtor(row: DebtorRow) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    identityNumber: row.identity_number,
    email: row.email,
    phone: row.phone,
    address:
      row.address_line1 && row.postal_code && row.city && row.country
        ? { line1: row.address_line1, line2: row.address_line2, postalCode: row.postal_code, city: row.city, country: row.country }
        : null,
    preferredLanguage: row.preferred_language,
    customerNumber: row.customer_number,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
