import type { DebtorRow } from '@fordra/db';

export type Recipient =
  | { name: string; email: string }
  | { name: string; line1: string; line2: string | null; postalCode: string; city: string; country: string | null };

/** Where a message on the channel reaches the debtor, or null when the debtor has no such address. */
export function recipientFor(debtor: DebtorRow, channel: 'email' | 'letter'): Recipient | null {
  if (channel === 'email') return debtor.email ? { name: debtor.name, email: debtor.email } : null;
  if (!debtor.address_line1 || !debtor.postal_code || !debtor.city) return null;
  return { name: debtor.name, line1: debtor.address_line1, line2: debtor.address_line2, postalCode: debtor.postal_code, city: debtor.city, country: debtor.country };
}
