/**
 * Keys whose values, wherever they sit in an activity entry's data, are personal data or free
 * text written about the debtor: notes and reasons, dispute texts, the name and browser a debtor
 * confirmed an agreement with, failure reasons (a bounce names the address), contact details.
 */
export const PERSONAL_KEYS = new Set([
  'note',
  'notes',
  'name',
  'comment',
  'userAgent',
  'reason',
  'complaint',
  'resolution',
  'payerName',
  'payerReference',
  'recipient',
  'email',
  'phone',
  'address',
  'identityNumber',
]);

/**
 * The value with every personal value replaced by null, at any depth. Only ever blanks: it adds
 * no key and writes no value, which is all the activity record's erasure exception lets through.
 */
export function blankPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blankPersonal);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, PERSONAL_KEYS.has(k) && v !== null ? null : blankPersonal(v)]));
  }
  return value;
}

/** Free text event data may carry (see the catalogue): kept as '' so every event stays valid. */
const EVENT_TEXT_KEYS = ['complaint', 'resolution', 'reason'];

export function blankEventText(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, EVENT_TEXT_KEYS.includes(k) && typeof v === 'string' ? '' : v]));
}
