/**
 * Check digits of the Swedish and Finnish identity numbers a debtor may be registered with.
 * A wrong digit here means letters and agency hand-overs would name the wrong person, so the
 * number is checked where the country's scheme is known and kept as the debtor gave it otherwise.
 */
import type { DebtorKind } from './debtor.js';

export type IdentityCheck = { ok: true; normalized: string } | { ok: false; reason: string };

/** Luhn (mod 10), as used by Swedish personal and organisation numbers over their last ten digits. */
export function luhnValid(digits: string): boolean {
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return total % 10 === 0;
}

/** Swedish personnummer or samordningsnummer: YYMMDD-NNNC, YYYYMMDDNNNC, with '-' or '+'. */
export function checkSwedishPersonalNumber(input: string): IdentityCheck {
  const m = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$/.exec(input.replace(/\s/g, ''));
  if (!m) return { ok: false, reason: 'expected YYMMDD-NNNN or YYYYMMDDNNNN' };
  const [, century = '', yy, mm, dd, sep, tail] = m as unknown as [string, string | undefined, string, string, string, string, string];
  const month = Number(mm);
  const day = Number(dd) > 60 ? Number(dd) - 60 : Number(dd); // samordningsnummer add 60 to the day
  if (month < 1 || month > 12 || day < 1 || day > 31) return { ok: false, reason: 'not a valid birth date' };
  if (!luhnValid(`${yy}${mm}${dd}${tail}`)) return { ok: false, reason: 'check digit does not match' };
  return { ok: true, normalized: century ? `${century}${yy}${mm}${dd}-${tail}` : `${yy}${mm}${dd}${sep || '-'}${tail}` };
}

/** Swedish organisationsnummer: NNNNNN-NNNC, the third digit at least 2. */
export function checkSwedishOrganisationNumber(input: string): IdentityCheck {
  const m = /^(?:16)?(\d{6})-?(\d{4})$/.exec(input.replace(/\s/g, ''));
  if (!m) return { ok: false, reason: 'expected NNNNNN-NNNN' };
  const [, head = '', tail = ''] = m;
  if (Number(head[2]) < 2) return { ok: false, reason: 'third digit of an organisation number is at least 2' };
  if (!luhnValid(head + tail)) return { ok: false, reason: 'check digit does not match' };
  return { ok: true, normalized: `${head}-${tail}` };
}

const HETU_CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** Finnish henkilötunnus: DDMMYYCZZZQ, century signs as of the 2023 reform included. */
export function checkFinnishPersonalIdentityCode(input: string): IdentityCheck {
  const m = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/.exec(input.trim().toUpperCase());
  if (!m) return { ok: false, reason: 'expected DDMMYYCZZZQ' };
  const [, dd = '', mm = '', yy = '', , serial = '', check = ''] = m;
  if (Number(mm) < 1 || Number(mm) > 12 || Number(dd) < 1 || Number(dd) > 31) {
    return { ok: false, reason: 'not a valid birth date' };
  }
  const expected = HETU_CHECK_CHARS[Number(`${dd}${mm}${yy}${serial}`) % 31];
  if (expected !== check) return { ok: false, reason: 'check character does not match' };
  return { ok: true, normalized: input.trim().toUpperCase() };
}

/** Finnish Y-tunnus (business ID): NNNNNNN-C, weights 7,9,10,5,8,4,2 mod 11. */
export function checkFinnishBusinessId(input: string): IdentityCheck {
  const m = /^(\d{6,7})-(\d)$/.exec(input.trim());
  if (!m) return { ok: false, reason: 'expected NNNNNNN-C' };
  const body = (m[1] ?? '').padStart(7, '0');
  const weights = [7, 9, 10, 5, 8, 4, 2];
  const remainder = [...body].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0) % 11;
  if (remainder === 1) return { ok: false, reason: 'no valid check digit exists for this number' };
  const expected = remainder === 0 ? 0 : 11 - remainder;
  if (expected !== Number(m[2])) return { ok: false, reason: 'check digit does not match' };
  return { ok: true, normalized: `${body}-${m[2]}` };
}

/**
 * Checks an identity number for a debtor of the given kind in the given country. Countries whose
 * scheme we do not know accept any non-empty number as given.
 */
export function checkIdentityNumber(country: string | null | undefined, kind: DebtorKind, input: string): IdentityCheck {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, reason: 'must not be empty' };
  switch (country?.toUpperCase()) {
    case 'SE':
      return kind === 'consumer' ? checkSwedishPersonalNumber(trimmed) : checkSwedishOrganisationNumber(trimmed);
    case 'FI':
      return kind === 'consumer' ? checkFinnishPersonalIdentityCode(trimmed) : checkFinnishBusinessId(trimmed);
    default:
      return { ok: true, normalized: trimmed };
  }
}
