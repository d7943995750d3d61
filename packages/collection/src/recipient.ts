import type { CreditorRow, DebtorRow } from '@fordra/db';

export type Recipient =
  | { name: string; email: string }
  | { name: string; line1: string; line2: string | null; postalCode: string; city: string; country: string | null };

/** Where a message on the channel reaches the debtor, or null when the debtor has no such address. */
export function recipientFor(debtor: DebtorRow, channel: 'email' | 'letter'): Recipient | null {
  if (channel === 'email') return debtor.email ? { name: debtor.name, email: debtor.email } : null;
  if (!debtor.address_line1 || !debtor.postal_code || !debtor.city) return null;
  return { name: debtor.name, line1: debtor.address_line1, line2: debtor.address_line2, postalCode: debtor.postal_code, city: debtor.city, country: debtor.country };
}

/** The sender block of a letter: how the creditor appears on paper. */
export function letterSender(creditor: CreditorRow) {
  return {
    name: creditor.sender_name ?? creditor.name,
    addressLines: creditor.address_lines,
    organisationNumber: creditor.organisation_number,
    phone: creditor.contact_phone,
    email: creditor.contact_email,
    website: creditor.website,
  };
}

/** The window of a letter: the postal lines, with the country only when the letter goes abroad. */
export function letterRecipient(
  recipient: { name: string; line1: string | null; line2: string | null; postalCode: string | null; city: string | null; country: string | null },
  senderCountry: string,
) {
  const lines = [recipient.line1, recipient.line2, [recipient.postalCode, recipient.city].filter(Boolean).join(' '), recipient.country !== senderCountry ? recipient.country : null];
  return { name: recipient.name, addressLines: lines.filter((l): l is string => Boolean(l)) };
}
